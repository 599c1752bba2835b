import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("Fault injection")
struct FaultTests {
    @Test("hang accepts the request and holds it past the client's timeout, until cleared")
    func hang() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"hang","path":"/v1/whoami"}"#)
            let token = try sandbox.token("org_demo")
            let watched = try await RawExchange.run(
                port: sandbox.port, request: RawExchange.get("/v1/whoami", port: sandbox.port, token: token), watch: .seconds(1.5))
            #expect(watched.arrivals.isEmpty, "hang answered: \(watched.text)")
            #expect(!watched.closedByServer)
            let seen = try await sandbox.requestsSeen(path: "/v1/whoami")
            #expect(seen.count == 1)
            #expect(seen.first?["fault"] == .string("hang"))

            #expect(try await sandbox.request(.delete, "/_sandbox/faults").status == 204)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 200)
        }
    }

    @Test("trickle sends the head at once, then one byte about every 500 ms")
    func trickle() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"trickle"}"#)
            let watched = try await RawExchange.run(
                port: sandbox.port, request: RawExchange.get("/v1/whoami", port: sandbox.port, token: sandbox.token("org_demo")),
                watch: .seconds(6)
            )
            #expect(watched.text.hasPrefix("HTTP/1.1 200"))
            let bursts = watched.bursts(within: .milliseconds(100))
            try #require(!bursts.isEmpty)
            // The head comes whole, before the trickle starts.
            #expect(watched.arrivals.first.map { $0.bytes.count >= 16 } == true, "the head comes in one piece")
            // The bytes keep coming, slowly: never faster than every 300 ms (the server cannot be
            // early, however loaded the machine), and more than one within the 6 s watched. How
            // late a byte may be is the scheduler's, not the contract's: no upper bound.
            #expect((3...13).contains(bursts.count), "bursts at \(bursts)")
            let gaps = zip(bursts, bursts.dropFirst()).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 > .milliseconds(300) }, "gaps: \(gaps)")
            #expect(watched.arrivals.dropFirst().allSatisfy { $0.bytes.count < 16 })
            #expect(!watched.closedByServer)
        }
    }

    @Test("close drops the connection without an answer")
    func close() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"close","count":1}"#)
            let watched = try await RawExchange.run(
                port: sandbox.port, request: RawExchange.get("/v1/whoami", port: sandbox.port, token: sandbox.token("org_demo")),
                watch: .seconds(5))
            #expect(watched.closedByServer)
            #expect(watched.arrivals.isEmpty, "close answered: \(watched.text)")
            #expect(try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_demo")).status == 200)
        }
    }

    @Test("delay answers normally, late")
    func delay() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"delay","delay_ms":700,"count":1}"#)
            let clock = ContinuousClock()
            let started = clock.now
            let reply = try await sandbox.request(.post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"late"}"#)
            #expect(clock.now - started >= .milliseconds(700))
            #expect(reply.status == 202)
            #expect(try await sandbox.events().count == 1)
        }
    }

    @Test("status answers with the status, code and Retry-After given, for count requests on the path")
    func statusCountAndPath() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"status","status":429,"retry_after":2,"count":2,"path":"/v1/signals"}"#)
            let token = try sandbox.token("org_demo")
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 200)
            for _ in 0..<2 {
                let reply = try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#)
                #expect(reply.status == 429)
                #expect(reply.errorCode == "rate_limited")
                #expect(reply.headers[.retryAfter] == "2")
            }
            #expect(try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#).status == 202)
            let seen = try await sandbox.requestsSeen(path: "/v1/signals")
            #expect(seen.map { $0["status"] } == [.number(429), .number(429), .number(202)])
            #expect(try await sandbox.events().count == 1)
        }
    }

    @Test(
        "status faults can produce every server-side code of the contract",
        arguments: [
            (403, "forbidden"), (500, "internal"), (503, "unavailable"), (502, "internal"),
        ])
    func statusCodes(status: Int, code: String) async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"status","status":\#(status)}"#)
            let reply = try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_demo"))
            #expect(reply.status == status)
            #expect(reply.errorCode == code)
            #expect(reply.headers[.retryAfter] == nil)
        }
    }

    @Test("faults never touch the admin API, and reset clears faults, events and the request log")
    func adminIsExemptAndResetClears() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"status","status":500}"#)
            #expect(try await sandbox.request(.get, "/_sandbox/keys").status == 200)
            #expect(try await sandbox.request(.post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"a"}"#).status == 500)
            #expect(try await sandbox.request(.post, "/_sandbox/reset").status == 204)
            #expect(try await sandbox.request(.post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"a"}"#).status == 202)
            #expect(try await sandbox.events().count == 1)
            #expect(try await sandbox.requestsSeen(path: "/v1/signals").count == 1)
        }
    }

    @Test(
        "malformed faults are refused with 400",
        arguments: [
            #"{"mode":"explode"}"#, #"{"mode":"status"}"#, #"{"mode":"status","status":200}"#, #"{"mode":"delay"}"#,
            #"{"mode":"hang","count":0}"#,
        ])
    func badFaults(body: String) async throws {
        try await RunningSandbox.process { sandbox in
            let reply = try await sandbox.request(.post, "/_sandbox/faults", json: body)
            #expect(reply.status == 400)
            #expect(reply.errorCode == "invalid_request")
            #expect(try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_demo")).status == 200)
        }
    }
}
