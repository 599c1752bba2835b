import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

@Suite("PlenarClient: deadline and the single retry")
struct ClientTests {
    static let api = try! APIBaseURL("http://127.0.0.1:9/v1")
    static let token = "pko_" + String(repeating: "k", count: 40)
    static let whoami = ("GET", "http://127.0.0.1:9/v1/whoami")
    static let ok = HTTPReply(status: 200, body: Array(#"{"id":"x"}"#.utf8))

    func client(_ transport: ScriptedTransport, timeout: Duration = .seconds(10)) -> PlenarClient {
        PlenarClient(api: Self.api, token: Self.token, timeout: timeout, context: .fake(clock: transport.clock, transport: transport))
    }

    @Test("429 then success: one wait of Retry-After, two requests, the same Idempotency-Key")
    func retryOnceThenSuccess() throws {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [
                .init(
                    expect: ("POST", "http://127.0.0.1:9/v1/signals"), takes: .milliseconds(20),
                    answer: .success(HTTPReply(status: 429, retryAfter: "2"))),
                .init(
                    expect: ("POST", "http://127.0.0.1:9/v1/signals"), takes: .milliseconds(20),
                    answer: .success(HTTPReply(status: 202, body: Array(#"{"id":"sig_1"}"#.utf8)))),
            ])
        let accepted = try client(transport).post("/signals", body: Array(#"{"kind":"x"}"#.utf8), namesProject: false)
        #expect(accepted.id == "sig_1")
        #expect(clock.slept == [.seconds(2)])
        #expect(transport.received.count == 2)
        #expect(transport.received[0].request.header("Idempotency-Key") == transport.received[1].request.header("Idempotency-Key"))
        #expect(transport.received[0].request.header("Authorization") == "Bearer \(Self.token)")
        #expect(transport.received[0].request.header("User-Agent")?.hasPrefix("plenar/") == true)
        #if os(Linux)
        #expect(transport.received[0].request.header("User-Agent")?.contains("(linux; ") == true)
        #elseif os(macOS)
        #expect(transport.received[0].request.header("User-Agent")?.contains("(macos; ") == true)
        #endif
        #expect(transport.unexpected.isEmpty)
    }

    @Test("429 twice: exactly two requests, then rate limited")
    func retryOnlyOnce() {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [
                .init(expect: Self.whoami, answer: .success(HTTPReply(status: 429))),
                .init(expect: Self.whoami, answer: .success(HTTPReply(status: 429))),
            ])
        #expect(throws: Failure.unavailable(.rateLimited(wait: nil))) { try client(transport).get("/whoami", as: WhoAmI.self) }
        #expect(transport.received.count == 2)
        #expect(clock.slept == [PlenarClient.defaultRetryAfter])
    }

    @Test(
        "no retry when the wait and a second attempt do not fit in what is left",
        arguments: [
            (Duration.seconds(10), "15" as String?), (.milliseconds(1000), "1"), (.milliseconds(1200), nil),
        ])
    func noRetryPastTheDeadline(timeout: Duration, retryAfter: String?) {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: Self.whoami, answer: .success(HTTPReply(status: 429, retryAfter: retryAfter)))])
        #expect(throws: Failure.unavailable(.rateLimited(wait: PlenarClient.retryAfter(retryAfter, now: clock.wall)))) {
            try client(transport, timeout: timeout).get("/whoami", as: WhoAmI.self)
        }
        #expect(transport.received.count == 1)
        #expect(clock.slept.isEmpty)
    }

    @Test("each attempt gets only what is left of the one deadline")
    func sharedDeadline() {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [
                .init(expect: Self.whoami, takes: .milliseconds(700), answer: .success(HTTPReply(status: 429, retryAfter: "1"))),
                .init(expect: Self.whoami, takes: .seconds(60), answer: .success(Self.ok)),
            ])
        #expect(throws: Failure.unavailable(.timedOut(milliseconds: 3000))) {
            try client(transport, timeout: .seconds(3)).get("/whoami", as: WhoAmI.self)
        }
        #expect(transport.received.map(\.timeout) == [.seconds(3), .milliseconds(1300)])
        #expect(clock.current == .seconds(1003))
    }

