import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

/// PLENAR_TIMEOUT_MS counts from plenar's start for a request made during start-up, so parsing,
/// settings and loading libcurl are inside it; a later request counts from when it is made.
@Suite("PlenarClient: the deadline of a request made during start-up")
struct DeadlineStartTests {
    static let api = try! APIBaseURL("http://127.0.0.1:9/v1")
    static let token = "pko_" + String(repeating: "k", count: 40)
    static let ok = HTTPReply(status: 200, body: Array(#"{"id":"x"}"#.utf8))

    /// The timeout the transport is given when plenar started `sinceLaunch` ago (nil: a context of fakes).
    static func timeoutGiven(sinceLaunch: Duration?) -> Duration? {
        let clock = FakeClock()
        let transport = ScriptedTransport(clock: clock, [.init(expect: ("GET", "http://127.0.0.1:9/v1/whoami"), answer: .success(ok))])
        var context = PlenarContext.fake(clock: clock, transport: transport)
        context.launched = sinceLaunch.map { clock.current - $0 }
        // Only the timeout handed to the transport matters here, not the answer.
        _ = try? PlenarClient(api: api, token: token, timeout: .seconds(1), context: context).get("/whoami", as: WhoAmI.self)
        #expect(transport.unexpected.isEmpty)
        return transport.received.first?.timeout
    }

    @Test("during start-up: the time since the start comes out of the deadline")
    func duringStartUp() {
        #expect(Self.timeoutGiven(sinceLaunch: .milliseconds(30)) == .milliseconds(970))
        #expect(Self.timeoutGiven(sinceLaunch: .zero) == .seconds(1))
    }

    @Test("later (run's report, login's polls), or with no start known: the whole timeout from now")
    func later() {
        #expect(Self.timeoutGiven(sinceLaunch: PlenarClient.startUp + .milliseconds(1)) == .seconds(1))
        #expect(Self.timeoutGiven(sinceLaunch: .seconds(600)) == .seconds(1))
        #expect(Self.timeoutGiven(sinceLaunch: nil) == .seconds(1))
    }
}
