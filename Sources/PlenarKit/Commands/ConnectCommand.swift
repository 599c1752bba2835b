import PlenarAPI

/// `plenar connect`: validates a key with no browser, settles the project, and configures what
/// later steps and agents need.
public struct ConnectCommand {
    /// The key from `--key`; `-` means read it from standard input.
    public var key: String?
    public var project: String?
    public var apiURL: String?
    public var json: Bool
    /// `--client`: which MCP clients to configure; nil is Claude Code alone.
    public var clients: String?
    public var noMCP: Bool
    public var inlineToken: Bool
    public var force: Bool
    public var dryRun: Bool
    /// `--hooks claude`: wire the agent's events to `plenar hook`.
    public var hooks: String?
    /// `--oidc [--audience A]`: exchange the job's OIDC token for a short-lived key (see `OIDCLogin`).
    public var oidc = false
    public var audience: String?
    /// `--vscode-input`: VS Code asks for the key once (a password input) instead of reading
    /// `PLENAR_TOKEN` from its environment.
    public var vscodeInput = false

    public init(
        key: String? = nil, project: String? = nil, apiURL: String? = nil, json: Bool = false, clients: String? = nil,
        noMCP: Bool = false, inlineToken: Bool = false, force: Bool = false, dryRun: Bool = false, hooks: String? = nil
    ) {
        self.key = key
        self.project = project
        self.apiURL = apiURL
        self.json = json
        self.clients = clients
        self.noMCP = noMCP
        self.inlineToken = inlineToken
        self.force = force
        self.dryRun = dryRun
        self.hooks = hooks
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let invocation = Invocation(context: context, kind: .probe, skipped: "not connected")
        let targets: Targets
        do throws(Failure) {
            targets = try self.targets(context)
        } catch {
            return invocation.fail(error)
        }
        var flagKey = key
        if key == "-" {
            guard !context.stdin.isTerminal else {
                return invocation.fail(
                    .usage("--key - reads the key from standard input: pipe it in, for example printf %s \"$KEY\" | plenar connect --key -")
                )
            }
            let (timeout, _) = Settings.timeout(context.environment)
            let input = context.stdin.read(limit: 4096, timeout: timeout, untilNewline: true)
            flagKey = Self.firstLine(input.bytes)
            if flagKey?.isEmpty != false {
                return invocation.fail(.keyInputEmpty(waited: input.timedOut ? timeout : nil))
            }
        }
        let settings = Settings(context: context, token: flagKey, apiURL: apiURL, project: project)
        let plan: OIDCLogin.Plan
        do throws(Failure) {
            plan = try OIDCLogin.plan(
                context: context, asked: oidc, keyGiven: flagKey != nil || context.env("PLENAR_TOKEN") != nil, audience: audience)
        } catch {
            return invocation.fail(error)
        }
        if plan == .forkSkip { return OIDCLogin.skipConnect(context: context, json: json) }
        return invocation.run(settings, keyFlag: true) { reporter throws(Failure) in
            if let key, key != "-" {
                reporter.warning("--key puts the key in the process list: prefer --key - (stdin) or PLENAR_TOKEN")
            }
            var targets = targets
            let (token, api, client) = try OIDCLogin.credentials(plan, settings: settings, context: context, reporter: reporter) {
                targets.workflow?.secretEnvironment = $0
            }
            let whoami = try client.get("/whoami", as: WhoAmI.self)
            let connection = Connection(
                whoami: whoami, project: try Self.project(settings.project, whoami), api: api,
                token: token, projectNamed: settings.project != nil
            )
            let appends = try targets.workflow?.appends(connection, context: context, reporter: reporter) ?? []
            let report = try targets.configs.apply(connection, appending: appends, context: context, reporter: reporter)
            targets.workflow?.afterWrite(connection, context: context, reporter: reporter, deadline: client.deadline)
            if json {
                reporter.result(String(decoding: try encode(connection.summary(report, dryRun: dryRun)), as: UTF8.self) + "\n")
            } else {
                reporter.result(report.diff)
                reporter.result(
                    "\(dryRun ? "Dry run, nothing written: would connect" : "Connected") to Plenar (\(connection.mode) mode): \(whoami.organization.name.printable), project [\(connection.project.key.printable)] \(connection.project.name.printable)\n"
                )
            }
        }
    }

    /// What connect configures: the config files, and inside a CI what later steps see (GitHub's
    /// environment files, written with the configs in one step, `FileSystem.update`).
    struct Targets {
        var configs: ClientConfigs
        var workflow: WorkflowEnvironment?
    }

    func targets(_ context: PlenarContext) throws(Failure) -> Targets {
        if let hooks, hooks.lowercased() != "claude" {
            throw .usage("--hooks takes claude (Claude Code is the one agent whose hooks plenar wires); not \(hooks)")
        }
        if noMCP, clients != nil || inlineToken {
            throw .usage("--no-mcp writes no MCP config: \(clients != nil ? "--client" : "--inline-token") has nothing to do")
        }
        let clients = noMCP ? [] : try MCPClient.list(clients ?? MCPClient.claude.rawValue, inlineToken: inlineToken)
        if vscodeInput, !clients.contains(.vscode) || inlineToken {
            throw .usage(
                inlineToken
                    ? "--vscode-input and --inline-token both say where VS Code's key comes from: choose one"
                    : "--vscode-input changes VS Code's entry: add --client vscode (or all)")
        }
        var configs = ClientConfigs(clients: clients, claudeHooks: hooks != nil, inlineToken: inlineToken, force: force, dryRun: dryRun)
        configs.vscodeInput = vscodeInput
        return Targets(
            configs: configs,
            workflow: CIAdapters.current(context.environment).map { WorkflowEnvironment(adapter: $0, dryRun: dryRun) }
        )
    }

    /// The named project if the key reaches it, else the key's own default; never a guess.
    static func project(_ requested: String?, _ whoami: WhoAmI) throws(Failure) -> ProjectRef {
        if let requested {
            guard let project = whoami.scope.projects.first(where: { $0.id == requested || $0.key.lowercased() == requested.lowercased() })
            else {
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