    @Test(
        "statuses map to the contract",
        arguments: [
            (401, #"{"error":{"code":"token_revoked","message":"m"}}"#, Failure.rejected(status: 401, code: "token_revoked", message: "m")),
            (
                403, #"{"error":{"code":"insufficient_scope","message":"m"}}"#,
                .rejected(status: 403, code: "insufficient_scope", message: "m")
            ),
            (422, "", .rejected(status: 422, code: "project_required", message: "")),
            (404, "not json", .unavailable(.server(status: 404, code: "not_found"))),
            (503, #"{"error":{"code":"unavailable","message":"m"}}"#, .unavailable(.server(status: 503, code: "unavailable"))),
            (500, "", .unavailable(.server(status: 500, code: "internal"))),
            (400, "", .unavailable(.server(status: 400, code: "invalid_request"))),
        ])
    func statusMapping(status: Int, body: String, expected: Failure) {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: Self.whoami, answer: .success(HTTPReply(status: status, body: Array(body.utf8))))])
        #expect(throws: expected) { try client(transport).get("/whoami", as: WhoAmI.self) }
    }

    @Test("404 is a credential-side problem only when the request named a project")
    func notFound() throws {
        let body = Array(#"{"error":{"code":"not_found","message":"project PLEN-X does not exist"}}"#.utf8)
        let reply = HTTPReply(status: 404, body: body)
        #expect(throws: Failure.rejected(status: 404, code: "not_found", message: "project PLEN-X does not exist")) {
            try PlenarClient.check(reply, namesProject: true)
        }
        #expect(throws: Failure.unavailable(.server(status: 404, code: "not_found"))) { try PlenarClient.check(reply, namesProject: false) }
    }

    @Test("transport failures are unavailable, named by cause")
    func transportFailures() {
        for (error, expected) in [
            (TransportError.timedOut, Failure.unavailable(.timedOut(milliseconds: 10_000))),
            (.network("refused"), .unavailable(.network("refused"))),
            (.tls("bad certificate"), .unavailable(.tls("bad certificate"))),
        ] {
            let transport = ScriptedTransport(clock: FakeClock(), [.init(expect: Self.whoami, answer: .failure(error))])
            #expect(throws: expected) { try client(transport).get("/whoami", as: WhoAmI.self) }
        }
    }

    @Test("Retry-After: seconds or an HTTP date; the 1 s default for anything unreadable")
    func retryAfterParsing() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(PlenarClient.retryAfter("3", now: now) == .seconds(3))
        #expect(PlenarClient.retryAfter(" 0 ", now: now) == .zero)
        #expect(PlenarClient.retryAfter(nil, now: now) == .seconds(1))
        #expect(PlenarClient.retryAfter("-4", now: now) == .seconds(1))
        #expect(PlenarClient.retryAfter("99999999999999999999999", now: now) == .seconds(Int(Int32.max)))
        // Fits an Int, but not as milliseconds: clamped like the rest, so no message overflows on it.
        #expect(PlenarClient.retryAfter("9999999999999999", now: now) == .seconds(Int(Int32.max)))
        // HTTP dates (RFC 9110 §5.6.7), in each of the three forms, counted from now; a past date is no wait.
        #expect(PlenarClient.retryAfter("Wed, 21 Oct 2015 07:28:05 GMT", now: now) == .seconds(5))
        #expect(PlenarClient.retryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == .seconds(60))
        #expect(PlenarClient.retryAfter("Wed Oct 21 08:28:00 2015", now: now) == .seconds(3600))
        #expect(PlenarClient.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero)
        #expect(PlenarClient.retryAfter("Fri, 01 Jan 2100 00:00:00 GMT", now: now) > .seconds(2_000_000_000))
        #expect(PlenarClient.retryAfter("Wed, 32 Oct 2015 07:28:00 GMT", now: now) == .seconds(1))
        #expect(PlenarClient.retryAfter("soon", now: now) == .seconds(1))
    }
}
