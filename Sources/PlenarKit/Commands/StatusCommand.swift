import FoundationEssentials
import PlenarAPI

/// `plenar status` and `plenar whoami`: the cheapest probe of a key.
public struct StatusCommand {
    public var json: Bool

    public init(json: Bool) {
        self.json = json
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let settings = Settings(context: context)
        return Invocation(context: context, kind: .probe, skipped: "status unknown").run(settings) { reporter throws(Failure) in
            let (token, api, client) = try OIDCRefresh.credentials(settings: settings, context: context, reporter: reporter)
            let whoami = try client.get("/whoami", as: WhoAmI.self)
            var report = StatusReport(whoami, api: api)
            report.configs = Self.configs(
                context, api: api, token: token, project: settings.project.map { (try? ConnectCommand.project($0, whoami))?.key ?? $0 })
            if let warning = report.expiryWarning(now: context.clock.date()) {
                reporter.warning(warning)
            }
            if json {
                reporter.result(String(decoding: try encode(report), as: UTF8.self) + "\n")
            } else {
                reporter.result(report.text)
            }
            CIAdapters.current(context.environment)?.summary(
                reporter.redactor.redact(report.markdown), context: context, reporter: reporter, deadline: client.deadline)
        }
    }
}

extension StatusCommand {
    /// Every known MCP client config at the repository root, as `connect` would judge it now.
    static func configs(_ context: PlenarContext, api: APIBaseURL, token: String, project: String?) -> [ConfigFileStatus] {
        let root = context.files.projectRoot()
        let server = MCPServer(endpoint: api.mcpEndpoint, project: project)
        return MCPClient.allCases.map { client in
            do throws(FileError) {
                return client.inspect(try context.files.read(root + "/" + client.file), server: server, token: token)
            } catch {
                var status = client.inspect(FileSnapshot(path: client.file, contents: nil), server: server, token: token)
                status.present = true
                status.problem = "cannot be read: \(error.reason)"
                return status
            }
        }
    }
}
