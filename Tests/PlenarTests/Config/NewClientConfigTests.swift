import Foundation
import Testing

@testable import PlenarKit

/// The clients of issue 16 and the corrected VS Code and Gemini CLI entries, each against what
/// its own source reads (the source is named beside each client's data in `MCPClient.config`).
@Suite("MCP client configs: the entry each client reads, and what else it needs")
struct NewClientConfigTests {
    let configs = ClientConfigs(clients: MCPClient.allCases, claudeHooks: false, inlineToken: false, force: false, dryRun: false)

    func edit(_ client: MCPClient, _ text: String, server: MCPServer = Fixtures.server, force: Bool = false) throws -> String? {
        try configs.edit(client.file, Array(text.utf8), server: server, force: force).map { String(decoding: $0, as: UTF8.self) }
    }

    func entry(_ client: MCPClient, _ text: String) throws -> ConfigValue? {
        try client.config.format.value(at: client.entryPath, in: Array(text.utf8))
    }

    @Test("VS Code: the key and the project from its environment by default, no input to answer")
    func vscodeReadsTheEnvironment() throws {
        let text = try #require(try edit(.vscode, "", server: Fixtures.projectServer))
        let written = try #require(try entry(.vscode, text))
        #expect(written["headers"]?["Authorization"] == "Bearer ${env:PLENAR_TOKEN}")
        #expect(written["headers"]?["X-Plenar-Project"] == "${env:PLENAR_PROJECT_ID}")
        #expect(!text.contains("inputs") && !text.contains("${input:"), "nothing a headless run would have to answer")
    }

    @Test("VS Code with --vscode-input: the password input and the project key, as before")
    func vscodeInput() throws {
        var server = Fixtures.projectServer
        server.keyFromInput = true
        let text = try #require(try edit(.vscode, "", server: server))
        let document = try JSONCDocument(Array(text.utf8), allowsComments: true)
        #expect(document.node(at: ["servers", "plenar", "headers", "Authorization"])?.value == "Bearer ${input:plenar-token}")
        #expect(document.node(at: ["servers", "plenar", "headers", "X-Plenar-Project"])?.value == "PLEN-DEMO")
        #expect(document.node(at: ["inputs"])?.value.array?.first?["password"] == .bool(true))
        #expect(try edit(.vscode, text, server: server) == nil)
        // status: the input form is up to date too, and needs the key typed in, not the variable.
        let status = MCPClient.vscode.inspect(
            FileSnapshot(path: ".vscode/mcp.json", contents: Array(text.utf8)), server: Fixtures.projectServer, token: Fixtures.literalKey)
        #expect(status.upToDate)
        #expect(status.needs.first?.hasPrefix("the key, entered once when VS Code asks") == true)
        #expect(!status.needs.contains { $0.contains("PLENAR_TOKEN in VS Code's environment") })
        // Back to the default: the entry follows, plenar's input stays (nothing is ever removed).
        let back = try #require(try edit(.vscode, text, server: Fixtures.projectServer))
        #expect(back.contains("${env:PLENAR_TOKEN}") && back.contains("\"plenar-token\""))
    }

    @Test(
        "the project header follows PLENAR_PROJECT_ID where the client expands a default, else names the key",
        arguments: [
            (MCPClient.claude, "${PLENAR_PROJECT_ID:-PLEN-DEMO}"), (.gemini, "${PLENAR_PROJECT_ID:-PLEN-DEMO}"),
            (.copilot, "${PLENAR_PROJECT_ID:-PLEN-DEMO}"), (.cursor, "${env:PLENAR_PROJECT_ID}"), (.vscode, "${env:PLENAR_PROJECT_ID}"),
            (.opencode, "PLEN-DEMO"), (.amp, "PLEN-DEMO"), (.kilo, "PLEN-DEMO"), (.continue, "PLEN-DEMO"), (.zed, "PLEN-DEMO"),
        ])
    func projectHeader(client: MCPClient, header: String) throws {
        let text = try #require(try edit(client, "", server: Fixtures.server(Fixtures.projectServer, for: client)))
        let written = try #require(try entry(client, text))
        let headers = client == .continue ? written["requestOptions"]?["headers"] : written["headers"]
        #expect(headers?["X-Plenar-Project"] == .string(header))
    }

