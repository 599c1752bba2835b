import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

/// A derived key near its end, exchanged again by a later step: the decision, and `signal`
/// in process against a scripted runner and service.
@Suite("OIDC re-exchange: the decision and one signal")
struct OIDCRefreshTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let derived = "pke_" + String(repeating: "d", count: 40)
    static let fresh = "pke_" + String(repeating: "f", count: 40)
    static let requestURL = "https://runner.test/token?api-version=2.0"

    static func at(_ offset: TimeInterval) -> String {
        now.addingTimeInterval(offset).formatted(Date.ISO8601FormatStyle())
    }

    static func environment(expiresIn offset: TimeInterval?, request: Bool = true, audience: String? = nil) -> [String: String] {
        var environment: [String: String] = [:]
        if let offset { environment["PLENAR_TOKEN_EXPIRES_AT"] = at(offset) }
        if request {
            environment["ACTIONS_ID_TOKEN_REQUEST_URL"] = requestURL
            environment["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = "request-token"
        }
        if let audience { environment["PLENAR_OIDC_AUDIENCE"] = audience }
        return environment
    }

    static func refresh(audience: String = "plenar", expired: Bool, offset: TimeInterval) -> OIDCRefresh.Decision {
        .refresh(
            OIDCLogin(requestURL: requestURL, requestToken: "request-token", audience: audience), expiresAt: at(offset), expired: expired)
    }

    @Test(
        "exchange again only for a derived key from PLENAR_TOKEN, with a readable expiry within the margin and a request token",
        arguments: [
            (
                "an organization key", "pko_" + String(repeating: "k", count: 40), "PLENAR_TOKEN",
                OIDCRefreshTests.environment(expiresIn: 60), .keep
            ),
            ("no expiry", OIDCRefreshTests.derived, "PLENAR_TOKEN", OIDCRefreshTests.environment(expiresIn: nil), .keep),
            (
                "an unreadable expiry", OIDCRefreshTests.derived, "PLENAR_TOKEN",
                ["PLENAR_TOKEN_EXPIRES_AT": "soon"].merging(OIDCRefreshTests.environment(expiresIn: nil)) { a, _ in a }, .keep
            ),
            ("far from its end", OIDCRefreshTests.derived, "PLENAR_TOKEN", OIDCRefreshTests.environment(expiresIn: 3600), .keep),
            (
                "near its end", OIDCRefreshTests.derived, "PLENAR_TOKEN", OIDCRefreshTests.environment(expiresIn: 120),
                OIDCRefreshTests.refresh(expired: false, offset: 120)
            ),
            (
                "at the margin", OIDCRefreshTests.derived, "PLENAR_TOKEN", OIDCRefreshTests.environment(expiresIn: OIDCRefresh.margin),
                OIDCRefreshTests.refresh(expired: false, offset: OIDCRefresh.margin)
            ),
            (
                "ended", OIDCRefreshTests.derived, "PLENAR_TOKEN", OIDCRefreshTests.environment(expiresIn: -30),
                OIDCRefreshTests.refresh(expired: true, offset: -30)
            ),
            (
                "near its end, another audience", OIDCRefreshTests.derived, "PLENAR_TOKEN",
                OIDCRefreshTests.environment(expiresIn: 120, audience: "elsewhere"),
                OIDCRefreshTests.refresh(audience: "elsewhere", expired: false, offset: 120)
            ),
            (
                "near its end without a request token", OIDCRefreshTests.derived, "PLENAR_TOKEN",
                OIDCRefreshTests.environment(expiresIn: 120, request: false), .keep
            ),
            (
                "a --key the expiry does not describe", OIDCRefreshTests.derived, "--key", OIDCRefreshTests.environment(expiresIn: 120),
                .keep
            ),
        ] as [(String, String, String, [String: String], OIDCRefresh.Decision)])
    func decision(name: String, token: String, source: String, environment: [String: String], expected: OIDCRefresh.Decision) {
        #expect(OIDCRefresh.decide(token: token, tokenSource: source, environment: environment, now: Self.now) == expected, "\(name)")
    }

    static let tokenStep = ScriptedTransport.Step(
        expect: ("GET", requestURL + "&audience=plenar"),
        answer: .success(HTTPReply(status: 200, body: Array(#"{"value":"eyJ.id.token"}"#.utf8))))
    static let exchangeStep = ScriptedTransport.Step(
        expect: ("POST", "http://127.0.0.1:9/v1/oidc/exchange"),
        answer: .success(
            HTTPReply(
                status: 200,
                body: Array(
                    #"{"token":"\#(fresh)","key_id":"key_2","prefix":"pke_ffff","expires_at":"\#(at(3600))","scopes":["signals:write"],"origin":{"issuer":"https://runner.test","trust_record":"otr_1","repository":"acme/app","repository_id":"1","ref":"refs/heads/main","run_id":"77","run_attempt":"1","workflow_ref":null}}"#
                        .utf8))))
    static func signalStep(_ status: Int) -> ScriptedTransport.Step {
        ScriptedTransport.Step(
            expect: ("POST", "http://127.0.0.1:9/v1/signals"),
            answer: .success(HTTPReply(status: status, body: Array((status == 202 ? #"{"id":"sig_1"}"# : "{}").utf8))))
    }

    func signal(
        expiresIn offset: TimeInterval, _ steps: [ScriptedTransport.Step]
    ) -> (
        status: Int32, transport: ScriptedTransport, stderr: String, env: String
    ) {
        let clock = FakeClock()
        clock.wall = Self.now
        let transport = ScriptedTransport(clock: clock, steps)
        let stderr = Captured()
        let files = FakeFiles()
        var environment = Self.environment(expiresIn: offset)
        environment["PLENAR_TOKEN"] = Self.derived
        environment["PLENAR_API_URL"] = "http://127.0.0.1:9/v1"
        environment["GITHUB_ACTIONS"] = "true"
        environment["GITHUB_ENV"] = "/runner/env"
        let context = PlenarContext.fake(environment: environment, clock: clock, transport: transport, stderr: stderr, files: files)
        let status = SignalCommand(kind: "deploy").run(context)
        return (status, transport, stderr.text, files.files["/runner/env"] ?? "")
    }

    @Test("near its end: the ID token, the exchange and the signal in one deadline; the new key masked first, sent, and handed on")
    func refreshes() throws {
        let result = signal(expiresIn: 60, [Self.tokenStep, Self.exchangeStep, Self.signalStep(202)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.transport.unexpected.isEmpty)
        let requests = result.transport.received
        try #require(requests.count == 3)
        #expect(requests[0].request.header("Authorization") == "Bearer request-token")
        #expect(requests[2].request.header("Authorization") == "Bearer \(Self.fresh)")
        #expect(requests[2].timeout <= requests[0].timeout, "one deadline")
        #expect(result.stderr.hasPrefix("::add-mask::\(Self.fresh)\n"), "\(result.stderr)")
        let shown = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("::add-mask::") }.joined(separator: "\n")
        #expect(!shown.contains(Self.fresh))
        #expect(result.env.contains("PLENAR_TOKEN<<"))
        #expect(result.env.contains("\n\(Self.fresh)\n"))
        #expect(result.env.contains("PLENAR_TOKEN_EXPIRES_AT<<") && result.env.contains(Self.at(3600)))
        #expect(result.env.contains("PLENAR_OIDC_AUDIENCE<<"))
    }

    @Test("the exchange fails before the key ends: a warning, and the signal goes with the current key")
    func failsBeforeTheEnd() throws {
        let refused = ScriptedTransport.Step(expect: Self.tokenStep.expect, answer: .success(HTTPReply(status: 401)))
        let result = signal(expiresIn: 60, [refused, Self.signalStep(202)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.transport.unexpected.isEmpty)
        try #require(result.transport.received.count == 2)
        #expect(result.transport.received[1].request.header("Authorization") == "Bearer \(Self.derived)")
        #expect(result.stderr.contains("::warning::") && result.stderr.contains("using it until then"), "\(result.stderr)")
        #expect(result.env.isEmpty)
    }

    @Test("the key has ended and the exchange fails: the service's rejection is the credentials error, exit 2")
    func failsAfterTheEnd() throws {
        let refused = ScriptedTransport.Step(expect: Self.tokenStep.expect, answer: .success(HTTPReply(status: 401)))
        let result = signal(expiresIn: -10, [refused, Self.signalStep(401)])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.transport.unexpected.isEmpty)
        #expect(result.stderr.contains("sending with it anyway"))
        #expect(result.stderr.contains("::error::"))
    }

    @Test("the key has ended and the runner does not answer: the service unreachable too is the telemetry warning, exit 0")
    func unavailableAfterTheEnd() {
        let down = ScriptedTransport.Step(expect: Self.tokenStep.expect, answer: .failure(.network("connection refused")))
        let result = signal(expiresIn: -10, [down, Self.signalStep(503)])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.transport.unexpected.isEmpty)
        #expect(!result.stderr.contains("::error::"))
    }

    @Test("connect with a derived key near its end: the new key goes to $GITHUB_ENV once, with connect's own entries")
    func connectWithKey() throws {
        let clock = FakeClock()
        clock.wall = Self.now
        let whoami = ScriptedTransport.Step(
            expect: ("GET", "http://127.0.0.1:9/v1/whoami"), answer: .success(try ConnectFilesTests.whoami()))
        let transport = ScriptedTransport(clock: clock, [Self.tokenStep, Self.exchangeStep, whoami])
        let stderr = Captured()
        let files = FakeFiles()
        var environment = Self.environment(expiresIn: 60)
        environment.merge(ConnectFilesTests.runner) { _, new in new }
        environment["PLENAR_TOKEN"] = Self.derived
        let context = PlenarContext.fake(environment: environment, clock: clock, transport: transport, stderr: stderr, files: files)
        let status = ConnectCommand(noMCP: true).run(context)
        #expect(status == 0, "\(stderr.text)")
        #expect(transport.unexpected.isEmpty)
        try #require(transport.received.count == 3)
        #expect(transport.received[2].request.header("Authorization") == "Bearer \(Self.fresh)")
        let env = files.files["/runner/env"] ?? ""
        #expect(env.components(separatedBy: "PLENAR_TOKEN<<").count == 2, "\(env)")
        #expect(env.contains("\n\(Self.fresh)\n") && env.contains("PLENAR_PROJECT_ID<<"))
        #expect(stderr.text.contains("::add-mask::\(Self.fresh)\n"))
    }
}
