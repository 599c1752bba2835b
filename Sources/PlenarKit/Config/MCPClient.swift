import PlenarAPI

/// The MCP clients `connect` configures. What sets each one apart (its file, format, entry and
/// variable syntax) is data: ``config``.
public enum MCPClient: String, CaseIterable, Sendable {
    case claude, cursor, vscode, gemini, codex

    public static let serverName = "plenar"
    public static let tokenVariable = "PLENAR_TOKEN"
    public static let projectVariable = "PLENAR_PROJECT_ID"
    public static let projectHeader = "X-Plenar-Project"
    static let vscodeInput = "plenar-token"

    /// `claude,cursor`, or `all`.
    public static func list(_ text: String) throws(Failure) -> [MCPClient] {
        let names = text.split(separator: ",").map { String($0).trimmed.lowercased() }
        if names == ["all"] { return allCases }
        var clients: [MCPClient] = []
        for name in names {
            guard let client = MCPClient(rawValue: name) else {
                throw .usage(
                    "--client takes a comma-separated list of \(allCases.map(\.rawValue).joined(separator: ", ")), or all; not \(name)")
            }
            if !clients.contains(client) { clients.append(client) }
        }
        guard !clients.isEmpty else {
            throw .usage("--client needs at least one of \(allCases.map(\.rawValue).joined(separator: ", ")), or all")
        }
        return clients
    }

    /// The client's project config, described.
    var config: MCPClientConfig {
        switch self {
        case .claude:
            MCPClientConfig(
                file: ".mcp.json", format: JSONCFormat.json, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(
                    declaresType: true, token: "${\(Self.tokenVariable)}", project: { "${\(Self.projectVariable):-\($0)}" }))
        case .cursor:
            MCPClientConfig(
                file: ".cursor/mcp.json", format: JSONCFormat.json, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(
                    declaresType: false, token: "${env:\(Self.tokenVariable)}", project: { _ in "${env:\(Self.projectVariable)}" }))
        case .vscode:
            // VS Code reads no variables in headers: a project key is no secret. The key comes
            // from an input VS Code asks for once and keeps in its secret storage.
            MCPClientConfig(
                file: ".vscode/mcp.json", format: JSONCFormat.jsonWithComments, entryPath: ["servers", Self.serverName],
                entry: MCPClientConfig.httpEntry(declaresType: true, token: "${input:\(Self.vscodeInput)}", project: { $0 }),
                extraEdits: { server in server.inlineToken == nil ? [Self.vscodeTokenInput] : [] })
        case .gemini:
            // Gemini CLI deprecated `httpUrl` for `url` with `"type": "http"` (google-gemini/gemini-cli#13762).
            // Its resolver takes `PLENAR_PROJECT_ID:-KEY` for a variable's name (no defaults).
            MCPClientConfig(
                file: ".gemini/settings.json", format: JSONCFormat.jsonWithComments, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(declaresType: true, token: "${\(Self.tokenVariable)}", project: { $0 }))
        case .codex:
            MCPClientConfig(
                file: ".codex/config.toml", format: TOMLFormat(), entryPath: ["mcp_servers", Self.serverName],
                entry: { server in
                    var entry: [(String, ConfigValue)] = [
                        ("url", .string(server.endpoint)), ("bearer_token_env_var", .string(Self.tokenVariable)),
                    ]
                    if server.project != nil {
                        entry.append(("env_http_headers", .object([(Self.projectHeader, .string(Self.projectVariable))])))
                    }
                    return entry
                },
                inlineTokenWarning: "names the variable \(Self.tokenVariable): Codex reads a bearer token only from the environment")
        }
    }

    /// The project file, relative to the repository root.
    public var file: String { config.file }

    /// Where our entry lives in the file.
    var entryPath: [String] { config.entryPath }

    /// Whether the client's file may hold comments (a JSON file's).
    var allowsComments: Bool { (config.format as? JSONCFormat)?.allowsComments ?? false }

    /// Our entry, referencing the token's variable unless `inlineToken` is given.
    func entry(_ server: MCPServer) -> [(String, ConfigValue)] { config.entry(server) }

    /// VS Code's input for the key, beside the server entries.
    static let vscodeTokenInput = ArrayElementEdit(
        path: ["inputs"],
        element: .object([
            ("type", "promptString"),
            ("id", .string(vscodeInput)),
            ("description", "Plenar key: the value of PLENAR_TOKEN"),
            ("password", true),
        ]),
        matches: { $0["id"]?.string == vscodeInput },
        // An input `plenar-token` of another type (a `pickString`, say) is the user's.
        shape: JSONCDocument.Shape(name: "an input \(vscodeInput)", expected: "the promptString input plenar writes") {
            $0["type"]?.string == "promptString"
        }
    )
}
