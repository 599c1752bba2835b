import Foundation
import Testing

@testable import PlenarKit

/// Config files as users have them: other servers, keys plenar does not know, comments.
enum Fixtures {
    static let server = MCPServer(endpoint: "http://127.0.0.1:8080/mcp", project: nil)
    static let projectServer = MCPServer(endpoint: "http://127.0.0.1:8080/mcp", project: "PLEN-DEMO")
    /// A key-shaped literal for clients that take only a literal key (Zed).
    static let literalKey = "pko_" + String(repeating: "k3Y", count: 12)

    /// The server as `connect` describes it to `client`: with the literal key where the client
    /// reads no variable.
    static func server(_ base: MCPServer = Fixtures.server, for client: MCPClient) -> MCPServer {
        var server = base
        if client.config.requiresInlineToken { server.inlineToken = literalKey }
        return server
    }

    /// A file with other servers and unknown keys, per client.
    static func existing(_ client: MCPClient) -> String {
        switch client {
        case .claude, .cursor:
            return """
                {
                  "zzz": {"keep": [1, 2.5, null, true]},
                  "mcpServers": {
                    "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", "headers": {"X-Custom": "ünïcødé \\u00e9"}},
                    "local": {"command": "npx", "args": ["-y", "@acme/thing"], "env": {"TOKEN": "${OTHER_TOKEN}"}}
                  },
                  "aaa": 1
                }

                """
        case .vscode:
            return """
                // Workspace MCP servers
                {
                \t"servers": {
                \t\t// the docs server
                \t\t"docs": {
                \t\t\t"type": "stdio",
                \t\t\t"command": "docs-mcp", /* inline */
                \t\t},
                \t},
                \t"inputs": [
                \t\t{"type": "promptString", "id": "docs-key", "password": true},
                \t], // keep this
                }

                """
        case .gemini:
            return """
                {
                  // Gemini CLI strips comments from settings.json
                  "theme": "GitHub",
                  "mcpServers": {
                    "docs": {"command": "docs-mcp"}
                  },
                  "telemetry": {"enabled": false}
                }

                """
        case .zed:
            return """
                // Zed project settings
                {
                  "tab_size": 2,
                  "context_servers": {
                    "docs": {"command": "docs-mcp", "args": [], "env": {}},
                  },
                  "languages": {"Swift": {"format_on_save": "off"}}, /* keep */
                }

                """
        case .opencode:
            return """
                {
                  "$schema": "https://opencode.ai/config.json",
                  // the team's servers
                  "mcp": {
                    "docs": {"type": "local", "command": ["npx", "-y", "docs-mcp"], "enabled": true}
                  },
                  "model": "anthropic/claude-sonnet-4-5"
                }

                """
        case .amp:
            return """
                {
                  "amp.permissions": [{"tool": "Bash", "matches": {"cmd": "git *"}, "action": "allow"}],
                  "amp.mcpServers": {
                    "playwright": {"command": "npx", "args": ["-y", "@playwright/mcp@latest"]}
                  }
                }

                """
        case .kilo:
            return """
                {
                    "mcpServers": {
                        "docs": {"command": "docs-mcp", "alwaysAllow": ["search"], "disabled": false}
                    }
                }

                """
        case .continue:
            // Continue's other servers live in files of their own: plenar's file is new or plenar's.
            return ""
        case .copilot:
            return """
                {
                  "mcpServers": {
                    "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", "tools": ["*"]}
                  }
                }

                """
        case .codex:
            return """
                model = "o3"  # the default model

                [mcp_servers.docs]
                command = "npx"
                args = ["-y", "docs-mcp"]

                # Profiles
                [profiles.fast]
                model = "gpt-5-mini"
                notes = '''
                multi [line]
                '''

                """
        }
    }

    /// Every name in the file that is not plenar's, for checking that nothing was lost.
    static func foreignValues(_ client: MCPClient, _ text: String) throws -> [String] {
        if client == .codex {
            let document = try TOMLDocument(Array(text.utf8))
            return document.tables.filter { !$0.path.starts(with: ["mcp_servers", "plenar"]) }.map { "\($0.path)=\($0.value)" }
        }
        let document = try JSONCDocument(Array(text.utf8), allowsComments: client.allowsComments)
        guard case let .object(members)? = document.root?.kind else { return [] }
        var result: [String] = []
        for member in members {
            if case let .object(inner) = member.value.kind, member.key == client.entryPath[0] {
                result += inner.filter { $0.key != "plenar" }.map { "\(member.key).\($0.key)=\($0.value.value)" }
            } else if member.key == "inputs", case let .array(items) = member.value.kind {
                result += items.map(\.value).filter { $0["id"]?.string != "plenar-token" }.map { "inputs=\($0)" }
            } else {
                result.append("\(member.key)=\(member.value.value)")
            }
        }
        return result
    }
}
