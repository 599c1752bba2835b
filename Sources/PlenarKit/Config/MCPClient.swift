import PlenarAPI

/// The MCP clients `connect` configures, each with its own file, entry shape and variable syntax.
public enum MCPClient: String, CaseIterable, Sendable {
    case claude, cursor, vscode, gemini, codex

    public static let serverName = "plenar"
    public static let tokenVariable = "PLENAR_TOKEN"
    public static let projectVariable = "PLENAR_PROJECT_ID"
    public static let projectHeader = "X-Plenar-Project"
    static let vscodeInput = "plenar-token"

    /// The project file, relative to the repository root.
    public var file: String {
        switch self {
        case .claude: ".mcp.json"
        case .cursor: ".cursor/mcp.json"
        case .vscode: ".vscode/mcp.json"
        case .gemini: ".gemini/settings.json"
        case .codex: ".codex/config.toml"
        }
    }

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

    /// VS Code's file allows comments; Gemini CLI strips them too. The others are strict JSON.
    var allowsComments: Bool { self == .vscode || self == .gemini }

    /// Where our entry lives in the file.
    var entryPath: [String] {
        switch self {
        case .claude, .cursor, .gemini: ["mcpServers", Self.serverName]
        case .vscode: ["servers", Self.serverName]
        case .codex: ["mcp_servers", Self.serverName]
        }
    }

    /// Our entry, referencing the token's variable unless `inlineToken` is given.
    func entry(_ server: MCPServer) -> [(String, ConfigValue)] {
        let authorization: ConfigValue = .string("Bearer " + (server.inlineToken ?? reference(Self.tokenVariable)))
        var headers: [(String, ConfigValue)] = [("Authorization", authorization)]
        if let project = server.project {
            headers.append((Self.projectHeader, .string(projectReference(default: project))))
        }
        switch self {
        case .claude: return [("type", "http"), ("url", .string(server.endpoint)), ("headers", .object(headers))]
        case .cursor: return [("url", .string(server.endpoint)), ("headers", .object(headers))]
        case .vscode: return [("type", "http"), ("url", .string(server.endpoint)), ("headers", .object(headers))]
        // Gemini CLI deprecated `httpUrl` for `url` with `"type": "http"` (google-gemini/gemini-cli#13762).
        case .gemini: return [("type", "http"), ("url", .string(server.endpoint)), ("headers", .object(headers))]
        case .codex:
            var entry: [(String, ConfigValue)] = [("url", .string(server.endpoint)), ("bearer_token_env_var", .string(Self.tokenVariable))]
            if server.project != nil {
                entry.append(("env_http_headers", .object([(Self.projectHeader, .string(Self.projectVariable))])))
            }
            return entry
        }
    }

    /// How this client names an environment variable in a header.
    private func reference(_ variable: String) -> String {
        switch self {
        case .claude, .gemini: "${\(variable)}"
        case .cursor: "${env:\(variable)}"
        case .vscode: "${input:\(Self.vscodeInput)}"
        case .codex: variable
        }
    }

    /// The project header's value: from `PLENAR_PROJECT_ID`, falling back to the connected
    /// project where the client supports a default.
    private func projectReference(default project: String) -> String {
        switch self {
        case .claude: "${\(Self.projectVariable):-\(project)}"
        // Gemini CLI's resolver takes `PLENAR_PROJECT_ID:-KEY` for a variable's name (no
        // defaults), and VS Code reads no variables in headers: a project key is no secret.
        case .gemini, .vscode: project
        default: reference(Self.projectVariable)
        }
    }

    /// Each value plenar owns in an entry, by its path: nested objects are opened, so a header
    /// is one leaf and the user's own headers are not plenar's.
    static func leaves(_ members: [(String, ConfigValue)]) -> [([String], ConfigValue)] {
        members.flatMap { key, value -> [([String], ConfigValue)] in
            if case let .object(inner) = value, !inner.isEmpty {
                return leaves(inner).map { ([key] + $0.0, $0.1) }
            }
            return [([key], value)]
        }
    }

    /// VS Code asks for the key once and keeps it in its secret storage.
    static let vscodeTokenInput: ConfigValue = .object([
        ("type", "promptString"),
        ("id", .string(vscodeInput)),
        ("description", "Plenar key: the value of PLENAR_TOKEN"),
        ("password", true),
    ])
}
