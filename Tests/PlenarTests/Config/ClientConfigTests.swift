import Foundation
import Testing

@testable import PlenarKit

@Suite("MCP client configs: each client's format, merged without loss")
struct ClientConfigTests {
    let configs = ClientConfigs(clients: MCPClient.allCases, claudeHooks: true, inlineToken: false, force: false, dryRun: false)

    /// `--vscode-input`: VS Code's entry takes the key from its password input.
    static let prompting = MCPServer(endpoint: Fixtures.server.endpoint, keyFromInput: true)

    func edit(_ client: MCPClient, _ text: String, server: MCPServer = Fixtures.server, force: Bool = false) throws -> String? {
        try configs.edit(client.file, Array(text.utf8), server: server, force: force).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("from no file: the client's documented entry, referencing the variable, never a key", arguments: MCPClient.allCases)
    func fromEmpty(client: MCPClient) throws {
        let server = Fixtures.server(for: client)
        let text = try #require(try edit(client, "", server: server))
        try Golden.check("\(client.rawValue)-new.txt", text)
        if !client.config.requiresInlineToken {
            #expect(!text.contains("pko_") && !text.contains("plt_"))
        }
        #expect(try edit(client, text, server: server) == nil, "a second run changes nothing")
        let withProject = try #require(try edit(client, "", server: Fixtures.server(Fixtures.projectServer, for: client)))
        try Golden.check("\(client.rawValue)-project.txt", withProject)
        #expect(withProject.contains("X-Plenar-Project"))
        #expect(try edit(client, withProject, server: Fixtures.server(Fixtures.projectServer, for: client)) == nil)
    }

    @Test(
        "an existing file keeps every other server, unknown key, value, order and comment",
        arguments: MCPClient.allCases.filter { $0 != .continue })
    func fromExisting(client: MCPClient) throws {
        let original = Fixtures.existing(client)
        let server = Fixtures.server(for: client)
        let text = try #require(try edit(client, original, server: server))
        try Golden.check("\(client.rawValue)-merged.txt", text)
        #expect(try Fixtures.foreignValues(client, text) == Fixtures.foreignValues(client, original))
        for line in original.split(separator: "\n") {
            #expect(text.contains(line), "line lost or changed: \(line)")
        }
        #expect(try edit(client, text, server: server) == nil, "a second run changes nothing")
        // A changed API replaces our entry in place and touches nothing else.
        let moved = try #require(
            try edit(client, text, server: Fixtures.server(MCPServer(endpoint: "https://api.plenar.dev/mcp"), for: client)))
        #expect(try Fixtures.foreignValues(client, moved) == Fixtures.foreignValues(client, original))
        #expect(moved.contains("https://api.plenar.dev/mcp") && !moved.contains("127.0.0.1:8080"))
    }

    @Test("CRLF files stay CRLF, tab-indented files stay tab-indented")
    func keepsStyle() throws {
        let crlf = "{\r\n    \"mcpServers\": {\r\n        \"a\": {\"url\": \"x\"}\r\n    }\r\n}\r\n"
        let text = try #require(try edit(.claude, crlf))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "only CRLF line breaks")
        #expect(text.contains("\r\n        \"plenar\": {\r\n            \"type\": \"http\""))
    }

