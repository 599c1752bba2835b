import Foundation
import PlenarAPI
import Testing

/// `plenar connect --oidc` (and automatic OIDC) with the built binary against `plenar-sandbox
/// --demo`, whose issuer mints the job's token and whose demo trust record trusts `acme/app`
/// (repository and owner id 1, audience `plenar`).
@Suite("OIDC connect, end to end")
struct OIDCConnectTests {
    static let demoJob = #"{"repository":"acme/app","repository_id":"1","repository_owner_id":"1","ref":"refs/heads/main","run_id":"77"}"#

    /// `connect` inside a fake runner; `job` gives the runner's OIDC variables (none when nil).
    static func connect(
        _ sandbox: RunningSandbox, job: String?, arguments: [String] = ["connect", "--no-mcp"], environment: [String: String] = [:]
    ) async throws -> (CLI.Result, RunnerFiles) {
        let runner = try RunnerFiles()
        var env = runner.environment
        if let job {
            let credentials = try await OIDCHelper(sandbox: sandbox).job(job)
            env["ACTIONS_ID_TOKEN_REQUEST_URL"] = credentials.url
            env["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = credentials.token
        }
        env.merge(environment) { _, new in new }
        let result = try await CLI.run(arguments, api: sandbox.apiURL, token: nil, environment: env)
        return (result, runner)
    }

    /// The derived key from `$GITHUB_ENV`.
    static func derivedKey(_ runner: RunnerFiles) -> String? {
        let lines = runner.read("env").split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(where: { $0.hasPrefix("PLENAR_TOKEN<<") }), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    @Test("no key, an OIDC token: exchanged, masked first, handed on through $GITHUB_ENV; the key works until revoked")
    func success() async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.connect(sandbox, job: Self.demoJob)
            defer { runner.remove() }
            #expect(result.status == 0, "\(result.stderr)")
            let key = try #require(Self.derivedKey(runner))
            #expect(key.hasPrefix("pke_"))
            #expect(result.stderr.hasPrefix("::add-mask::\(key)\n"), "the mask comes before anything else")
            let shown = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("::add-mask::") }.joined(separator: "\n")
            #expect(!shown.contains(key) && !result.stdout.contains(key))
            #expect(runner.read("env").contains("PLENAR_TOKEN_EXPIRES_AT<<"))
            #expect(runner.read("env").contains("PLENAR_PROJECT_ID<<"))
            #expect(result.stdout.contains("oidc-key mode"))

            let status = try await CLI.run(["status", "--json"], api: sandbox.apiURL, token: key)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains(#""mode":"oidc-key""#) || status.stdout.contains(#""mode": "oidc-key""#))

            guard case let .array(keys)? = try await sandbox.request(.get, "/_sandbox/keys").json["keys"] else {
                throw TestFailure("no keys")
            }
            let listed = try #require(keys.first { $0["kind"]?.stringValue == "oidc" })
            #expect(listed["origin"]?["repository"]?.stringValue == "acme/app")
            #expect(listed["origin"]?["run_id"]?.stringValue == "77")
            let id = try #require(listed["id"]?.stringValue)
            #expect(try await sandbox.request(.post, "/_sandbox/keys/\(id)/revoke").status == 200)
            let revoked = try await CLI.run(["status"], api: sandbox.apiURL, token: key)
            #expect(revoked.status == 2)
            #expect(revoked.stderr.contains("token_revoked"))
        }
    }

    /// Every value `$GITHUB_ENV` got for `name`, in order.
    static func environmentValues(_ runner: RunnerFiles, _ name: String) -> [String] {
        let lines = runner.read("env").split(separator: "\n").map(String.init)
        return lines.indices.filter { lines[$0].hasPrefix("\(name)<<") && $0 + 1 < lines.count }.map { lines[$0 + 1] }
    }

