import PlenarAPI

/// The MCP clients `connect` configures. What sets each one apart (its file, format, entry,
/// variable syntax and what else it needs) is data: ``config``. Each client's data names the
/// source it was checked against.
public enum MCPClient: String, CaseIterable, Sendable {
    case claude, cursor, vscode, gemini, codex, zed, opencode, amp, kilo, `continue`, copilot

    public static let serverName = "plenar"
    public static let tokenVariable = "PLENAR_TOKEN"
    public static let projectVariable = "PLENAR_PROJECT_ID"
    public static let projectHeader = "X-Plenar-Project"
    static let vscodeInput = "plenar-token"

    /// `claude,cursor`, or `all`: every client, less those that read no variable for the key
    /// (Zed) unless `inlineToken`.
    public static func list(_ text: String, inlineToken: Bool = false) throws(Failure) -> [MCPClient] {
        let names = text.split(separator: ",").map { String($0).trimmed.lowercased() }
        if names == ["all"] { return allCases.filter { inlineToken || !$0.config.requiresInlineToken } }
        var clients: [MCPClient] = []
        for name in names {
            guard let client = MCPClient(rawValue: name) else {
                throw .usage(
                    "--client takes a comma-separated list of \(allCases.map(\.rawValue).joined(separator: ", ")), or all; not \(name)")
            }
            if client.config.requiresInlineToken, !inlineToken {
                throw .usage(
                    "--client \(name): \(client.file) cannot name the PLENAR_TOKEN variable (the client sends headers as written); add --inline-token to write the key itself"
                )
            }
            if !clients.contains(client) { clients.append(client) }
        }
        guard !clients.isEmpty else {
            throw .usage("--client needs at least one of \(allCases.map(\.rawValue).joined(separator: ", ")), or all")
        }
        return clients
    }

    /// `${PLENAR_PROJECT_ID:-KEY}`: the variable, else the project connected now.
    private static func projectWithDefault(_ key: String) -> String { "${\(projectVariable):-\(key)}" }

