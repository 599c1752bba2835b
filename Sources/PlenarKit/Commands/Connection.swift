import PlenarAPI

/// A validated key and the project it will work in.
public struct Connection {
    public var whoami: WhoAmI
    public var project: ProjectRef
    public var api: APIBaseURL
    /// Written into configs only with `--inline-token`.
    var token: String
    /// The project came from `--project` or `PLENAR_PROJECT_ID`, not the key's default.
    var projectNamed: Bool

    public var mode: String { whoami.kind.modeName }

    struct Summary: Encodable {
        var connected: Bool
        var dryRun: Bool
        var mode: String
        var organization: OrganizationRef
        var project: ProjectRef
        var apiURL: String
        var mcpURL: String
        var configs: [ConnectionReport.Config]
        var diff: String?

        enum CodingKeys: String, CodingKey {
            case connected, mode, organization, project, configs, diff
            case dryRun = "dry_run"
            case apiURL = "api_url"
            case mcpURL = "mcp_url"
        }
    }

    func summary(_ report: ConnectionReport, dryRun: Bool) -> Summary {
        Summary(
            connected: !dryRun, dryRun: dryRun, mode: mode, organization: whoami.organization, project: project, apiURL: api.base,
            mcpURL: api.mcpEndpoint, configs: report.configs, diff: dryRun ? report.diff : nil
        )
    }
}