    @Test("a later step whose derived key is near its end exchanges again: the new key is masked, used, and handed on")
    func reExchange() async throws {
        try await RunningSandbox.process { sandbox in
            let oidc = OIDCHelper(sandbox: sandbox)
            try await oidc.trust(#""lifetime_seconds":60,"projects":["PLEN-DEMO"]"#)
            let credentials = try await oidc.job(
                #"{"repository":"acme/lib","repository_id":"42","repository_owner_id":"7","ref":"refs/heads/main","run_id":"78"}"#)
            let runner = try RunnerFiles()
            defer { runner.remove() }
            var job = runner.environment
            job["ACTIONS_ID_TOKEN_REQUEST_URL"] = credentials.url
            job["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = credentials.token
            let connected = try await CLI.run(["connect", "--oidc", "--no-mcp"], api: sandbox.apiURL, token: nil, environment: job)
            #expect(connected.status == 0, "\(connected.stderr)")
            let first = try #require(Self.derivedKey(runner))
            let expiry = try #require(Self.environmentValues(runner, "PLENAR_TOKEN_EXPIRES_AT").first)

            // The next step, as the runner starts it: what connect appended, and a key 60 seconds from its end.
            var step = job
            step["PLENAR_TOKEN_EXPIRES_AT"] = expiry
            let audience = try #require(Self.environmentValues(runner, "PLENAR_OIDC_AUDIENCE").first)
            let project = try #require(Self.environmentValues(runner, "PLENAR_PROJECT_ID").first)
            step["PLENAR_OIDC_AUDIENCE"] = audience
            step["PLENAR_PROJECT_ID"] = project
            let signal = try await CLI.run(["signal", "deploy", "--json"], api: sandbox.apiURL, token: first, environment: step)
            #expect(signal.status == 0, "\(signal.stderr)")
            #expect(signal.stdout.contains(#""id""#), "\(signal.stdout)")
            #expect(try await sandbox.requestsSeen(path: "/v1/oidc/exchange").count == 2)
            let keys = Self.environmentValues(runner, "PLENAR_TOKEN")
            try #require(keys.count == 2, "the new key appended after the first")
            let second = keys[1]
            #expect(second.hasPrefix("pke_") && second != first)
            #expect(Self.environmentValues(runner, "PLENAR_TOKEN_EXPIRES_AT").count == 2)
            #expect(signal.stderr.hasPrefix("::add-mask::\(second)\n"), "the mask comes before anything else")
            let shown = signal.stderr.split(separator: "\n").filter { !$0.hasPrefix("::add-mask::") }.joined(separator: "\n")
            #expect(!shown.contains(second) && !signal.stdout.contains(second))
            let signals = try await sandbox.requestsSeen(path: "/v1/signals")
            #expect(signals.count == 1 && signals.first?["status"]?.intValue == 202, "\(signals)")
            #expect(try await sandbox.request(.get, "/_sandbox/events").text.contains("deploy"), "the signal is stored")

            // The step after that has the new key, far from its end: no exchange.
            step["PLENAR_TOKEN_EXPIRES_AT"] = "2999-01-01T00:00:00Z"
            let later = try await CLI.run(["signal", "deploy"], api: sandbox.apiURL, token: second, environment: step)
            #expect(later.status == 0, "\(later.stderr)")
            #expect(try await sandbox.requestsSeen(path: "/v1/oidc/exchange").count == 2)
        }
    }

    @Test("--oidc without permissions: id-token: write is exit 2 naming the YAML; an explicit key still wins")
    func missingPermission() async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.connect(sandbox, job: nil, arguments: ["connect", "--oidc", "--no-mcp"])
            defer { runner.remove() }
            #expect(result.status == 2)
            #expect(result.stderr.contains("::error::"))
            #expect(result.stderr.contains("permissions:%0A  id-token: write"), "\(result.stderr)")
            #expect(runner.read("env").isEmpty)

            let keyed = try await CLI.run(
                ["connect", "--oidc", "--no-mcp"], api: sandbox.apiURL, token: try sandbox.token("org_demo"),
                environment: runner.environment)
            #expect(keyed.status == 0, "\(keyed.stderr)")
            #expect(keyed.stdout.contains("org-key mode"))
        }
    }

    @Test("a fork's pull request (no OIDC token, no key): the telemetry skip, connected=false, exit 0, no request")
    func fork() async throws {
        try await RunningSandbox.process { sandbox in
            let event = FileManager.default.temporaryDirectory.appendingPathComponent("event-\(UUID().uuidString).json")
            defer { try? FileManager.default.removeItem(at: event) }
            try Data(#"{"pull_request":{"head":{"repo":{"full_name":"someone/app","fork":true}}}}"#.utf8).write(to: event)
            let (result, runner) = try await Self.connect(
                sandbox, job: nil, arguments: ["connect", "--oidc", "--no-mcp"],
                environment: ["GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": event.path])
            defer { runner.remove() }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("::warning::"))
            #expect(result.stderr.contains("fork"))
            #expect(runner.read("output").contains("connected<<") && runner.read("output").contains("\nfalse\n"))
            #expect(try await sandbox.requestsSeen(path: "/v1/oidc/exchange").isEmpty)
        }
    }

    @Test(
        "a refused exchange is exit 2 with the server's reason and the token's claims beside what was expected",
        arguments: [
            (
                "audience", #"{"repository":"acme/app","repository_id":"1","repository_owner_id":"1"}"#, ["--audience", "elsewhere"],
                ["oidc_audience_mismatch", "elsewhere", "plenar"]
            ),
            (
                "expired", #"{"repository":"acme/app","repository_id":"1","repository_owner_id":"1","clock_skew_seconds":-1000}"#, [],
                ["oidc_token_expired", "exp"]
            ),
            (
                "repository id", #"{"repository":"acme/app","repository_id":"2","repository_owner_id":"1"}"#, [],
                ["oidc_claims_mismatch", "repository_id", " 2 ", " 1 "]
            ),
        ])
    func refused(name: String, job: String, extra: [String], expected: [String]) async throws {
        try await RunningSandbox.process { sandbox in
            let (result, runner) = try await Self.connect(sandbox, job: job, arguments: ["connect", "--no-mcp"] + extra)
            defer { runner.remove() }
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains("::error::"))
            let text = result.stderr.replacingOccurrences(of: "%0A", with: "\n")
            for fragment in expected { #expect(text.contains(fragment), "\(name): \(fragment) in \(text)") }
            #expect(!text.contains("eyJ"), "the token itself is never shown")
            #expect(runner.read("env").isEmpty)
        }
    }

    @Test("a ref outside the trust record's pattern: both values shown")
    func refOutsidePattern() async throws {
        try await RunningSandbox.process { sandbox in
            let issuer = try await OIDCHelper(sandbox: sandbox).issuer()
            let record = try await sandbox.request(
                .post, "/_sandbox/oidc/trust",
                json:
                    #"{"org":"Acme","issuer":"\#(issuer)","audience":"plenar","repository_id":"50","repository_owner_id":"5","ref":"refs/tags/v*"}"#
            )
            #expect(record.status == 201)
            let job = #"{"repository":"other/app","repository_id":"50","repository_owner_id":"5","ref":"refs/heads/dev"}"#
            let (result, runner) = try await Self.connect(sandbox, job: job)
            defer { runner.remove() }
            #expect(result.status == 2)
            let text = result.stderr.replacingOccurrences(of: "%0A", with: "\n")
            #expect(text.contains("refs/heads/dev") && text.contains("refs/tags/v*"), "\(text)")
        }
    }
}