    @Test(
        "each new client's entry has the shape its source reads",
        arguments: [
            (MCPClient.zed, ["context_servers", "plenar"], nil as String?, "Bearer \(Fixtures.literalKey)"),
            (.opencode, ["mcp", "plenar"], "remote", "Bearer {env:PLENAR_TOKEN}"),
            (.amp, ["amp.mcpServers", "plenar"], nil, "Bearer ${PLENAR_TOKEN}"),
            (.kilo, ["mcpServers", "plenar"], "streamable-http", "Bearer ${env:PLENAR_TOKEN}"),
            (.copilot, ["mcpServers", "plenar"], "http", "Bearer ${PLENAR_TOKEN}"),
            (.gemini, ["mcpServers", "plenar"], "http", "Bearer ${PLENAR_TOKEN}"),
        ])
    func shapes(client: MCPClient, path: [String], type: String?, authorization: String) throws {
        let text = try #require(try edit(client, "", server: Fixtures.server(for: client)))
        let document = try JSONCDocument(Array(text.utf8), allowsComments: client.allowsComments)
        let written = try #require(document.node(at: path)?.value)
        #expect(written["type"]?.string == type)
        #expect(written["url"] == "http://127.0.0.1:8080/mcp")
        #expect(written["headers"]?["Authorization"] == .string(authorization))
        #expect(written["command"] == nil, "a remote entry: no command (Zed's untagged settings pick the variant by its keys)")
        #expect(client != .amp || document.node(at: ["amp.mcpServers"]) != nil, "Amp's key is one dotted name, not nested")
    }

    @Test("Continue: plenar's own YAML block file, fixed text, read back, twice in a row byte-identical")
    func continueFromEmpty() throws {
        let text = try #require(try edit(.continue, ""))
        #expect(text.hasPrefix(OwnedYAMLFormat.marker + "\n"))
        #expect(try edit(.continue, text) == nil, "a second run changes nothing")
        let written = try #require(try entry(.continue, text))
        #expect(written["name"] == "plenar" && written["type"] == "streamable-http")
        #expect(written["requestOptions"]?["headers"]?["Authorization"] == "Bearer ${{ secrets.PLENAR_TOKEN }}")
        let document = try YAMLSubset.parse(Array(text.utf8))
        #expect(document["name"] == "Plenar" && document["version"] == "0.0.1" && document["schema"] == "v1")
        #expect(document["mcpServers"]?.array?.count == 1, "a block holds exactly one server")
        let status = MCPClient.continue.inspect(
            FileSnapshot(path: MCPClient.continue.file, contents: Array(text.utf8)), server: Fixtures.server, token: Fixtures.literalKey)
        #expect(status.hasEntry && status.pointsAtAPI && status.upToDate && !status.literalSecret)
    }

    @Test("Continue: plenar's older file is rewritten; a file plenar did not write is refused, --force keeps it as .bak")
    func continueOwnership() throws {
        let old = try #require(try edit(.continue, "", server: MCPServer(endpoint: "https://old.example/mcp")))
        let moved = try #require(try edit(.continue, old))
        #expect(moved.contains("http://127.0.0.1:8080/mcp") && !moved.contains("old.example"))
        let foreign = "name: Mine\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: plenar\n    command: my-proxy\n"
        let error = try #require(throws: EditRefusal.self) { try edit(.continue, foreign) }
        #expect(!error.unparseable && error.reason.contains("--force"), "\(error.reason)")
        let forced = try #require(try edit(.continue, foreign, force: true))
        #expect(forced.hasPrefix(OwnedYAMLFormat.marker))
        let file = ClientConfigs(clients: [.continue], claudeHooks: false, inlineToken: false, force: true, dryRun: false)
        let plan = try file.plan(
            MCPClient.continue.file, FileSnapshot(path: MCPClient.continue.file, contents: Array(foreign.utf8)), server: Fixtures.server)
        #expect(plan.backup)
        // status reads a foreign file it can: the entry is there, not plenar's form.
        let status = MCPClient.continue.inspect(
            FileSnapshot(path: MCPClient.continue.file, contents: Array(foreign.utf8)), server: Fixtures.server, token: Fixtures.literalKey)
        #expect(status.hasEntry && !status.upToDate && status.problem == nil)
    }

