import PlenarAPI

/// `plenar connect`: validates a key with no browser, settles the project, and configures what
/// later steps and agents need.
public struct ConnectCommand {
    /// The key from `--key`; `-` means read it from standard input.
    public var key: String?
    public var project: String?
    public var apiURL: String?
    public var json: Bool

    public init(key: String? = nil, project: String? = nil, apiURL: String? = nil, json: Bool = false) {
        self.key = key
        self.project = project
        self.apiURL = apiURL
        self.json = json
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let invocation = Invocation(context: context, kind: .probe, skipped: "not connected")
        var flagKey = key
        if key == "-" {
            guard !context.stdin.isTerminal else {
                return invocation.fail(.usage("--key - reads the key from standard input: pipe it in, for example printf %s \"$KEY\" | plenar connect --key -"))
            }
            flagKey = Self.firstLine(context.stdin.read(limit: 4096))
        }
        let settings = Settings(context: context, token: flagKey, apiURL: apiURL, project: project)
        return invocation.run(settings, keyFlag: true) { reporter throws(Failure) in
            if let key, key != "-" {
                reporter.warning("--key puts the key in the process list: prefer --key - (stdin) or PLENAR_TOKEN")
            }
            let (token, api) = try settings.validated()
            let client = PlenarClient(api: api, token: token, timeout: settings.timeout, context: context)
            let whoami = try client.get("/whoami", as: WhoAmI.self)
            let connection = Connection(whoami: whoami, project: try Self.project(settings.project, whoami), api: api)
            for target in Self.targets(context) {
                try target.apply(connection, context: context, reporter: reporter)
            }
            if json {
                reporter.result(String(decoding: try encode(connection.summary), as: UTF8.self) + "\n")
            } else {
                reporter.result("Connected to Plenar (\(connection.mode) mode): \(whoami.organization.name), project [\(connection.project.key)] \(connection.project.name)\n")
            }
        }
    }

    /// What connect configures. Writing MCP client configs joins here.
    static func targets(_ context: PlenarContext) -> [any ConnectionTarget] {
        GitHubActions.isActive(context.environment) ? [WorkflowEnvironment()] : []
    }

    /// The named project if the key reaches it, else the key's own default; never a guess.
    static func project(_ requested: String?, _ whoami: WhoAmI) throws(Failure) -> ProjectRef {
        if let requested {
            guard let project = whoami.scope.projects.first(where: { $0.id == requested || $0.key.lowercased() == requested.lowercased() }) else {
                throw .projectUnreachable(requested)
            }
            return project
        }
        guard let project = whoami.defaultProject else { throw .noProject }
        return project
    }

    static func firstLine(_ bytes: [UInt8]) -> String {
        var bytes = bytes[...]
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A validated key and the project it will work in.
public struct Connection {
    public var whoami: WhoAmI
    public var project: ProjectRef
    public var api: APIBaseURL

    public var mode: String { whoami.kind.modeName }

    struct Summary: Encodable {
        var connected = true
        var mode: String
        var organization: OrganizationRef
        var project: ProjectRef
        var apiURL: String
        var mcpURL: String

        enum CodingKeys: String, CodingKey {
            case connected, mode, organization, project
            case apiURL = "api_url"
            case mcpURL = "mcp_url"
        }
    }

    var summary: Summary {
        Summary(mode: mode, organization: whoami.organization, project: project, apiURL: api.base, mcpURL: api.mcpEndpoint)
    }
}

/// Something `connect` configures once the key is known good.
protocol ConnectionTarget {
    func apply(_ connection: Connection, context: PlenarContext, reporter: Reporter) throws(Failure)
}

/// Inside GitHub Actions: `PLENAR_API_URL` and `PLENAR_PROJECT_ID` for later steps, and the
/// step outputs `organization`, `mode`, `project-id`. Never the token.
struct WorkflowEnvironment: ConnectionTarget {
    func apply(_ connection: Connection, context: PlenarContext, reporter: Reporter) throws(Failure) {
        let files: [(String, [(String, String)])] = [
            ("GITHUB_ENV", [("PLENAR_API_URL", connection.api.base), ("PLENAR_PROJECT_ID", connection.project.key)]),
            ("GITHUB_OUTPUT", [("organization", connection.whoami.organization.name), ("mode", connection.mode), ("project-id", connection.project.key)]),
        ]
        var writes: [(path: String, text: String)] = []
        for (variable, entries) in files {
            guard let path = context.env(variable) else {
                reporter.warning("\(variable) is not set: later steps will not see the connection")
                continue
            }
            let text: String
            do throws(FileError) {
                text = try GitHubActions.environmentFileEntries(entries, random: context.random)
            } catch {
                throw .localFile(error)
            }
            writes.append((path: path, text: reporter.redactor.redact(text)))
        }
        for write in writes {
            do throws(FileError) {
                try context.files.append(write.text, to: write.path)
            } catch {
                throw .localFile(error)
            }
        }
    }
}
