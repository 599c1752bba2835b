import Foundation
import PlenarAPI
import Testing

@testable import PlenarSandbox

/// Every cell of the failure contract, for every command, with the built `plenar` against a
/// real sandbox on loopback: exit status, the message, stdout, how many requests the server saw,
/// a generous time bound, and that the raw token shows up nowhere.
@Suite("Failure contract, end to end")
struct FailureContractTests {
    enum Command: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case signal, hook, run, connect, status, whoami

        var arguments: [String] {
            switch self {
            case .signal: ["signal", "deploy", "--status", "succeeded"]
            case .hook: ["hook", "Stop"]
            case .run: ["run", "--", "/bin/true"]
            case .connect: ["connect"]
            case .status: ["status"]
            case .whoami: ["whoami", "--json"]
            }
        }

        /// Telemetry, and `run` around a command that succeeds: the report never fails the job.
        var isTelemetry: Bool { self == .signal || self == .hook || self == .run }
        /// Exit status when the service gave no answer: telemetry skips, probes fail.
        var unavailableStatus: Int32 { isTelemetry ? 0 : 1 }
        var testDescription: String { rawValue }

        /// One command per column of the contract's table: each row runs end to end once per
        /// family. Rows alternate between the two sets, so hook and whoami run end to end too;
        /// every command in every row runs with fakes in `ContractLogicTests`.
        static let families: [Command] = [.signal, .run, .connect, .status]
        static let otherFamilies: [Command] = [.hook, .run, .connect, .whoami]
    }

    static func apiRequests(_ sandbox: RunningSandbox) async throws -> Int {
        guard case let .array(all)? = try await sandbox.request(.get, "/_sandbox/requests").json["requests"] else { return -1 }
        return all.count
    }

    /// Runs the command inside a fake runner, so "nothing written" can be checked too.
    static func run(
        _ command: Command, _ sandbox: RunningSandbox, token: String?, api: String? = nil, environment: [String: String] = [:]
    ) async throws -> (CLI.Result, RunnerFiles) {
        let runner = try RunnerFiles()
        let repo = try Workspace()
        defer { repo.remove() }
        let result = try await CLI.run(
            command.arguments, api: api ?? sandbox.apiURL, token: token,
            environment: runner.environment.merging(environment) { _, new in new },
            directory: repo
        )
        expectNoSecret(token, in: result.stdout, result.stderr, runner.all)
        if result.status != 0 {
            #expect(repo.snapshot().isEmpty, "a command that failed wrote a config file")
        }
        if command != .connect && command != .run {
            #expect(
                !result.stderr.contains("::add-mask::"),
                "only connect (which takes --key) and run (which tells the runner what it masks) write mask commands")
        }
        return (result, runner)
    }

    @Test("PLENAR_TOKEN unset or empty: telemetry warns and exits 0, the rest exit 2; no request", arguments: Command.families, [nil, ""])
    func tokenMissing(command: Command, token: String?) async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.run(command, sandbox, token: token)
            defer { runner.remove() }
            #expect(result.status == (command.isTelemetry ? 0 : 2))
            #expect(result.stderr.contains(command.isTelemetry ? "::warning::" : "::error::"))
            #expect(result.stderr.contains("PLENAR_TOKEN is not set"))
            #expect(result.stderr.contains("add the secret to this workflow's env"))
            #expect(try await Self.apiRequests(sandbox) == 0)
            #expect(runner.read("env").isEmpty)
        }
    }

    static let body = String(repeating: "Tk9", count: 12)
    static let malformed: [(String, String)] = [
        ("ghp_" + body, "does not start with pko_"),
        ("\"pko_" + body + "\"", "wrapped in quotes"),
        ("Bearer pko_" + body, "starts with \"Bearer \""),
        ("pko_" + body + " ", "spaces or line breaks"),
        ("pko_" + body + "\n", "spaces or line breaks"),
        ("pko_Zq7xW", "too short"),
    ]

    @Test("a malformed token is exit 2 for every command, named precisely, with no request", arguments: Command.otherFamilies, malformed)
    func tokenMalformed(command: Command, malformation: (String, String)) async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.run(command, sandbox, token: malformation.0)
            defer { runner.remove() }
            #expect(result.status == 2)
            #expect(result.stderr.contains("::error::"))
            #expect(result.stderr.contains("PLENAR_TOKEN is not a valid Plenar token"))
            #expect(result.stderr.contains(malformation.1))
            #expect(try await Self.apiRequests(sandbox) == 0)
            #expect(result.stdout.isEmpty)
        }
    }

    @Test(
        "401 (revoked, expired, unknown) is exit 2 for every command, and connect writes nothing", arguments: Command.families,
        ["revoked", "expired", "unknown"])
    func unauthorized(command: Command, key: String) async throws {
        try await RunningSandbox.process { sandbox in
            let token = key == "unknown" ? "pko_" + String(repeating: "u", count: 40) : try sandbox.token(key)
            let (result, runner) = try await Self.run(command, sandbox, token: token)
            defer { runner.remove() }
            #expect(result.status == 2)
            let expected = ["revoked": "was revoked", "expired": "has expired", "unknown": "does not accept the key pko_…"][key]!
            #expect(result.stderr.contains(expected), "\(result.stderr)")
            #expect(result.stderr.contains("PLENAR_TOKEN"))
            #expect(try await Self.apiRequests(sandbox) == 1)
            #expect(runner.read("env").isEmpty && runner.read("output").isEmpty && runner.read("summary").isEmpty)
        }
    }

    @Test(
        "403 and 422 are exit 2 for every command", arguments: Command.otherFamilies,
        [(403, "insufficient_scope"), (403, "project_not_allowed"), (422, "project_required")])
    func forbidden(command: Command, answer: (Int, String)) async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"status","status":\#(answer.0),"code":"\#(answer.1)"}"#)
            let (result, runner) = try await Self.run(command, sandbox, token: sandbox.token("org_demo"))
            defer { runner.remove() }
            #expect(result.status == 2)
            #expect(result.stderr.contains("::error::"))
            #expect(result.stderr.contains(answer.1 == "insufficient_scope" ? "lacks a scope" : "project"))
            #expect(runner.read("env").isEmpty)
        }
    }

    @Test("real project problems: outside the allowlist, or an org key with no project to use, are exit 2")
    func projectProblems() async throws {
        try await RunningSandbox.process { sandbox in
            for command in Command.allCases where command != .status && command != .whoami {
                let outside = try await Self.run(
                    command, sandbox, token: sandbox.token("org_demo"), environment: ["PLENAR_PROJECT_ID": "PLEN-OPS"])
                #expect(outside.0.status == 2, "\(command)")
                #expect(
                    outside.0.stderr.contains("PLEN-OPS") || outside.0.stderr.contains("may not reach"), "\(command): \(outside.0.stderr)")
                let none = try await Self.run(command, sandbox, token: sandbox.token("org_all"))
                #expect(none.0.status == 2, "\(command)")
                #expect(none.0.stderr.contains("PLENAR_PROJECT_ID"), "\(command): \(none.0.stderr)")
                #expect(none.1.read("env").isEmpty)
                outside.1.remove()
                none.1.remove()
            }
        }
    }

    enum Outage: String, CaseIterable, Sendable { case hang, trickle, close, status503, refused, tls, dns }

    @Test(
        "timeout, refused, TLS and 5xx: telemetry warns and exits 0, the rest exit 1 and write nothing", arguments: Command.families,
        Outage.allCases)
    func unavailable(command: Command, outage: Outage) async throws {
        try await RunningSandbox.process { sandbox in
            var api = sandbox.apiURL
            switch outage {
            case .hang: try await sandbox.injectFault(#"{"mode":"hang"}"#)
            case .trickle: try await sandbox.injectFault(#"{"mode":"trickle"}"#)
            case .close: try await sandbox.injectFault(#"{"mode":"close"}"#)
            case .status503: try await sandbox.injectFault(#"{"mode":"status","status":503}"#)
            case .refused: api = "http://127.0.0.1:1/v1"
            case .tls: api = "https://127.0.0.1:\(sandbox.port)/v1"
            case .dns: api = "https://plenar-sandbox.invalid/v1"
            }
            // A 1 s deadline where the deadline is the point; elsewhere room for a loaded machine.
            let held = outage == .hang || outage == .trickle
            let (result, runner) = try await Self.run(
                command, sandbox, token: sandbox.token("org_demo"), api: api, environment: ["PLENAR_TIMEOUT_MS": held ? "1000" : "8000"]
            )
            defer { runner.remove() }
            #expect(result.status == command.unavailableStatus, "\(result.stderr)")
            #expect(result.stderr.contains(command.isTelemetry ? "::warning::" : "::error::"))
            let cause = [
                Outage.hang: "within 1000 ms", .trickle: "within 1000 ms", .close: "cannot reach", .status503: "answered 503",
                .refused: "cannot reach", .tls: "TLS failed", .dns: "cannot reach",
            ][outage]!
            // Without a resolver to say no, a lookup can also run into the deadline: the same cell.
            #expect(result.stderr.contains(cause) || (outage == .dns && result.stderr.contains("within 8000 ms")), "\(result.stderr)")
            if command.isTelemetry {
                // TLS trouble is not an outage that waiting fixes: that record alone is not spooled.
                let skipped =
                    outage == .tls
                    ? (command == .run ? "run not reported; the job goes on" : "not sent; the job goes on")
                    : (command == .run ? "run report spooled in " : "spooled in ")
                #expect(result.stderr.contains(skipped), "\(result.stderr)")
            }
            // The contract's promise is that control returns at the deadline: a server that holds the
            // answer for 300 s, with no deadline kept, would take that long. The precise figure is
            // `scripts/bench cli`'s; here only room for a starved scheduler.
            if held { #expect(result.elapsed >= .seconds(1)) }
            #expect(result.elapsed < .seconds(60))
            #expect(result.stdout.isEmpty)
            #expect(runner.read("env").isEmpty && runner.read("output").isEmpty)
        }
    }

    @Test(
        "429, retried once, 429 again: exactly two requests; telemetry warns and exits 0, the rest exit 1", arguments: Command.otherFamilies
    )
    func rateLimitedTwice(command: Command) async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"status","status":429,"retry_after":1}"#)
            let (result, runner) = try await Self.run(command, sandbox, token: sandbox.token("org_demo"))
            defer { runner.remove() }
            #expect(result.status == command.unavailableStatus)
            #expect(result.stderr.contains("rate limiting"))
            #expect(try await Self.apiRequests(sandbox) == 2)
            #expect(result.elapsed >= .seconds(1))
            #expect(result.elapsed < .seconds(60))
        }
    }

    @Test("429, retried once, then success: exit 0 and two requests", arguments: Command.families)
    func rateLimitedOnce(command: Command) async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"status","status":429,"retry_after":1,"count":1}"#)
            let (result, runner) = try await Self.run(command, sandbox, token: sandbox.token("org_demo"))
            defer { runner.remove() }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("::error::") && !result.stderr.contains("::warning::"))
            #expect(try await Self.apiRequests(sandbox) == 2)
            if command.isTelemetry { #expect(try await sandbox.events().count == 1) }
        }
    }

    @Test(
        "a URL without /v1 (404 for a path, not a project): telemetry warns and exits 0, the rest exit 1", arguments: Command.otherFamilies)
    func wrongBase(command: Command) async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.run(command, sandbox, token: sandbox.token("org_demo"), api: sandbox.root)
            defer { runner.remove() }
            #expect(result.status == command.unavailableStatus, "\(result.stderr)")
            #expect(result.stderr.contains("ending in /v1"))
        }
    }

    @Test("a bad PLENAR_TIMEOUT_MS warns and the default is used", arguments: Command.families, ["soon", "0", "-1"])
    func badTimeout(command: Command, value: String) async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.run(
                command, sandbox, token: sandbox.token("org_demo"), environment: ["PLENAR_TIMEOUT_MS": value])
            defer { runner.remove() }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("::warning::plenar: PLENAR_TIMEOUT_MS=\(value) is not a positive number"))
        }
    }

    @Test(
        "usage errors exit 64",
        arguments: [
            ["signal"], ["hook"], ["run"], ["run", "true"], ["run", "--bogus", "--", "true"], ["connect", "--bogus"],
            ["connect", "--no-mcp", "--client", "all"], ["status", "extra"], ["signal", "x", "--attr", "novalue"], ["nonsense"],
        ])
    func usage(arguments: [String]) async throws {
        let result = try await CLI.run(arguments, api: nil, token: nil)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test("plain http to a host that is not loopback is exit 2 before a byte is sent", arguments: Command.otherFamilies)
    func insecureURL(command: Command) async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.run(
                command, sandbox, token: sandbox.token("org_demo"), api: "http://plenar.example.com/v1",
                environment: ["PLENAR_TIMEOUT_MS": "600000"])
            defer { runner.remove() }
            #expect(result.status == 2)
            #expect(result.stderr.contains("not loopback: use https"))
            // No lookup or connection to wait for: a 10-minute deadline is never reached.
            #expect(result.elapsed < .seconds(120))
        }
    }

    // MARK: Local files (connect)

    @Test("an unparseable config: exit 1; it is left byte for byte, nothing else is written, and the message names the file and the error")
    func corruptFile() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".cursor/mcp.json", "{\n  \"mcpServers\": {\n    \"a\": {\"url\": \"x\"},\n  }\n}\n")
            let before = repo.snapshot()
            let token = try sandbox.token("org_demo")
            let runner = try RunnerFiles()
            defer { runner.remove() }
            let result = try await CLI.run(
                ["connect", "--client", "all"], api: sandbox.apiURL, token: token, environment: runner.environment, directory: repo)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "::error::plenar: cannot update .cursor/mcp.json: it does not parse as JSON (line 4, column 3: a comma before }"),
                "\(result.stderr)")
            #expect(repo.snapshot() == before, "no client's file written")
            #expect(runner.read("env").isEmpty && runner.read("output").isEmpty, "no workflow file written either")
        }
    }

    @Test("an unwritable folder: exit 1, the file named, nothing written")
    func readOnlyFolder() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", "{}\n")
            try repo.write(".cursor/mcp.json", "{}\n")
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: repo.path(".cursor"))
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: repo.path(".mcp.json"))
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: repo.folder.path)
            let before = repo.snapshot()
            let result = try await CLI.runAsUnprivileged(
                ["connect", "--client", "claude,cursor"], api: sandbox.apiURL, token: sandbox.token("org_demo"), directory: repo)
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.contains("cannot write .cursor/mcp.json: Permission denied; no file was changed"), "\(result.stderr)")
            #expect(repo.snapshot() == before, ".mcp.json is not written either")
        }
    }

    // MARK: run: the command's own status survives every cell

    enum Situation: String, CaseIterable, Sendable { case unset, malformed, revoked, scope, refused, rateLimited, accepted }

    @Test("run: the command runs in every situation, and its failure status is never replaced", arguments: Situation.allCases)
    func runKeepsFailure(situation: Situation) async throws {
        try await RunningSandbox.process { sandbox in
            var token: String? = try sandbox.token("org_demo")
            var api = sandbox.apiURL
            switch situation {
            case .unset: token = nil
            case .malformed: token = "Bearer " + (token ?? "")
            case .revoked: token = try sandbox.token("revoked")
            case .scope: try await sandbox.injectFault(#"{"mode":"status","status":403,"code":"insufficient_scope"}"#)
            case .refused: api = "http://127.0.0.1:1/v1"
            case .rateLimited: try await sandbox.injectFault(#"{"mode":"status","status":429,"retry_after":1}"#)
            case .accepted: break
            }
            let runner = try RunnerFiles()
            defer { runner.remove() }
            let result = try await CLI.run(
                ["run", "--", "/bin/sh", "-c", "echo ran; exit 3"], api: api, token: token, environment: runner.environment
            )
            #expect(result.stdout == "ran\n")
            #expect(result.status == 3, "\(situation): \(result.stderr)")
            let credentials = [Situation.malformed, .revoked, .scope].contains(situation)
            #expect(result.stderr.contains("::error::") == credentials, "\(result.stderr)")
            #expect(result.stderr.contains("::warning::") == [.unset, .refused, .rateLimited].contains(situation), "\(result.stderr)")
            expectNoSecret(token, in: result.stdout, result.stderr)
        }
    }
}