    @Test("Continue: a literal key and odd strings are quoted so YAML reads them back unchanged")
    func continueQuoting() throws {
        var server = Fixtures.server
        server.inlineToken = Fixtures.literalKey
        server.endpoint = "http://127.0.0.1:8080/mcp?a=\"b\"&c=\\d: #e\n"
        server.project = "KEY: {x} # y"
        let text = try #require(try edit(.continue, "", server: server))
        let written = try #require(try entry(.continue, text))
        #expect(written["url"] == .string(server.endpoint))
        #expect(written["requestOptions"]?["headers"]?["Authorization"] == .string("Bearer " + Fixtures.literalKey))
        #expect(written["requestOptions"]?["headers"]?["X-Plenar-Project"] == "KEY: {x} # y")
        #expect(text.split(separator: "\n").count == 12, "one line a key: no string spills onto another line")
    }

    @Test(
        "YAML plenar did not write and cannot read is a parse error with its line",
        arguments: [
            ("a: [1, 2]\n", "line 1"), ("a:\n  b: {c: 1}\n", "line 2"), ("a: \"open\n", "line 1"), ("a:\n\t- b\n", "line 2"),
            ("just text\n", "line 1"),
        ])
    func yamlSubsetErrors(text: String, position: String) throws {
        let error = try #require(throws: ConfigParseError.self) { try YAMLSubset.parse(Array(text.utf8)) }
        #expect(error.description.hasPrefix(position), "\(error)")
        let status = MCPClient.continue.inspect(
            FileSnapshot(path: MCPClient.continue.file, contents: Array(text.utf8)), server: Fixtures.server, token: Fixtures.literalKey)
        #expect(status.problem?.hasPrefix("does not parse") == true)
    }

    @Test("what each client needs: the variable unless the key is inline, the trust and start rules always")
    func needs() {
        #expect(MCPClient.gemini.config.needs(.variable).contains { $0.contains("empty Bearer") })
        #expect(MCPClient.gemini.config.needs(.variable).contains("starting Gemini CLI from the repository root"))
        #expect(MCPClient.codex.config.needs(.variable).contains { $0.hasPrefix("a trusted project") })
        #expect(MCPClient.claude.config.needs(.inline) == ["approving the project's servers when Claude Code asks"])
        #expect(MCPClient.zed.config.needs(.inline) == ["a trusted worktree (Zed asks)"])
        for client in MCPClient.allCases where !client.config.requiresInlineToken {
            #expect(client.config.needs(.variable).first?.contains("PLENAR_TOKEN") == true, "\(client)")
        }
        // inspect of an absent file still says what the client would need.
        let absent = MCPClient.copilot.inspect(FileSnapshot(path: "x", contents: nil), server: Fixtures.server, token: Fixtures.literalKey)
        #expect(!absent.present && absent.needs.contains("a trusted folder (Copilot CLI asks)"))
    }

    @Test("--inline-token: the status of an inline entry drops the variable from what the client needs")
    func inlineNeeds() throws {
        var server = Fixtures.server
        server.inlineToken = Fixtures.literalKey
        let text = try #require(try edit(.opencode, "", server: server))
        let status = MCPClient.opencode.inspect(
            FileSnapshot(path: "opencode.json", contents: Array(text.utf8)), server: Fixtures.server, token: Fixtures.literalKey)
        #expect(status.upToDate && status.literalSecret)
        #expect(status.needs == ["starting OpenCode inside the repository"])
    }
}
