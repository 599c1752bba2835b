import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("MCP at /mcp")
struct MCPTests {
    static let mcpHeaders = ["Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-06-18"]

    func rpc(_ sandbox: RunningSandbox, token: String?, _ method: String, _ params: String = "{}", id: Int = 1) async throws -> Reply {
        try await sandbox.request(
            .post, "/mcp", token: token, json: #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":\#(params)}"#,
            headers: Self.mcpHeaders
        )
    }

    @Test("initialize, tools/list and tools/call answer plain JSON with the caller's identity")
    func plainJSONSession() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let initialize = try await rpc(
                sandbox, token: token, "initialize",
                #"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}"#)
            #expect(initialize.status == 200)
            #expect(initialize.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(initialize.json["result"]?["serverInfo"]?["name"] == .string("plenar-sandbox"))

            let list = try await rpc(sandbox, token: token, "tools/list", id: 2)
            guard case let .array(tools)? = list.json["result"]?["tools"] else {
                Issue.record("no tools: \(list.text)")
                return
            }
            #expect(Set(tools.compactMap { $0["name"]?.stringValue }) == ["whoami", "list_projects", "signal"])

            let whoami = try await rpc(sandbox, token: token, "tools/call", #"{"name":"whoami","arguments":{}}"#, id: 3)
            #expect(whoami.json["result"]?["structuredContent"]?["organization"]?["name"] == .string("Acme"))
            #expect(whoami.json["result"]?["isError"] != .bool(true))
        }
    }

    @Test("the signal tool stores a signal; an org key without a single project must name one")
    func signalTool() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_all")
            let refused = try await rpc(sandbox, token: token, "tools/call", #"{"name":"signal","arguments":{"kind":"agent_done"}}"#)
            #expect(refused.json["result"]?["isError"] == .bool(true))
            #expect(refused.text.contains("project_required"))
            let stored = try await rpc(
                sandbox, token: token, "tools/call", #"{"name":"signal","arguments":{"kind":"agent_done","project_id":"PLEN-OPS"}}"#, id: 2)
            #expect(stored.json["result"]?["isError"] != .bool(true), "\(stored.text)")
            let events = try await sandbox.events()
            #expect(events.count == 1)
            #expect(events.first?["body"]?["kind"] == .string("agent_done"))
        }
    }

    @Test("MCP uses the same bearer auth: missing, revoked and expired keys get 401")
    func auth() async throws {
        try await RunningSandbox.process { sandbox in
            for (token, code) in [
                (nil, "unauthorized"), (try sandbox.token("revoked"), "token_revoked"), (try sandbox.token("expired"), "token_expired"),
            ] {
                let reply = try await rpc(sandbox, token: token, "tools/list")
                #expect(reply.status == 401)
                #expect(reply.errorCode == code)
            }
        }
    }

    @Test("GET /mcp is 405: no SSE stream in this stateless server")
    func noStream() async throws {
        try await RunningSandbox.process { sandbox in
            let reply = try await sandbox.request(.get, "/mcp", token: sandbox.token("org_demo"), headers: ["Accept": "text/event-stream"])
            #expect(reply.status == 405)
        }
    }

    static let python: String? = {
        if let configured = ProcessInfo.processInfo.environment["PLENAR_TEST_PYTHON"] { return configured }
        let venv = PackageRoot.url.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }()

    /// Runs under scripts/test and CI; a bare `swift test` without the venv skips it (CI fails instead).
    @Test(
        "the Python mcp package, a real third-party client, connects, lists tools and calls whoami",
        .enabled(if: python != nil || ProcessInfo.processInfo.environment["CI"] != nil, "needs the venv that scripts/test creates")
    )
    func pythonClient() async throws {
        let python = try #require(Self.python, "PLENAR_TEST_PYTHON is not set and .venv/bin/python does not exist; run scripts/test")
        let script = PackageRoot.url.appendingPathComponent("Tests/clients/mcp_client.py").path
        try await RunningSandbox.process { sandbox in
            let accepted = try await ChildProcess.run(python, [script, "\(sandbox.root)/mcp", sandbox.token("org_demo")])
            #expect(accepted.status == 0, "stderr: \(accepted.stderr)")
            let answer = try JSONDecoder().decode(JSONValue.self, from: Data(accepted.stdout.utf8))
            #expect(answer["server"] == .string("plenar-sandbox"))
            #expect(answer["tools"] == .array([.string("list_projects"), .string("signal"), .string("whoami")]))
            let whoami = try JSONDecoder().decode(JSONValue.self, from: Data((answer["result"]?.stringValue ?? "").utf8))
            #expect(whoami["organization"]?["name"] == .string("Acme"))

            let refused = try await ChildProcess.run(python, [script, "\(sandbox.root)/mcp", sandbox.token("revoked")])
            #expect(refused.status == 3, "stdout: \(refused.stdout) stderr: \(refused.stderr)")
            #expect(refused.stdout.contains("refused"))
            let seen = try await sandbox.requestsSeen(path: "/mcp")
            #expect(seen.last?["status"] == .number(401))
        }
    }
}
