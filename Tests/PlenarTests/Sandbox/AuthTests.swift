import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("Authentication, revocation, expiry and rate limits")
struct AuthTests {
    @Test("credential problems get 401 with the code that names them", arguments: ["/v1/whoami", "/v1/projects"])
    func credentialErrors(path: String) async throws {
        try await RunningSandbox.with { sandbox in
            let unknown = "pko_" + String(repeating: "A", count: 40)
            let cases: [(String?, String)] = [
                (nil, "unauthorized"),
                ("pko_short", "token_invalid"),
                (unknown, "token_invalid"),
                (try sandbox.token("revoked"), "token_revoked"),
                (try sandbox.token("expired"), "token_expired"),
            ]
            for (token, code) in cases {
                let reply = try await sandbox.request(.get, path, token: token)
                #expect(reply.status == 401, "\(code)")
                #expect(reply.errorCode == code)
            }
            let basic = try await sandbox.request(.get, path, headers: ["Authorization": "Basic dXNlcjpwYXNz"])
            #expect(basic.errorCode == "unauthorized")
        }
    }

    @Test("revocation takes effect on the very next request")
    func revocationIsImmediate() async throws {
        try await RunningSandbox.with { sandbox in
            let key = try await sandbox.mint(#"{"org":"Acme","kind":"org","projects":["PLEN-DEMO"]}"#)
            #expect(try await sandbox.request(.post, "/v1/signals", token: key.token, json: #"{"kind":"a"}"#).status == 202)
            #expect(try await sandbox.request(.post, "/_sandbox/keys/\(key.id)/revoke").status == 200)
            let refused = try await sandbox.request(.post, "/v1/signals", token: key.token, json: #"{"kind":"a"}"#)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "token_revoked")
            #expect(try await sandbox.events().count == 1)
        }
    }

    @Test("expiry takes effect on the first request after expires_at")
    func expiryIsImmediate() async throws {
        let clock = ManualClock()
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            let expiresAt = Timestamp.format(clock.now().addingTimeInterval(60))
            let key = try await sandbox.mint(#"{"org":"Acme","kind":"personal","user_email":"bob@acme.com","expires_at":"\#(expiresAt)"}"#)
            let before = try await sandbox.request(.get, "/v1/whoami", token: key.token)
            #expect(before.status == 200)
            #expect(before.json["key"]?["expires_at"] == .string(expiresAt))
            #expect(before.json["created_by"] == .string("bob@acme.com"))
            clock.advance(by: 59.999)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: key.token).status == 200)
            clock.advance(by: 0.001)
            let after = try await sandbox.request(.get, "/v1/whoami", token: key.token)
            #expect(after.status == 401)
            #expect(after.errorCode == "token_expired")
        }
    }

    @Test("the rate limit answers 429 rate_limited with a Retry-After that is enough, per key")
    func rateLimitRetryAfterIsTruthful() async throws {
        let clock = ManualClock()
        try await RunningSandbox.with(SandboxConfiguration(rateLimit: 2, logRequests: false, clock: clock)) { sandbox in
            let token = try sandbox.token("org_demo")
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 200)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 200)
            let limited = try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#)
            #expect(limited.status == 429)
            #expect(limited.errorCode == "rate_limited")
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect(retryAfter == 1)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_all")).status == 200)
            clock.advance(by: 0.4)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 429)
            clock.advance(by: Double(retryAfter))
            #expect(try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#).status == 202)
            #expect(try await sandbox.events().count == 1)
        }
    }

    @Test("token shape rules: prefix, charset, length, and the usual copy-paste mistakes")
    func tokenShape() throws {
        let body = String(repeating: "a1B2", count: 8)
        #expect(try TokenShape.check("pko_" + body) == .org)
        #expect(try TokenShape.check("plt_" + body) == .personal)
        #expect(throws: TokenShapeError.empty) { try TokenShape.check("") }
        #expect(throws: TokenShapeError.quoted) { try TokenShape.check("\"pko_\(body)\"") }
        #expect(throws: TokenShapeError.bearerPrefix) { try TokenShape.check("Bearer pko_\(body)") }
        #expect(throws: TokenShapeError.whitespace) { try TokenShape.check("pko_\(body)\n") }
        #expect(throws: TokenShapeError.unknownPrefix) { try TokenShape.check("ghp_\(body)") }
        #expect(throws: TokenShapeError.invalidCharacters) { try TokenShape.check("pko_\(body)-x") }
        #expect(throws: TokenShapeError.tooShort(minimum: 32)) { try TokenShape.check("pko_" + body.dropLast()) }
        #expect(TokenShape.display("pko_" + body) == "pko_…")
    }
}