    @Test(
        "a file that does not parse is refused with its line and column, even with --force",
        arguments: [
            (MCPClient.claude, "{\"mcpServers\": {\"a\": 1}", "line 1"),
            (.claude, "{\n  // a comment\n}", "line 2, column 3: a comment"),
            (.cursor, "{\"mcpServers\": {,}}", "line 1"),
            (.vscode, "{\n  \"servers\": {\n    \"a\": tru\n  }\n}", "line 3"),
            (.gemini, "[1, 2", "line 1"),
            (.codex, "[mcp_servers.docs]\ncommand = npx\n", "line 2"),
            (.codex, "[mcp_servers.docs\n", "line 1"),
            (.codex, "a = \"unterminated\n", "line 1"),
        ])
    func corrupt(client: MCPClient, text: String, position: String) throws {
        for force in [false, true] {
            let error = try #require(throws: EditRefusal.self) { try edit(client, text, force: force) }
            #expect(error.unparseable)
            #expect(error.reason.contains(position), "\(error.reason)")
        }
        let file = ClientConfigs(clients: [client], claudeHooks: false, inlineToken: false, force: true, dryRun: false)
        #expect(throws: Failure.self) {
            try file.plan(client.file, FileSnapshot(path: client.file, contents: Array(text.utf8)), server: Fixtures.server)
        }
    }

    @Test("an entry of the wrong shape is refused; --force replaces only it and keeps a .bak")
    func wrongShape() throws {
        let original = "{\n  \"mcpServers\": [\"not\", \"an object\"],\n  \"keep\": true\n}\n"
        let error = try #require(throws: EditRefusal.self) { try edit(.claude, original) }
        #expect(!error.unparseable && error.reason.contains("--force"))
        let forced = try #require(try edit(.claude, original, force: true))
        #expect(forced.contains("\"keep\": true") && forced.contains("\"plenar\""))
        let file = ClientConfigs(clients: [.claude], claudeHooks: false, inlineToken: false, force: true, dryRun: false)
        let plan = try file.plan(".mcp.json", FileSnapshot(path: ".mcp.json", contents: Array(original.utf8)), server: Fixtures.server)
        #expect(plan.backup)
        let toml = "[mcp_servers]\nplenar = { url = \"x\" }\n"
        #expect(throws: EditRefusal.self) { try edit(.codex, toml) }
    }

    @Test("VS Code --vscode-input: an input plenar-token of another kind is the user's: refused; --force replaces it and keeps a .bak")
    func vscodeInputOfAnotherShape() throws {
        let original = "{\n  \"inputs\": [\n    {\"type\": \"pickString\", \"id\": \"plenar-token\", \"options\": [\"a\", \"b\"]}\n  ]\n}\n"
        let error = try #require(throws: EditRefusal.self) { try edit(.vscode, original, server: Self.prompting) }
        #expect(!error.unparseable && error.reason.contains("plenar-token") && error.reason.contains("--force"), "\(error.reason)")
        let forced = try #require(try edit(.vscode, original, server: Self.prompting, force: true))
        #expect(forced.contains("\"promptString\"") && !forced.contains("pickString"))
        #expect(try edit(.vscode, forced, server: Self.prompting) == nil)
        let snapshot = FileSnapshot(path: ".vscode/mcp.json", contents: Array(original.utf8))
        let refused = ClientConfigs(clients: [.vscode], claudeHooks: false, inlineToken: false, force: false, dryRun: false)
        #expect(throws: Failure.self) { try refused.plan(".vscode/mcp.json", snapshot, server: Self.prompting) }
        let file = ClientConfigs(clients: [.vscode], claudeHooks: false, inlineToken: false, force: true, dryRun: false)
        #expect(try file.plan(".vscode/mcp.json", snapshot, server: Self.prompting).backup)
    }

    @Test("VS Code --vscode-input: plenar's own input gets plenar's keys back and keeps what the user added to it")
    func vscodeInputKeepsUserKeys() throws {
        let written = try #require(try edit(.vscode, "", server: Self.prompting))
        let customized = written.replacingOccurrences(of: "\"password\": true", with: "\"password\": false,\n      \"default\": \"\"")
        #expect(customized != written)
        let text = try #require(try edit(.vscode, customized, server: Self.prompting))
        #expect(text.contains("\"password\": true") && text.contains("\"default\": \"\""), "\(text)")
        #expect(try edit(.vscode, text, server: Self.prompting) == nil)
    }

    @Test("--hooks claude adds the three events once, beside the user's own hooks")
    func claudeHooks() throws {
        let original = """
            {
              "permissions": {"allow": ["Bash(ls)"]},
              "hooks": {
                "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]
              }
            }

            """
        let text = try #require(try configs.edit(".claude/settings.json", Array(original.utf8), server: Fixtures.server, force: false))
        let document = try JSONCDocument(text, allowsComments: false)
        for event in ClaudeHooks.events {
            let commands = try #require(document.node(at: ["hooks", event])?.value.array).flatMap { $0["hooks"]?.array ?? [] }.compactMap {
                $0["command"]?.string
            }
            #expect(commands.filter { $0 == "plenar hook \(event) || exit 1" }.count == 1)
        }
        #expect(document.node(at: ["hooks", "Stop"])?.value.array?.count == 2, "the user's Stop hook stays")
        #expect(document.node(at: ["permissions"])?.value == .object([("allow", .array(["Bash(ls)"]))]))
        #expect(try configs.edit(".claude/settings.json", text, server: Fixtures.server, force: false) == nil)
    }

    @Test("--inline-token writes the key only where asked, and Codex still names the variable")
    func inline() throws {
        let token = "pko_" + String(repeating: "a1B2", count: 10)
        var server = Fixtures.server
        server.inlineToken = token
        for client in MCPClient.allCases {
            let text = try #require(try edit(client, "", server: server))
            #expect(text.contains(token) == (client != .codex), "\(client)")
            #expect(!text.contains("${input:"), "no prompt when the key is inline")
        }
        let inline = ClientConfigs(clients: [.claude], claudeHooks: false, inlineToken: true, force: false, dryRun: false)
        let plan = try inline.plan(".mcp.json", FileSnapshot(path: ".mcp.json", contents: nil), server: server)
        #expect(plan.literalSecret)
    }

    @Test("status judges each file: present, pointing here, up to date, literal secret")
    func inspection() throws {
        let token = "pko_" + String(repeating: "x", count: 40)
        let written = try #require(try configs.edit(".mcp.json", [], server: Fixtures.server, force: false))
        let good = MCPClient.claude.inspect(FileSnapshot(path: ".mcp.json", contents: written), server: Fixtures.server, token: token)
        #expect(
            good
                == ConfigFileStatus(
                    client: "claude", file: ".mcp.json", present: true, hasEntry: true, pointsAtAPI: true, upToDate: true,
                    literalSecret: false, needs: MCPClient.claude.config.needs(.variable)))
        let stale = MCPClient.claude.inspect(
            FileSnapshot(path: ".mcp.json", contents: written), server: Fixtures.projectServer, token: token)
        #expect(stale.pointsAtAPI && !stale.upToDate)
        let elsewhere = MCPClient.claude.inspect(
            FileSnapshot(path: ".mcp.json", contents: written), server: MCPServer(endpoint: "https://x/mcp"), token: token)
        #expect(!elsewhere.pointsAtAPI)
        let leaked = Array(
            #"{"mcpServers": {"other": {"headers": {"Authorization": "Bearer pko_abcdefghijklmnopqrstuvwxyz0123456789"}}}}"#.utf8)
        let leaking = MCPClient.claude.inspect(FileSnapshot(path: ".mcp.json", contents: leaked), server: Fixtures.server, token: token)
        #expect(leaking.literalSecret && !leaking.hasEntry)
        let broken = MCPClient.codex.inspect(FileSnapshot(path: "x", contents: Array("= 1".utf8)), server: Fixtures.server, token: token)
        #expect(broken.problem?.hasPrefix("does not parse") == true)
        #expect(MCPClient.gemini.inspect(FileSnapshot(path: "x", contents: nil), server: Fixtures.server, token: token).present == false)
    }

    @Test("--client parses a list or all, and names what is wrong")
    func clientList() throws {
        #expect(try MCPClient.list("all") == MCPClient.allCases.filter { $0 != .zed })
        #expect(try MCPClient.list("cursor, claude,cursor") == [.cursor, .claude])
        #expect(
            throws: Failure.usage(
                "--client takes a comma-separated list of claude, cursor, vscode, gemini, codex, zed, opencode, amp, kilo, continue, copilot, or all; not windsurf"
            )
        ) {
            try MCPClient.list("claude,windsurf")
        }
        // Zed reads no variable where the key goes: only with --inline-token, and all leaves it out without.
        #expect(throws: Failure.self) { try MCPClient.list("claude,zed") }
        #expect(try MCPClient.list("zed", inlineToken: true) == [.zed])
        #expect(!(try MCPClient.list("all")).contains(.zed))
        #expect(try MCPClient.list("all", inlineToken: true) == MCPClient.allCases)
    }

    @Test("the dry-run diff shows exactly the change")
    func diff() {
        let old = Array("a\nb\nc\nd\ne\nf\ng\nh\n".utf8)
        let new = Array("a\nb\nc\nd\nX\ne\nf\ng\nh\n".utf8)
        #expect(TextDiff.unified(old: old, new: new, path: "f") == "--- a/f\n+++ b/f\n@@ -2,6 +2,7 @@\n b\n c\n d\n+X\n e\n f\n g\n")
        #expect(TextDiff.unified(old: old, new: old, path: "f") == "")
        #expect(TextDiff.unified(old: [], new: Array("x\n".utf8), path: "f") == "--- /dev/null\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n")
    }

    @Test("what the user added inside plenar's entry stays: another header, a timeout, a sub-table")
    func keepsUserKeysInEntry() throws {
        let gemini = try #require(try edit(.gemini, ""))
        let customized = gemini.replacingOccurrences(of: "\"type\": \"http\",", with: "\"type\": \"http\",\n      \"trust\": true,")
            .replacingOccurrences(of: "\"Authorization\"", with: "\"X-Extra\": \"1\",\n        \"Authorization\"")
        #expect(customized != gemini)
        #expect(try edit(.gemini, customized) == nil, "nothing of plenar's changed, so nothing is written")
        let moved = try #require(try edit(.gemini, customized, server: Fixtures.projectServer))
        #expect(
            moved.contains("\"trust\": true") && moved.contains("\"X-Extra\": \"1\"")
                && moved.contains("\"X-Plenar-Project\": \"${PLENAR_PROJECT_ID:-PLEN-DEMO}\""))

        let codex = try #require(try edit(.codex, ""))
        let tuned = codex + "startup_timeout_sec = 30\n\n[mcp_servers.plenar.tools.search]\nenabled = false\n"
        #expect(try edit(.codex, tuned) == nil)
        let withProject = try #require(try edit(.codex, tuned, server: Fixtures.projectServer))
        #expect(
            withProject.contains("startup_timeout_sec = 30\n")
                && withProject.contains("[mcp_servers.plenar.tools.search]\nenabled = false\n"))
        #expect(withProject.contains("env_http_headers = { X-Plenar-Project = \"PLENAR_PROJECT_ID\" }"))
        let ownHeaders = codex + "env_http_headers = { X-Team = \"TEAM\" }\n"
        let merged = try #require(try edit(.codex, ownHeaders, server: Fixtures.projectServer))
        #expect(merged.contains("env_http_headers = { X-Team = \"TEAM\", X-Plenar-Project = \"PLENAR_PROJECT_ID\" }"))
        #expect(try edit(.codex, merged, server: Fixtures.projectServer) == nil)
    }

    @Test(
        "TOML that is valid is read; TOML that is not is refused",
        arguments: [
            ("[[profiles]]\nname = \"x\"\n[profiles.settings]\na = 1\n[[profiles]]\nname = \"y\"\n[profiles.settings]\na = 2\n", true),
            (
                "a = 1979-05-27T07:32:00Z\nb = 1979-05-27 07:32:00\nc = 07:32:00\nd = 0xDEAD_beef\ne = -1_000.5e+3\nf = inf\ng = \"\"\"\\\n  x\"\"\"\n",
                true
            ),
            ("a = \"x\\ y\"\n", false),
            ("a = 1abc\n", false),
            ("[a]\nb = 1\n[a.b]\n", false),
            ("x = {a=1}\nx.b = 2\n", false),
            ("a = 1\na = 2\n", false),
            ("[t]\n[t]\n", false),
        ])
    func tomlValidity(text: String, valid: Bool) {
        #expect(((try? TOMLDocument(Array(text.utf8))) != nil) == valid, "\(text)")
    }
}
