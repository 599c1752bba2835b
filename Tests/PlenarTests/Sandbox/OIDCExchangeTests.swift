import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

/// The sandbox's GitHub-shaped issuer and `POST /v1/oidc/exchange`, against trust records.
@Suite("OIDC: issuer, trust records and the exchange")
struct OIDCExchangeTests {
    static let job =
        #"{"repository":"octo-org/app","repository_id":"42","repository_owner_id":"7","ref":"refs/heads/main","run_id":"9001"}"#

    @Test("a token from a trusted repository becomes a short-lived pke_ key that works, shows its origin, and can be revoked")
    func success() async throws {
        try await RunningSandbox.with { sandbox in
            let oidc = OIDCHelper(sandbox: sandbox)
            try await oidc.trust(#""projects":["PLEN-DEMO"],"ref":"refs/heads/*""#)
            let reply = try await oidc.exchange(try await oidc.idToken(Self.job))
            #expect(reply.status == 201, "\(reply.text)")
            let token = try #require(reply.json["token"]?.stringValue)
            #expect(token.hasPrefix("pke_"))
            #expect(try TokenShape.check(token) == .oidc)
            #expect(reply.json["origin"]?["repository"]?.stringValue == "octo-org/app")
            #expect(reply.json["origin"]?["run_id"]?.stringValue == "9001")
            let whoami = try await sandbox.request(.get, "/v1/whoami", token: token)
            #expect(whoami.status == 200)
            #expect(whoami.json["kind"]?.stringValue == "oidc")
            #expect(whoami.json["default_project"]?["key"]?.stringValue == "PLEN-DEMO")
            #expect(try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"ci"}"#).status == 202)
            let keys = try await sandbox.request(.get, "/_sandbox/keys").json["keys"]
            guard case let .array(list)? = keys else { throw TestFailure("no key list") }
            let listed = try #require(list.first { $0["kind"]?.stringValue == "oidc" })
            #expect(listed["origin"]?["repository_id"]?.stringValue == "42")
            #expect(listed["origin"]?["run_id"]?.stringValue == "9001")
            let id = try #require(reply.json["key_id"]?.stringValue)
            #expect(try await sandbox.request(.post, "/_sandbox/keys/\(id)/revoke").status == 200)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).errorCode == "token_revoked")
        }
    }

    @Test("each refusal has its own code, and its details name the claim, the expected value and the token's")
    func refusals() async throws {
        try await RunningSandbox.with { sandbox in
            let oidc = OIDCHelper(sandbox: sandbox)
            let record = try await oidc.trust(#""ref":"refs/heads/main""#)

            let audience = try await oidc.exchange(try await oidc.idToken(Self.job, audience: "someone-else"))
            #expect(audience.status == 403)
            #expect(audience.errorCode == "oidc_audience_mismatch")
            #expect(oidc.mismatch(audience) == ["aud", "plenar", "someone-else", record])

            let otherRepository = Self.job.replacingOccurrences(of: #""repository_id":"42""#, with: #""repository_id":"43""#)
            let repository = try await oidc.exchange(try await oidc.idToken(otherRepository))
            #expect(repository.status == 403)
            #expect(repository.errorCode == "oidc_claims_mismatch")
            #expect(oidc.mismatch(repository) == ["repository_id", "42", "43", record])
            #expect(repository.json["error"]?["message"]?.stringValue?.contains("43") == true)

            let branch = Self.job.replacingOccurrences(of: "refs/heads/main", with: "refs/heads/feature")
            let ref = try await oidc.exchange(try await oidc.idToken(branch))
            #expect(ref.errorCode == "oidc_claims_mismatch")
            #expect(oidc.mismatch(ref) == ["ref", "refs/heads/main", "refs/heads/feature", record])

            let otherOwner = Self.job.replacingOccurrences(of: #""repository_owner_id":"7""#, with: #""repository_owner_id":"8""#)
            let owner = try await oidc.exchange(try await oidc.idToken(otherOwner))
            #expect(owner.errorCode == "oidc_claims_mismatch")
            #expect(!owner.text.contains(record), "another owner's records are never shown")

            let good = try await oidc.idToken(Self.job)
            #expect(try await oidc.exchange(good).status == 201)
            let replay = try await oidc.exchange(good)
            #expect(replay.status == 401)
            #expect(replay.errorCode == "oidc_token_replayed")

            let parts = good.split(separator: ".")
            var claims = try #require(UnverifiedJWT.claims(of: good))
            claims["repository_id"] = .string("42")
            claims["jti"] = .string("forged")
            let forged = "\(parts[0]).\(Base64URL.encode(try JSONEncoder().encode(JSONValue.object(claims)))).\(parts[2])"
            #expect(try await oidc.exchange(forged).errorCode == "oidc_token_invalid")
            #expect(try await oidc.exchange("not-a-jwt").errorCode == "oidc_token_invalid")

            claims["iss"] = .string("https://token.actions.githubusercontent.com")
            let foreign = "\(parts[0]).\(Base64URL.encode(try JSONEncoder().encode(JSONValue.object(claims)))).\(parts[2])"
            #expect(try await oidc.exchange(foreign).errorCode == "oidc_issuer_untrusted")
        }
    }

    @Test("expired tokens are refused past the leeway; the derived key ends at its record's lifetime")
    func expiry() async throws {
        let clock = ManualClock(Date())
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            let oidc = OIDCHelper(sandbox: sandbox)
            try await oidc.trust(#""projects":["PLEN-DEMO"],"lifetime_seconds":120"#)
            let stale = try await oidc.idToken(Self.job)
            clock.advance(by: 300 + SandboxStore.oidcLeeway + 1)
            let expired = try await oidc.exchange(stale)
            #expect(expired.status == 401)
            #expect(expired.errorCode == "oidc_token_expired")
            #expect(oidc.mismatch(expired).first == "exp")

            let fresh = try await oidc.exchange(try await oidc.idToken(Self.job))
            let token = try #require(fresh.json["token"]?.stringValue)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 200)
            clock.advance(by: 121)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).errorCode == "token_expired")
        }
    }

    @Test("the issuer is shaped like GitHub's: discovery, JWKS, the runner's token endpoint and its claim set")
    func issuerShape() async throws {
        try await RunningSandbox.with { sandbox in
            let oidc = OIDCHelper(sandbox: sandbox)
            let issuer = try await oidc.issuer()
            #expect(issuer == "\(sandbox.root)/oidc")
            let discovery = try await sandbox.request(.get, "/oidc/.well-known/openid-configuration").json
            #expect(discovery["issuer"]?.stringValue == issuer)
            #expect(discovery["jwks_uri"]?.stringValue == issuer + "/.well-known/jwks")
            let jwks = try await sandbox.request(.get, "/oidc/.well-known/jwks").json
            guard case let .array(keys)? = jwks["keys"] else { throw TestFailure("no keys") }
            #expect(keys.first?["alg"]?.stringValue == "RS256")
            #expect(try await sandbox.request(.get, "/oidc/idtoken?api-version=2.0&audience=x").status == 401)
            let claims = try #require(UnverifiedJWT.claims(of: try await oidc.idToken(Self.job, audience: "aud-1")))
            for name in [
                "sub", "aud", "iss", "repository", "repository_id", "repository_owner", "repository_owner_id", "ref", "ref_type", "sha",
                "workflow", "workflow_ref", "job_workflow_ref", "event_name", "run_id", "run_attempt", "runner_environment", "jti",
                "nbf", "exp", "iat",
            ] {
                #expect(claims[name] != nil, "\(name)")
            }
            #expect(claims["iss"]?.stringValue == issuer)
            #expect(claims["aud"]?.stringValue == "aud-1")
            #expect(claims["sub"]?.stringValue == "repo:octo-org/app:ref:refs/heads/main")
            #expect(claims["exp"]?.intValue == (claims["iat"]?.intValue ?? 0) + 300)
        }
    }

    @Test("trust records: identity by ids, bounded lifetime, listed and removed")
    func trustRecords() async throws {
        try await RunningSandbox.with { sandbox in
            let issuer = try await OIDCHelper(sandbox: sandbox).issuer()
            let byName = try await sandbox.request(
                .post, "/_sandbox/oidc/trust",
                json: #"{"org":"Acme","issuer":"\#(issuer)","audience":"plenar","repository_id":"octo-org/app","repository_owner_id":"7"}"#)
            #expect(byName.status == 400)
            let tooLong = try await sandbox.request(
                .post, "/_sandbox/oidc/trust",
                json:
                    #"{"org":"Acme","issuer":"\#(issuer)","audience":"plenar","repository_id":"42","repository_owner_id":"7","lifetime_seconds":90000}"#
            )
            #expect(tooLong.status == 400)
            let plainHTTP = try await sandbox.request(
                .post, "/_sandbox/oidc/trust",
                json: #"{"org":"Acme","issuer":"http://example.com","audience":"plenar","repository_id":"42","repository_owner_id":"7"}"#)
            #expect(plainHTTP.status == 400)
            let id = try await OIDCHelper(sandbox: sandbox).trust("")
            let listed = try await sandbox.request(.get, "/_sandbox/oidc/trust").json["trust_records"]
            guard case let .array(records)? = listed else { throw TestFailure("no list") }
            #expect(records.first?["lifetime_seconds"]?.intValue == 3600)
            #expect(records.first?["ref"] == .null)
            #expect(try await sandbox.request(.delete, "/_sandbox/oidc/trust/\(id)").status == 204)
            #expect(try await sandbox.request(.delete, "/_sandbox/oidc/trust/\(id)").status == 404)
        }
    }

    @Test(
        "glob patterns",
        arguments: [
            ("refs/heads/main", "refs/heads/main", true), ("refs/heads/*", "refs/heads/a/b", true),
            ("refs/tags/v*", "refs/tags/v1.2", true),
            ("refs/tags/v*", "refs/heads/v1", false), ("*", "", true), ("main", "refs/heads/main", false), ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
        ])
    func glob(pattern: String, text: String, matches: Bool) {
        #expect(Glob.matches(pattern, text) == matches)
    }
}

/// Trust records, jobs and ID tokens through the sandbox's admin API and issuer.
struct OIDCHelper {
    let sandbox: RunningSandbox

    func issuer() async throws -> String {
        try #require(try await sandbox.request(.get, "/_sandbox/oidc/issuer").json["issuer"]?.stringValue)
    }

    /// A trust record of Acme for repository 42 of owner 7, audience `plenar`, plus `extra` members; returns its id.
    @discardableResult
    func trust(_ extra: String) async throws -> String {
        let issuer = try await issuer()
        let body =
            #"{"org":"Acme","issuer":"\#(issuer)","audience":"plenar","repository_id":"42","repository_owner_id":"7""#
            + (extra.isEmpty ? "" : ",\(extra)") + "}"
        let reply = try await sandbox.request(.post, "/_sandbox/oidc/trust", json: body)
        try #require(reply.status == 201, "\(reply.text)")
        return try #require(reply.json["id"]?.stringValue)
    }

    /// The runner's variables for a job.
    func job(_ json: String) async throws -> (url: String, token: String) {
        let reply = try await sandbox.request(.post, "/_sandbox/oidc/jobs", json: json)
        try #require(reply.status == 201, "\(reply.text)")
        return (try #require(reply.json["request_url"]?.stringValue), try #require(reply.json["request_token"]?.stringValue))
    }

    /// An ID token for a job, fetched as a runner's job does.
    func idToken(_ json: String, audience: String = "plenar") async throws -> String {
        let job = try await job(json)
        let path = String(job.url.dropFirst(sandbox.root.count)) + "&audience=\(audience)"
        let reply = try await sandbox.request(.get, path, token: job.token)
        try #require(reply.status == 200, "\(reply.text)")
        return try #require(reply.json["value"]?.stringValue)
    }

    func exchange(_ token: String) async throws -> Reply {
        let body = String(decoding: try JSONEncoder().encode(OIDCExchangeRequest(token: token)), as: UTF8.self)
        return try await sandbox.request(.post, "/v1/oidc/exchange", json: body)
    }

    /// The first mismatch of a refusal as [claim, expected, actual, trust record].
    func mismatch(_ reply: Reply) -> [String] {
        guard case let .array(list)? = reply.json["error"]?["details"]?["mismatches"], let first = list.first else { return [] }
        return ["claim", "expected", "actual", "trust_record"].compactMap { first[$0]?.stringValue }
    }
}
