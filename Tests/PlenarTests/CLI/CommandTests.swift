import Foundation
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("plenar commands against the sandbox")
struct CommandTests {
    @Test("status prints the key's mode, organization, creator and project scope")
    func statusText() async throws {
        try await RunningSandbox.process { sandbox in
            let result = try await CLI.run(["status"], api: sandbox.apiURL, token: sandbox.token("org_demo"))
            #expect(result.status == 0)
            #expect(result.stderr.isEmpty)
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(
                Array(lines.prefix(5)) == [
                    "Connected to Plenar (org-key mode)", "Org: Acme", "Created: alice.chen@acme.com",
                    "Scope: 1 project(s), allowlist enforced", "• [PLEN-DEMO] Demo App",
                ])
            let personal = try await CLI.run(["whoami"], api: sandbox.apiURL, token: sandbox.token("personal"))
            #expect(personal.stdout.hasPrefix("Connected to Plenar (personal-token mode)\n"))
            let all = try await CLI.run(["status"], api: sandbox.apiURL, token: sandbox.token("org_all"))
            #expect(all.stdout.contains("Scope: all 2 project(s) of the organization\n• [PLEN-DEMO] Demo App\n• [PLEN-OPS] Ops\n"))
        }
    }

    @Test("status --json is one document with the documented schema")
    func statusJSON() async throws {
        try await RunningSandbox.process { sandbox in
            let result = try await CLI.run(["status", "--json"], api: sandbox.apiURL + "/", token: sandbox.token("org_demo"))
            #expect(result.status == 0)
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))
            guard case let .object(fields) = json else {
                Issue.record("not an object: \(result.stdout)")
                return
            }
            #expect(
                Set(fields.keys) == [
                    "mode", "organization", "created_by", "key", "scopes", "scope", "default_project", "api_url", "configs",
                ])
            guard case let .array(configs)? = json["configs"] else {
                Issue.record("no configs")
                return
            }
            #expect(
                configs.first
                    == .object([
                        "client": .string("claude"), "file": .string(".mcp.json"), "present": .bool(false), "has_entry": .bool(false),
                        "points_at_api": .bool(false), "up_to_date": .bool(false), "literal_secret": .bool(false), "problem": .null,
                        "needs": .array([
                            .string("PLENAR_TOKEN in the agent's environment"),
                            .string("approving the project's servers when Claude Code asks"),
                        ]),
                    ]))
            #expect(configs.count == 11, "every client plenar knows (MCPClient.allCases)")
            #expect(json["mode"] == .string("org-key"))
            #expect(json["organization"]?["name"] == .string("Acme"))
            #expect(json["key"]?["prefix"]?.stringValue?.hasPrefix("pko_") == true)
            #expect(json["key"]?["expires_at"] == .null)
            #expect(json["scope"]?["mode"] == .string("allowlist"))
            #expect(json["default_project"]?["key"] == .string("PLEN-DEMO"))
            #expect(json["api_url"] == .string(sandbox.apiURL))
            #expect(result.stdout.filter { $0 == "\n" }.count == 1)
        }
    }

    @Test("a key expiring within 14 days adds a warning with the date")
    func expiryWarning() async throws {
        try await RunningSandbox.process { sandbox in
            let expires = Date().addingTimeInterval(3 * 86_400 + 3600)
            let stamp = expires.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            let key = try await sandbox.mint(#"{"org":"Acme","kind":"org","projects":["PLEN-DEMO"],"expires_at":"\#(stamp)"}"#)
            let result = try await CLI.run(["status"], api: sandbox.apiURL, token: key.token)
            #expect(result.status == 0)
            #expect(result.stderr.contains("expires on \(stamp.prefix(16))"), "\(result.stderr)")
            #expect(result.stderr.contains("(in 3 day(s))"))
            let later = try await sandbox.mint(#"{"org":"Acme","kind":"org","projects":["PLEN-DEMO"],"expires_at":"2099-01-01T00:00:00Z"}"#)
            #expect(try await CLI.run(["status"], api: sandbox.apiURL, token: later.token).stderr.isEmpty)
        }
    }

    @Test("connect inside GitHub Actions: masks first, writes env and outputs with safe delimiters, never the key")
    func connectInActions() async throws {
        try await RunningSandbox.process { sandbox in
            let runner = try RunnerFiles()
            defer { runner.remove() }
            let token = try sandbox.token("org_demo")
            let result = try await CLI.run(["connect"], api: sandbox.apiURL, token: token, environment: runner.environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("::add-mask::\(token)\n"))
            #expect(result.stdout == "Connected to Plenar (org-key mode): Acme, project [PLEN-DEMO] Demo App\n")
            #expect(try heredocs(runner.read("env")) == ["PLENAR_API_URL": sandbox.apiURL, "PLENAR_PROJECT_ID": "PLEN-DEMO"])
            #expect(try heredocs(runner.read("output")) == ["organization": "Acme", "mode": "org-key", "project-id": "PLEN-DEMO"])
            expectNoSecret(token, in: result.stdout, result.stderr, runner.all)
        }
    }

    @Test("connect reads the key from stdin with --key -, warns about --key on the command line, and prints JSON")
    func connectKeySources() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("personal")
            let piped = try await CLI.run(
                ["connect", "--key", "-", "--json"], api: sandbox.apiURL, token: nil, stdin: Data((token + "\n").utf8))
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stderr == "plenar: .mcp.json: created\n")
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(piped.stdout.utf8))
            #expect(json["connected"] == .bool(true))
            #expect(json["configs"] == .array([.object(["file": .string(".mcp.json"), "result": .string("created")])]))
            #expect(json["mode"] == .string("personal-token"))
            #expect(json["project"]?["key"] == .string("PLEN-DEMO"))
            #expect(json["mcp_url"] == .string("\(sandbox.root)/mcp"))

            let inArgv = try await CLI.run(["connect", "--key", token, "--project", "plen-demo"], api: sandbox.apiURL, token: nil)
            #expect(inArgv.status == 0)
            #expect(inArgv.stderr.contains("--key puts the key in the process list"))
            expectNoSecret(token, in: inArgv.stdout, inArgv.stderr, piped.stdout)

            let orgAll = try await CLI.run(["connect", "--project", "PLEN-OPS"], api: sandbox.apiURL, token: sandbox.token("org_all"))
            #expect(orgAll.status == 0)
            #expect(orgAll.stdout.contains("[PLEN-OPS] Ops"))
        }
    }

    @Test("status inside GitHub Actions appends a Markdown summary")
    func statusSummary() async throws {
        try await RunningSandbox.process { sandbox in
            let runner = try RunnerFiles()
            defer { runner.remove() }
            let result = try await CLI.run(
                ["status"], api: sandbox.apiURL, token: sandbox.token("org_demo"), environment: runner.environment)
            #expect(result.status == 0)
            #expect(runner.read("summary").contains("| Organization | Acme |"))
            #expect(runner.read("summary").contains("`PLEN-DEMO`"))
        }
    }

    @Test("signal sends kind, status, message, attributes and the CI context; --json prints the id")
    func signalBody() async throws {
        try await RunningSandbox.process { sandbox in
            let runner = try RunnerFiles()
            defer { runner.remove() }
            let token = try sandbox.token("org_demo")
            let result = try await CLI.run(
                [
                    "signal", "deploy", "--status", "succeeded", "--message", "v1.2 is out", "--attr", "env=prod", "--attr",
                    "url=https://x/?a=b", "--json",
                ],
                api: sandbox.apiURL, token: token, environment: runner.environment
            )
            #expect(result.status == 0, "\(result.stderr)")
            let events = try await sandbox.events()
            #expect(events.count == 1)
            let id = try JSONDecoder().decode(JSONValue.self, from: Data(result.stdout.utf8))["id"]
            #expect(events.first?["id"] == id)
            let body = try #require(events.first?["body"])
            #expect(body["kind"] == .string("deploy"))
            #expect(body["status"] == .string("succeeded"))
            #expect(body["message"] == .string("v1.2 is out"))
            #expect(body["attributes"] == .object(["env": .string("prod"), "url": .string("https://x/?a=b")]))
            #expect(body["ci"]?["provider"] == .string("github"))
            #expect(body["ci"]?["repository"] == .string("acme/app"))
            #expect(body["ci"]?["run_id"] == .string("42"))
            let stored = try await sandbox.request(.get, "/_sandbox/events").text
            expectNoSecret(token, in: stored)
        }
    }

    @Test(
        "hook sends a JSON payload from stdin; text and oversized payloads go as text with a warning", arguments: ["json", "text", "huge"])
    func hookPayloads(kind: String) async throws {
        try await RunningSandbox.process { sandbox in
            let input: Data =
                switch kind {
                case "json":
                    Data(
                        #"{"session_id":"s1","tool_name":"Bash","tool_response":"export PLENAR_TOKEN=\#(try sandbox.token("personal"))"}"#
                            .utf8)
                case "text": Data("not json at all".utf8)
                default: Data(repeating: UInt8(ascii: "x"), count: 3 << 20)
                }
            let result = try await CLI.run(["hook", "PostToolUse"], api: sandbox.apiURL, token: sandbox.token("personal"), stdin: input)
            #expect(result.status == 0, "\(result.stderr)")
            let payload = try await sandbox.events().first?["body"]?["payload"]
            switch kind {
            case "json":
                #expect(payload?["tool_name"] == .string("Bash"))
                #expect(payload?["tool_response"] == .string("export PLENAR_TOKEN=plt_…"))
                #expect(result.stderr.isEmpty)
            case "text":
                #expect(payload == .string("not json at all"))
                #expect(result.stderr.contains("not JSON"))
            default:
                let sent = try #require(payload?.stringValue)
                #expect(sent.utf8.count > 1000 * 1024 && sent.utf8.count < 1 << 20)
                #expect(sent.allSatisfy { $0 == "x" })
                #expect(result.stderr.contains("is over 1008 KiB: sent its beginning as text"))
            }
        }
    }

    @Test("--version and help name the environment fallbacks")
    func versionAndHelp() async throws {
        let version = try await CLI.run(["--version"], api: nil, token: nil)
        #expect(version.stdout == "0.1.0\n")
        let help = try await CLI.run(["signal", "--help"], api: nil, token: nil)
        #expect(help.stdout.contains("PLENAR_PROJECT_ID"))
        #expect(help.stdout.contains("plenar signal deploy"))
        let connect = try await CLI.run(["connect", "--help"], api: nil, token: nil)
        #expect(connect.stdout.contains("PLENAR_TOKEN") && connect.stdout.contains("PLENAR_API_URL"))
    }

    @Test("hook --json and run --json print one JSON document on stdout; the command's own output comes first, untouched")
    func jsonDocuments() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let hook = try await CLI.run(["hook", "Stop", "--json"], api: sandbox.apiURL, token: token, stdin: Data(#"{"a":1}"#.utf8))
            #expect(hook.status == 0, "\(hook.stderr)")
            let hookDocument = try JSONDecoder().decode(JSONValue.self, from: Data(hook.stdout.utf8))
            #expect(hookDocument["id"]?.stringValue?.isEmpty == false, "\(hook.stdout)")
            #expect(hook.stdout.filter { $0 == "\n" }.count == 1)

            let quiet = try await CLI.run(["run", "--json", "--", "true"], api: sandbox.apiURL, token: token)
            #expect(quiet.status == 0, "\(quiet.stderr)")
            let run = try JSONDecoder().decode(JSONValue.self, from: Data(quiet.stdout.utf8))
            #expect(run["id"]?.stringValue?.isEmpty == false, "\(quiet.stdout)")
            #expect(run["exit_code"] == .number(0) && run["status"] == .string("succeeded") && run["signal"] == .null)
            if case .number? = run["duration_ms"] {} else { Issue.record("no duration_ms: \(quiet.stdout)") }

            let loud = try await CLI.run(["run", "--json", "--", "/bin/sh", "-c", "echo out; exit 3"], api: nil, token: nil)
            #expect(loud.status == 3)
            let lines = loud.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 2 && lines.first == "out", "\(loud.stdout)")
            let failed = try JSONDecoder().decode(JSONValue.self, from: Data(lines.last!.utf8))
            #expect(failed["id"] == .null && failed["exit_code"] == .number(3) && failed["status"] == .string("failed"))
        }
    }

}

/// Parses `NAME<<DELIMITER` … `DELIMITER` entries as the runner does.
func heredocs(_ text: String) throws -> [String: String] {
    var values: [String: String] = [:]
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
    while let line = lines.popFirst(), !line.isEmpty {
        let parts = line.split(separator: "<<", maxSplits: 1)
        guard parts.count == 2, parts[1].hasPrefix("ghadelimiter_") else { throw TestFailure("not a heredoc: \(line)") }
        var value: [Substring] = []
        while let next = lines.popFirst(), next != parts[1] { value.append(next) }
        values[String(parts[0])] = value.joined(separator: "\n")
    }
    return values
}
