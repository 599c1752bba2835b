import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

/// Logins, sessions, key management and the pinned default project, through the sandbox's API.
@Suite("Sandbox: logins, sessions, key management, default project")
struct PeopleAPITests {
    @Test("a login: pending, approved on the page, the token delivered once, then consumed")
    func loginApproved() async throws {
        try await RunningSandbox.with { sandbox in
            let start = try await sandbox.request(.post, "/v1/cli/sessions", json: #"{"client":"test"}"#)
            #expect(start.status == 201)
            let id = try #require(start.json["id"]?.stringValue)
            let code = try #require(start.json["user_code"]?.stringValue)
            #expect(start.json["verification_url"] == .string("\(sandbox.root)/login"))
            #expect(start.json["verification_url_complete"] == .string("\(sandbox.root)/login?code=\(code)"))
            #expect(start.json["interval"] == .number(1))
            #expect(try await sandbox.poll(id)["status"] == .string("pending"))

            let page = try await sandbox.request(.get, "/login?code=\(code)")
            #expect(page.status == 200)
            #expect(page.text.contains("value=\"\(code)\""))
            let signedIn = try await sandbox.form("/login/signin", "code=\(code.lowercased())&user=alice.chen%40acme.com")
            #expect(signedIn.text.contains("<code id=\"user-code\">\(code)</code>"))
            #expect(try await sandbox.approve(code).text.contains("id=\"approved\""))

            let approved = try await sandbox.poll(id)
            #expect(approved["status"] == .string("approved"))
            #expect(approved["user"]?["email"] == .string("alice.chen@acme.com"))
            let token = try #require(approved["session_token"]?.stringValue)
            #expect(token.hasPrefix("pls_"))
            #expect(try TokenShape.check(token) == .session)
            #expect(try await sandbox.poll(id)["status"] == .string("consumed"))

            let whoami = try await sandbox.request(.get, "/v1/whoami", token: token)
            #expect(whoami.json["kind"] == .string("session"))
            #expect(whoami.json["user"]?["name"] == .string("Alice Chen"))
            #expect(try await sandbox.request(.post, "/v1/cli/sessions/lgn_unknown/poll").status == 404)
        }
    }

    @Test("a denied login gives no token; an unapproved one expires after 10 minutes")
    func loginDeniedAndExpired() async throws {
        let clock = ManualClock()
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            let denied = try await sandbox.startLogin()
            _ = try await sandbox.form("/login/decide", "code=\(denied.code)&user=bob.li%40acme.com&decision=deny")
            #expect(
                try await sandbox.poll(denied.id)
                    == .object([
                        "status": .string("denied"), "session_token": .null, "user": .null, "organization": .null, "expires_at": .null,
                    ]))

            let late = try await sandbox.startLogin()
            clock.advance(by: 600)
            #expect(try await sandbox.poll(late.id)["status"] == .string("expired"))
            let page = try await sandbox.approve(late.code)
            #expect(page.status == 404)
            #expect(try await sandbox.poll(late.id)["status"] == .string("expired"))
        }
    }

    @Test("a session ends after 24 h without use, each use moves the end, and logout revokes it")
    func sessionIdleExpiry() async throws {
        let clock = ManualClock()
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            let token = try await sandbox.session()
            clock.advance(by: 23 * 3600)
            let used = try await sandbox.request(.get, "/v1/whoami", token: token)
            #expect(used.status == 200)
            #expect(used.json["key"]?["expires_at"] == .string(Timestamp.format(clock.now().addingTimeInterval(86_400))))
            clock.advance(by: 23 * 3600)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).status == 200)
            clock.advance(by: 86_400)
            let expired = try await sandbox.request(.get, "/v1/whoami", token: token)
            #expect(expired.status == 401)
            #expect(expired.errorCode == "token_expired")
            #expect(expired.json["error"]?["message"]?.stringValue?.contains("plenar login") == true)

            let second = try await sandbox.session()
            #expect(try await sandbox.request(.delete, "/v1/cli/session", token: second).status == 204)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: second).errorCode == "token_revoked")
            let apiKey = try await sandbox.request(.delete, "/v1/cli/session", token: sandbox.token("org_all"))
            #expect(apiKey.status == 403)
            #expect(apiKey.errorCode == "session_required")
        }
    }

    @Test("key management answers sessions only: an API key gets 403 session_required", arguments: ["org_all", "personal"])
    func keysNeedSession(name: String) async throws {
        try await RunningSandbox.with { sandbox in
            let token = try sandbox.token(name)
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/v1/keys", nil), (.post, "/v1/keys", #"{"kind":"org","description":"x"}"#),
                (.post, "/v1/keys/key_x/revoke", nil), (.get, "/v1/keys/key_x", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                let reply = try await sandbox.request(method, path, token: token, json: body)
                #expect(reply.status == 403, "\(path)")
                #expect(reply.errorCode == "session_required")
            }
        }
    }

    @Test("a session lists, creates and revokes keys with description, scope, expiry period and last use")
    func keyManagement() async throws {
        let clock = ManualClock()
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            let session = try await sandbox.session(user: "bob.li@acme.com")
            let created = try await sandbox.request(
                .post, "/v1/keys", token: session,
                json: #"{"kind":"org","description":"CI","expires_in_days":30,"projects":["PLEN-OPS"],"scopes":["signals:write"]}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let token = try #require(created.json["token"]?.stringValue)
            let id = try #require(created.json["key"]?["id"]?.stringValue)
            #expect(created.json["key"]?["expires_in_days"] == .number(30))
            #expect(created.json["key"]?["expires_at"] == .string(Timestamp.format(clock.now().addingTimeInterval(30 * 86_400))))
            #expect(created.json["key"]?["scope"]?["mode"] == .string("allowlist"))
            #expect(created.json["key"]?["created_by"] == .string("bob.li@acme.com"))
            #expect(try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#).status == 202)

            let listed = try await sandbox.request(.get, "/v1/keys", token: session)
            guard case let .array(keys)? = listed.json["keys"] else {
                Issue.record("no keys: \(listed.text)")
                return
            }
            let mine = try #require(keys.first { $0["id"] == .string(id) })
            #expect(mine["last_used_ip"] == .string("127.0.0.1"))
            #expect(mine["last_used_at"] == .string(Timestamp.format(clock.now())))
            #expect(!keys.contains { $0["kind"] == .string("session") })
            #expect(!keys.contains { $0["description"] == .string("personal") }, "alice's personal token is not bob's to see")

            let badPeriod = try await sandbox.request(
                .post, "/v1/keys", token: session, json: #"{"kind":"org","description":"x","expires_in_days":31}"#)
            #expect(badPeriod.status == 400)
            let outOfReach = try await sandbox.request(
                .post, "/v1/keys", token: session, json: #"{"kind":"personal","description":"x","projects":["PLEN-OPS"]}"#)
            #expect(outOfReach.errorCode == "project_not_allowed")

            let revoked = try await sandbox.request(.post, "/v1/keys/\(id)/revoke", token: session)
            #expect(revoked.status == 200)
            #expect(revoked.json["revoked_at"] != .null)
            #expect(try await sandbox.request(.post, "/v1/signals", token: token, json: #"{"kind":"a"}"#).errorCode == "token_revoked")
            #expect(try await sandbox.request(.post, "/v1/keys/key_nope/revoke", token: session).status == 404)
        }
    }

    @Test("the pinned default project is per user: personal tokens and sessions follow it, org keys have none")
    func defaultProject() async throws {
        try await RunningSandbox.with { sandbox in
            let session = try await sandbox.session()
            let personal = try sandbox.token("personal")
            #expect(try await sandbox.request(.get, "/v1/whoami", token: personal).json["default_project"]?["key"] == .string("PLEN-DEMO"))
            let set = try await sandbox.request(.put, "/v1/me/default-project", token: session, json: #"{"project":"plen-ops"}"#)
            #expect(set.status == 200, "\(set.text)")
            #expect(set.json["default_project"]?["key"] == .string("PLEN-OPS"))
            #expect(
                try await sandbox.request(.get, "/v1/me/default-project", token: personal).json["default_project"]?["key"]
                    == .string("PLEN-OPS"))
            #expect(try await sandbox.request(.get, "/v1/whoami", token: personal).json["default_project"]?["key"] == .string("PLEN-OPS"))
            let signal = try await sandbox.request(.post, "/v1/signals", token: personal, json: #"{"kind":"a"}"#)
            #expect(signal.status == 202)
            #expect(try await sandbox.events().last?["project_id"] == set.json["default_project"]?["id"])

            let org = try await sandbox.request(
                .put, "/v1/me/default-project", token: sandbox.token("org_all"), json: #"{"project":"PLEN-OPS"}"#)
            #expect(org.status == 403)
            #expect(org.json["error"]?["message"]?.stringValue?.contains("on purpose") == true)
            let bob = try await sandbox.session(user: "bob.li@acme.com")
            #expect(
                try await sandbox.request(.put, "/v1/me/default-project", token: bob, json: #"{"project":"PLEN-OPS"}"#).errorCode
                    == "project_not_allowed")
        }
    }
}

extension RunningSandbox {
    func startLogin() async throws -> (id: String, code: String) {
        let start = try await request(.post, "/v1/cli/sessions", json: "{}")
        return (try #require(start.json["id"]?.stringValue), try #require(start.json["user_code"]?.stringValue))
    }

    func poll(_ id: String) async throws -> JSONValue {
        try await request(.post, "/v1/cli/sessions/\(id)/poll").json
    }

    /// Posts an HTML form, as the approval page's browser does.
    func form(_ path: String, _ body: String) async throws -> Reply {
        try await request(.post, path, json: nil, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
    }

    func approve(_ code: String, user: String = "alice.chen@acme.com") async throws -> Reply {
        try await form("/login/decide", "code=\(code)&user=\(user.replacingOccurrences(of: "@", with: "%40"))&decision=approve")
    }

    /// A session token for `user`, through the login flow.
    func session(user: String = "alice.chen@acme.com") async throws -> String {
        let login = try await startLogin()
        _ = try await approve(login.code, user: user)
        return try #require(try await poll(login.id)["session_token"]?.stringValue)
    }

    /// The user code of the newest login still pending, polled for until one shows up.
    func pendingLoginCode(timeout: Duration = .seconds(60)) async throws -> String {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            if case let .array(logins)? = try await request(.get, "/_sandbox/logins").json["logins"],
                let code = logins.last(where: { $0["status"] == .string("pending") })?["user_code"]?.stringValue
            {
                return code
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("no pending login appeared")
    }

    func request(_ method: HTTPRequest.Method, _ path: String, json: String?, headers: [String: String], body: String) async throws -> Reply
    {
        try await request(method, path, json: body, headers: headers)
    }
}
