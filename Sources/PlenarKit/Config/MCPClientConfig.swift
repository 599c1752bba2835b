/// One MCP client's project config as data: the file, its format, where plenar's entry lives,
/// the entry, any other element plenar keeps in the file, and what else the client needs before
/// it uses the entry.
struct MCPClientConfig: ConfigTarget {
    /// How an entry names the key.
    enum KeySource: Equatable, Sendable {
        /// A reference to `PLENAR_TOKEN`, resolved by the client from its environment.
        case variable
        /// The key itself (`--inline-token`).
        case inline
        /// VS Code's password input (`--vscode-input`).
        case input
    }

    var file: String
    var format: any ConfigFormat
    var entryPath: [String]
    /// plenar's entry, referencing the token's variable unless the server has `inlineToken`.
    var entry: @Sendable (MCPServer) -> [(String, ConfigValue)]
    /// Array elements kept beside the entry, such as VS Code's input for the key.
    var extraEdits: @Sendable (MCPServer) -> [ArrayElementEdit] = { _ in [] }
    /// Said after the file (named first) with `--inline-token`: the client does not read a literal key.
    var inlineTokenWarning: String?
    /// The client reads no variable where the key goes: `connect` writes it only with
    /// `--inline-token` (and `--client all` leaves the client out without it).
    var requiresInlineToken = false
    /// What the client needs besides the file, whatever names the key: a trusted folder, where
    /// it must be started. Each item completes "needs …" in `status`.
    var needs: [String] = []
    /// How `PLENAR_TOKEN` must reach the client when the entry names the variable.
    var variableNeed: String? = MCPClientConfig.agentEnvironment

    static let agentEnvironment = "PLENAR_TOKEN in the agent's environment"

    /// Everything the client needs for an entry whose key comes from `source`.
    func needs(_ source: KeySource) -> [String] {
        switch source {
        case .variable: (variableNeed.map { [$0] } ?? []) + needs
        case .inline: needs
        case .input: ["the key, entered once when VS Code asks (kept in its secret storage)"] + needs
        }
    }

    func edit(_ original: [UInt8], server: MCPServer, force: Bool) throws(EditRefusal) -> [UInt8]? {
        var text = original
        var changed = false
        if let next = try format.merging(entry(server), into: entryPath, in: text, force: force) {
            text = next
            changed = true
        }
        for extra in extraEdits(server) {
            if let next = try format.applying(extra, to: text, force: force) {
                text = next
                changed = true
            }
        }
        return changed ? text : nil
    }

    /// The entry of a client that speaks HTTP in JSON (or YAML): `type` where the client wants
    /// one, the URL, and the headers under `headersPath`. `token` is how the client's file names
    /// the key (a variable reference); `project` gives the project header's value for a project
    /// key: a reference to `PLENAR_PROJECT_ID` (falling back to the key where the client supports
    /// a default), or the key itself.
    static func httpEntry(
        type: String?, token: String, headersPath: [String] = ["headers"], leading: [(String, ConfigValue)] = [],
        project: @escaping @Sendable (String) -> String
    ) -> @Sendable (MCPServer) -> [(String, ConfigValue)] {
        { server in
            var headers: [(String, ConfigValue)] = [("Authorization", .string("Bearer " + (server.inlineToken ?? token)))]
            if let key = server.project {
                headers.append((MCPClient.projectHeader, .string(project(key))))
            }
            let nested = headersPath.reversed().reduce(ConfigValue.object(headers)) { inner, key in .object([(key, inner)]) }
            guard case let .object(members) = nested else { return [] }
            let declared: [(String, ConfigValue)] = type.map { [("type", .string($0))] } ?? []
            return leading + declared + [("url", .string(server.endpoint))] + members
        }
    }
}