    /// The client's project config, described.
    var config: MCPClientConfig {
        switch self {
        case .claude:
            // Claude Code: code.claude.com/docs/en/mcp (project scope, `${VAR:-default}` in
            // headers since 2.1.119); SchemaStore's claude-code-settings.json for settings.json.
            MCPClientConfig(
                file: ".mcp.json", format: JSONCFormat.json, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: "http", token: "${\(Self.tokenVariable)}", project: Self.projectWithDefault),
                needs: ["approving the project's servers when Claude Code asks"])
        case .cursor:
            // Cursor (closed source): cursor.com/docs/context/mcp, `${env:NAME}` in url and headers.
            MCPClientConfig(
                file: ".cursor/mcp.json", format: JSONCFormat.json, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(
                    type: nil, token: "${env:\(Self.tokenVariable)}", project: { _ in "${env:\(Self.projectVariable)}" }))
        case .vscode:
            // microsoft/vscode src/vs/workbench/contrib/mcp/common/mcpRegistry.ts
            // (`_replaceVariablesInLaunch`: the whole launch, headers included, goes through the
            // configuration resolver, so `${env:NAME}` and `${input:id}` resolve in headers);
            // mcpConfiguration.ts for the file's schema. `--vscode-input` keeps the password
            // prompt, which no headless run can answer.
            MCPClientConfig(
                file: ".vscode/mcp.json", format: JSONCFormat.jsonWithComments, entryPath: ["servers", Self.serverName],
                entry: { server in
                    server.keyFromInput
                        ? MCPClientConfig.httpEntry(type: "http", token: "${input:\(Self.vscodeInput)}", project: { $0 })(server)
                        : MCPClientConfig.httpEntry(
                            type: "http", token: "${env:\(Self.tokenVariable)}", project: { _ in "${env:\(Self.projectVariable)}" })(server)
                },
                extraEdits: { server in server.inlineToken == nil && server.keyFromInput ? [Self.vscodeTokenInput] : [] },
                needs: ["a trusted workspace, and trusting the server when VS Code asks"],
                variableNeed: "PLENAR_TOKEN in VS Code's environment (start it from a shell that has it)")
        case .gemini:
            // google-gemini/gemini-cli packages/core/src/config/config.ts (`MCPServerConfig`: `url`
            // with `"type": "http"`; `httpUrl` deprecated) and schemas/settings.schema.json.
            // packages/cli/src/config/settings.ts expands `$VAR`, `${VAR}` and `${VAR:-default}`
            // in the whole file at load time (packages/cli/src/utils/envVarResolver.ts, against
            // the full environment); packages/core/src/tools/mcp-client.ts expands headers again
            // against an environment without names matching /TOKEN/i
            // (services/environmentSanitization.ts), so an unset PLENAR_TOKEN becomes `Bearer `.
            // The workspace file is read only from the current folder, and only once it is
            // trusted (settings.ts, trustedFolders.ts).
            MCPClientConfig(
                file: ".gemini/settings.json", format: JSONCFormat.jsonWithComments, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: "http", token: "${\(Self.tokenVariable)}", project: Self.projectWithDefault),
                needs: ["a trusted folder (Gemini CLI asks)", "starting Gemini CLI from the repository root"],
                variableNeed: "PLENAR_TOKEN set where Gemini CLI starts (unset, it sends an empty Bearer)")
        case .codex:
            // openai/codex codex-rs/config/src/mcp_types.rs (`url`, `bearer_token_env_var`,
            // `env_http_headers`) and codex-rs/core/config.schema.json; a project's .codex/ is
            // loaded only for a trusted project (openai/codex#9533, codex-rs/config/src/loader).
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
                inlineTokenWarning: "names the variable \(Self.tokenVariable): Codex reads a bearer token only from the environment",
                needs: [
                    "a trusted project (Codex asks, or [projects.\"PATH\"] trust_level = \"trusted\" in ~/.codex/config.toml)",
                    "PLENAR_PROJECT_ID in the agent's environment for the project header",
                ])
        case .zed:
            // zed-industries/zed crates/settings/src/settings_content/project.rs
            // (`ContextServerSettingsContent::Http`: `url`, `headers`) and
            // crates/project/src/context_server_store.rs, which sends the headers as written: no
            // variable is expanded, so the key can only be written in the file. Project settings
            // apply once the worktree is trusted (`session.trust_all_worktrees`).
            MCPClientConfig(
                file: ".zed/settings.json", format: JSONCFormat.jsonWithComments, entryPath: ["context_servers", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: nil, token: "", project: { $0 }),
                requiresInlineToken: true,
                needs: ["a trusted worktree (Zed asks)"],
                variableNeed: nil)
        case .opencode:
            // anomalyco/opencode (was sst/opencode) packages/opencode/src/config/mcp.ts (`type:
            // "remote"`, `url`, `headers`), config/variable.ts (`{env:NAME}`, an unset one is
            // empty; no default), config/paths.ts (opencode.json found from the current folder up
            // to the worktree root), config/parse.ts (JSONC). Schema: opencode.ai/config.json.
            MCPClientConfig(
                file: "opencode.json", format: JSONCFormat.jsonWithComments, entryPath: ["mcp", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: "remote", token: "{env:\(Self.tokenVariable)}", project: { $0 }),
                needs: ["starting OpenCode inside the repository"])
        case .amp:
            // Amp is closed source: ampcode.com/manual (workspace settings in .amp/settings.json,
            // merged with the user's when amp runs in the folder; `amp.mcpServers` with `url` and
            // `headers`; `${VAR}` references). No default syntax is documented.
            MCPClientConfig(
                file: ".amp/settings.json", format: JSONCFormat.json, entryPath: ["amp.mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: nil, token: "${\(Self.tokenVariable)}", project: { $0 }),
                needs: ["starting Amp in the repository"])
        case .kilo:
            // Kilo-Org/kilocode src/services/mcp/McpHub.ts (`.kilocode/mcp.json` of the first
            // workspace folder, read with JSON.parse; a `url` needs `"type": "streamable-http"`)
            // and `injectVariables` from src/utils/config.ts (`${env:NAME}`, no default; an unset
            // one stays as written), read at RooCodeInc/Roo-Code src/utils/config.ts, which Kilo
            // Code forked: Kilo's own copy is not in the searchable index.
            MCPClientConfig(
                file: ".kilocode/mcp.json", format: JSONCFormat.json, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: "streamable-http", token: "${env:\(Self.tokenVariable)}", project: { $0 }),
                needs: ["the repository open as the editor's (first) workspace folder"],
                variableNeed: "PLENAR_TOKEN in the editor's environment (start it from a shell that has it)")
        case .continue:
            // continuedev/continue packages/config-yaml/src/schemas/mcp/index.ts (`type:
            // streamable-http`, `url`, `requestOptions.headers`), schemas/index.ts (a block file:
            // name, version, schema, one-element `mcpServers`), core/config/loadLocalAssistants.ts
            // (.continue/mcpServers/*.yaml), core/config/yaml/LocalPlatformClient.ts
            // (`${{ secrets.NAME }}` from .continue/.env, ~/.continue/.env, then the environment).
            // plenar links no YAML library: it owns this file whole (`OwnedYAMLFormat`).
            MCPClientConfig(
                file: ".continue/mcpServers/plenar.yaml",
                format: OwnedYAMLFormat(header: [("name", "Plenar"), ("version", "0.0.1"), ("schema", "v1")], listKey: "mcpServers"),
                entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(
                    type: "streamable-http", token: "${{ secrets.\(Self.tokenVariable) }}", headersPath: ["requestOptions", "headers"],
                    leading: [("name", .string(Self.serverName))], project: { $0 }),
                needs: ["the repository open as the editor's workspace"],
                variableNeed: "PLENAR_TOKEN in the editor's environment, or in .continue/.env or ~/.continue/.env")
        case .copilot:
            // GitHub Copilot CLI is closed source: docs.github.com, Copilot CLI command reference
            // ("MCP server loading priority": .mcp.json or .github/mcp.json at the workspace root;
            // `mcpServers` with `type: "http"`, `url`, `headers`), and microsoft/vscode
            // src/vs/workbench/contrib/mcp/common/mcpEnvironmentVariableExpansion.ts, which
            // follows the Copilot CLI's rules: `${VAR}` and `${VAR:-default}` in url and headers.
            // It also reads Claude Code's .mcp.json; this file serves repositories without one.
            MCPClientConfig(
                file: ".github/mcp.json", format: JSONCFormat.json, entryPath: ["mcpServers", Self.serverName],
                entry: MCPClientConfig.httpEntry(type: "http", token: "${\(Self.tokenVariable)}", project: Self.projectWithDefault),
                needs: ["a trusted folder (Copilot CLI asks)", "starting Copilot CLI from the repository root"])
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

    /// VS Code's input for the key, beside the server entries (`--vscode-input`).
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
