import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("Admin API")
struct AdminTests {
    @Test("minted keys work at once, show their token only in the mint answer, and list without secrets")
    func mintAndList() async throws {
        try await RunningSandbox.with(demo: false) { sandbox in
            let project = try await sandbox.request(.post, "/_sandbox/projects", json: #"{"org":"Globex","key":"GLX-1","name":"One"}"#)
            #expect(project.status == 201)
            let key = try await sandbox.mint(
                #"{"org":"Globex","kind":"personal","user_email":"hank@globex.com","default_project":"GLX-1","scopes":["signals:write"],"description":"laptop"}"#
            )
            #expect(key.token.hasPrefix("plt_"))
            #expect(try TokenShape.check(key.token) == .personal)
            let whoami = try await sandbox.request(.get, "/v1/whoami", token: key.token)
            #expect(whoami.json["organization"]?["name"] == .string("Globex"))
            #expect(whoami.json["default_project"]?["key"] == .string("GLX-1"))
            #expect(whoami.json["scopes"] == .array([.string("signals:write")]))

            let listing = try await sandbox.request(.get, "/_sandbox/keys")
            #expect(listing.status == 200)
            #expect(!listing.text.contains(key.token))
            #expect(!listing.text.contains(String(key.token.dropFirst(4))))
            #expect(listing.json["keys"]?.arrayCount == 1)
            #expect(listing.text.contains(#""default_project":"GLX-1""#))
        }
    }

    @Test(
        "bad mint requests are refused with the contract's error body",
        arguments: [
            (#"{"org":"Acme","kind":"org","scopes":["everything"]}"#, 400, "invalid_request"),
            (#"{"org":"Acme","kind":"org","projects":["PLEN-NOPE"]}"#, 404, "not_found"),
            (#"{"org":"Acme","kind":"org","default_project":"PLEN-DEMO"}"#, 400, "invalid_request"),
            (#"{"org":"Acme","kind":"robot"}"#, 400, "invalid_request"),
            (#"{"kind":"org"}"#, 400, "invalid_request"),
            (#"{"org":"Acme","kind":"org","expires_at":"soon"}"#, 400, "invalid_request"),
            (#"{"org":"Acme","kind":"personal","projects":["PLEN-OPS"],"default_project":"PLEN-DEMO"}"#, 400, "invalid_request"),
            (#"not json"#, 400, "invalid_request"),
        ])
    func badMints(body: String, status: Int, code: String) async throws {
        try await RunningSandbox.with { sandbox in
            let before = try await sandbox.request(.get, "/_sandbox/keys").json["keys"]?.arrayCount
            let reply = try await sandbox.request(.post, "/_sandbox/keys", json: body)
            #expect(reply.status == status)
            #expect(reply.errorCode == code)
            #expect(try await sandbox.request(.get, "/_sandbox/keys").json["keys"]?.arrayCount == before)
        }
    }

    @Test("revoking an unknown key is 404; revoking twice keeps the first revocation")
    func revokeEdgeCases() async throws {
        try await RunningSandbox.with { sandbox in
            #expect(try await sandbox.request(.post, "/_sandbox/keys/key_nope/revoke").errorCode == "not_found")
            let key = try await sandbox.mint(#"{"org":"Acme","kind":"org"}"#)
            #expect(try await sandbox.request(.post, "/_sandbox/keys/\(key.id)/revoke").status == 200)
            let first = try await revokedAt(sandbox, key.id)
            #expect(try await sandbox.request(.post, "/_sandbox/keys/\(key.id)/revoke").status == 200)
            #expect(try await revokedAt(sandbox, key.id) == first)
        }
    }

    private func revokedAt(_ sandbox: RunningSandbox, _ id: String) async throws -> JSONValue? {
        guard case let .array(keys)? = try await sandbox.request(.get, "/_sandbox/keys").json["keys"] else { return nil }
        return keys.first { $0["id"] == .string(id) }?["revoked_at"]
    }

    @Test("events can be filtered by type")
    func eventFilter() async throws {
        try await RunningSandbox.with { sandbox in
            let token = try sandbox.token("org_demo")
            _ = try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#)
            _ = try await sandbox.request(.post, "/v1/hooks", token: token, json: #"{"event":"Stop"}"#)
            #expect(try await sandbox.request(.get, "/_sandbox/events?type=hook").json["events"]?.arrayCount == 1)
            #expect(try await sandbox.request(.get, "/_sandbox/events?type=bogus").errorCode == "invalid_request")
        }
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case let .array(items) = self { items.count } else { nil }
    }
}
