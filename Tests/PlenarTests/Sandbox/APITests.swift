import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("API endpoints")
struct APITests {
    @Test("whoami describes each demo key: kind, org, creator, scopes, project scope and default project")
    func whoamiDescribesDemoKeys() async throws {
        try await RunningSandbox.with { sandbox in
            let orgDemo = try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_demo"))
            #expect(orgDemo.status == 200)
            #expect(orgDemo.json["kind"] == .string("org"))
            #expect(orgDemo.json["organization"]?["name"] == .string("Acme"))
            #expect(orgDemo.json["created_by"] == .string("alice.chen@acme.com"))
            #expect(orgDemo.json["scope"]?["mode"] == .string("allowlist"))
            #expect(orgDemo.json["scope"]?["projects"] == .array([orgDemo.json["default_project"]!]))
            #expect(orgDemo.json["default_project"]?["key"] == .string("PLEN-DEMO"))
            #expect(orgDemo.json["default_project"]?["name"] == .string("Demo App"))
            #expect(orgDemo.json["scopes"] == .array(Scope.allCases.sorted().map { .string($0.rawValue) }))
            #expect(orgDemo.json["key"]?["prefix"]?.stringValue?.hasPrefix("pko_") == true)
            #expect(orgDemo.json["key"]?["expires_at"] == .null)

            let orgAll = try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_all"))
            #expect(orgAll.json["scope"]?["mode"] == .string("all"))
            guard case let .array(projects)? = orgAll.json["scope"]?["projects"] else {
                Issue.record("no projects")
                return
            }
            #expect(Set(projects.compactMap { $0["key"]?.stringValue }) == ["PLEN-DEMO", "PLEN-OPS"])
            #expect(orgAll.json["default_project"] == .null)

            let personal = try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("personal"))
            #expect(personal.json["kind"] == .string("personal"))
            #expect(personal.json["key"]?["prefix"]?.stringValue?.hasPrefix("plt_") == true)
            #expect(personal.json["default_project"]?["key"] == .string("PLEN-DEMO"))
        }
    }

    @Test("GET /projects lists what the key may reach")
    func projectsFollowTheAllowlist() async throws {
        try await RunningSandbox.with { sandbox in
            let limited = try await sandbox.request(.get, "/v1/projects", token: sandbox.token("org_demo"))
            #expect(limited.status == 200)
            #expect(limited.json["projects"].map(projectKeys) == ["PLEN-DEMO"])
            let all = try await sandbox.request(.get, "/v1/projects", token: sandbox.token("org_all"))
            #expect(all.json["projects"].map(projectKeys) == ["PLEN-DEMO", "PLEN-OPS"])
        }
    }

    @Test("signals, hooks and runs are stored with their project and key, answered 202 with an id")
    func postsAreStored() async throws {
        try await RunningSandbox.with { sandbox in
            let token = try sandbox.token("org_demo")
            let signal = try await sandbox.request(
                .post, "/v1/signals", token: token,
                json: #"{"kind":"deploy","status":"ok","attributes":{"env":"prod"},"ci":{"provider":"github"}}"#)
            #expect(signal.status == 202)
            let hook = try await sandbox.request(.post, "/v1/hooks", token: token, json: #"{"event":"SessionStart","payload":{"x":[1,2]}}"#)
            #expect(hook.status == 202)
            let run = try await sandbox.request(
                .post, "/v1/runs", token: token,
                json:
                    #"{"name":"test","command":"swift test","exit_code":0,"duration_ms":1200,"started_at":"2026-11-25T10:00:00Z","status":"succeeded"}"#
            )
            #expect(run.status == 202)

            let events = try await sandbox.events()
            #expect(events.map { $0["type"]?.stringValue } == ["signal", "hook", "run"])
            #expect(events.map { $0["id"] } == [signal.json["id"], hook.json["id"], run.json["id"]])
            #expect(events[0]["body"]?["attributes"]?["env"] == .string("prod"))
            #expect(events[1]["body"]?["payload"]?["x"] == .array([.number(1), .number(2)]))
            let demoID = try await sandbox.request(.get, "/v1/whoami", token: token).json["default_project"]?["id"]
            #expect(events.allSatisfy { $0["project_id"] == demoID })
            #expect(Set(events.compactMap { $0["key_id"]?.stringValue }).count == 1)
        }
    }

    @Test("token-shaped strings in a body are never stored")
    func tokenShapesAreMasked() async throws {
        try await RunningSandbox.with { sandbox in
            let leaked = "plt_" + String(repeating: "Q7", count: 20)
            let reply = try await sandbox.request(
                .post, "/v1/hooks", token: sandbox.token("org_demo"),
                json: #"{"event":"PostToolUse","payload":{"env":"PLENAR_TOKEN=\#(leaked)","\#(leaked)":1}}"#)
            #expect(reply.status == 202)
            let stored = try await sandbox.request(.get, "/_sandbox/events").text
            #expect(!stored.contains(leaked))
            #expect(stored.contains("PLENAR_TOKEN=plt_…"))
        }
    }

    @Test("project resolution: named, single-project allowlist, personal default, else project_required")
    func projectResolution() async throws {
        try await RunningSandbox.with { sandbox in
            func post(_ key: String, _ json: String, headers: [String: String] = [:]) async throws -> Reply {
                try await sandbox.request(.post, "/v1/signals", token: sandbox.token(key), json: json, headers: headers)
            }
            let ops = try await sandbox.request(.get, "/v1/projects", token: sandbox.token("org_all")).json["projects"]
            guard case let .array(projects)? = ops, let opsID = projects.first(where: { $0["key"] == .string("PLEN-OPS") })?["id"] else {
                Issue.record("no PLEN-OPS")
                return
            }

            #expect(try await post("org_demo", #"{"kind":"a"}"#).status == 202)
            #expect(try await post("personal", #"{"kind":"a"}"#).status == 202)
            #expect(try await post("org_all", #"{"kind":"a","project_id":"PLEN-OPS"}"#).status == 202)
            #expect(try await post("org_all", #"{"kind":"a","project_id":"plen-ops"}"#).status == 202)
            #expect(try await post("org_all", #"{"kind":"a","project_id":\#(opsID.stringValue.map { "\"\($0)\"" } ?? "")}"#).status == 202)
            #expect(try await post("org_all", #"{"kind":"a"}"#, headers: ["X-Plenar-Project": "PLEN-OPS"]).status == 202)

            let required = try await post("org_all", #"{"kind":"a"}"#)
            #expect(required.status == 422)
            #expect(required.errorCode == "project_required")
            let notAllowed = try await post("org_demo", #"{"kind":"a","project_id":"PLEN-OPS"}"#)
            #expect(notAllowed.status == 403)
            #expect(notAllowed.errorCode == "project_not_allowed")
            let unknown = try await post("org_all", #"{"kind":"a","project_id":"PLEN-NOPE"}"#)
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")

            let events = try await sandbox.events()
            #expect(events.count == 6)
            #expect(events.suffix(4).allSatisfy { $0["project_id"] == opsID })
        }
    }

    @Test("a key without the endpoint's scope gets 403 insufficient_scope")
    func scopesAreEnforced() async throws {
        try await RunningSandbox.with { sandbox in
            let signalsOnly = try await sandbox.mint(#"{"org":"Acme","kind":"org","projects":["PLEN-DEMO"],"scopes":["signals:write"]}"#)
            #expect(try await sandbox.request(.post, "/v1/signals", token: signalsOnly.token, json: #"{"kind":"a"}"#).status == 202)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: signalsOnly.token).status == 200)
            for (method, path, json) in [
                (HTTPRequest.Method.get, "/v1/projects", nil as String?),
                (.post, "/v1/hooks", #"{"event":"Stop"}"#),
                (
                    .post, "/v1/runs",
                    #"{"name":"t","command":"c","exit_code":0,"duration_ms":1,"started_at":"2026-11-25T10:00:00Z","status":"failed"}"#
                ),
            ] {
                let reply = try await sandbox.request(method, path, token: signalsOnly.token, json: json)
                #expect(reply.status == 403, "\(path)")
                #expect(reply.errorCode == "insufficient_scope", "\(path)")
            }
        }
    }

    @Test("a repeated Idempotency-Key is stored once, per organization and endpoint, whichever of its keys sends it")
    func idempotency() async throws {
        try await RunningSandbox.with { sandbox in
            let headers = ["Idempotency-Key": "run-42-attempt-1"]
            let first = try await sandbox.request(
                .post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"a"}"#, headers: headers)
            let second = try await sandbox.request(
                .post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"a"}"#, headers: headers)
            #expect(first.status == 202)
            #expect(second.status == 202)
            #expect(first.json["id"] == second.json["id"])
            let sameOrganization = try await sandbox.request(
                .post, "/v1/signals", token: sandbox.token("personal"), json: #"{"kind":"a"}"#, headers: headers)
            #expect(sameOrganization.json["id"] == first.json["id"], "another key of the same organization")
            let hook = try await sandbox.request(
                .post, "/v1/hooks", token: sandbox.token("org_demo"), json: #"{"event":"Stop"}"#, headers: headers)
            let project = try await sandbox.request(.post, "/_sandbox/projects", json: #"{"org":"Globex","key":"GLX","name":"G"}"#)
            #expect(project.status == 201)
            let other = try await sandbox.mint(#"{"org":"Globex","kind":"org","projects":["GLX"]}"#)
            let otherOrganization = try await sandbox.request(
                .post, "/v1/signals", token: other.token, json: #"{"kind":"a"}"#, headers: headers)
            let noKey = try await sandbox.request(.post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"a"}"#)
            #expect(Set([first.json["id"], hook.json["id"], otherOrganization.json["id"], noKey.json["id"]]).count == 4)
            #expect(try await sandbox.events().count == 4)
        }
    }

    @Test("each request updates last_used_at and last_used_ip; whoami reports the use before it")
    func lastUse() async throws {
        try await RunningSandbox.with { sandbox in
            let token = try sandbox.token("org_all")
            let first = try await sandbox.request(.get, "/v1/whoami", token: token)
            #expect(first.json["key"]?["last_used_at"] == .null)
            let second = try await sandbox.request(.get, "/v1/whoami", token: token)
            let previous = try #require(second.json["key"]?["last_used_at"]?.stringValue)
            let keys = try await sandbox.request(.get, "/_sandbox/keys").json["keys"]
            guard case let .array(list)? = keys, let entry = list.first(where: { $0["description"] == .string("org_all") }) else {
                Issue.record("org_all not listed")
                return
            }
            #expect(entry["last_used_ip"] == .string("127.0.0.1"))
            let latest = try #require(entry["last_used_at"]?.stringValue)
            #expect(latest >= previous)
        }
    }

    @Test(
        "bad input gets the contract's error body and leaves the state alone",
        arguments: [
            ("/v1/signals", "{not json", 400, "invalid_request"),
            ("/v1/signals", "[1,2]", 400, "invalid_request"),
            ("/v1/signals", "", 400, "invalid_request"),
            ("/v1/signals", #"{"status":"ok"}"#, 400, "invalid_request"),
            ("/v1/signals", #"{"kind":12}"#, 400, "invalid_request"),
            ("/v1/signals", #"{"kind":"a","attributes":"x"}"#, 400, "invalid_request"),
            ("/v1/signals", #"{"kind":"a","project_id":7}"#, 400, "invalid_request"),
            ("/v1/hooks", #"{"payload":{}}"#, 400, "invalid_request"),
            (
                "/v1/runs",
                #"{"name":"t","command":"c","exit_code":"0","duration_ms":1,"started_at":"2026-11-25T10:00:00Z","status":"failed"}"#, 400,
                "invalid_request"
            ),
            (
                "/v1/runs",
                #"{"name":"t","command":"c","exit_code":0,"duration_ms":-1,"started_at":"2026-11-25T10:00:00Z","status":"failed"}"#, 400,
                "invalid_request"
            ),
            (
                "/v1/runs", #"{"name":"t","command":"c","exit_code":0,"duration_ms":1,"started_at":"yesterday","status":"failed"}"#, 400,
                "invalid_request"
            ),
            (
                "/v1/runs",
                #"{"name":"t","command":"c","exit_code":0,"duration_ms":1,"started_at":"2026-11-25T10:00:00Z","status":"done"}"#, 400,
                "invalid_request"
            ),
            ("/v1/signals", #"{"kind":"a","project_id":"PLEN-NOPE"}"#, 404, "not_found"),
            ("/v1/nothing-here", "{}", 404, "not_found"),
        ])
    func badInput(path: String, body: String, status: Int, code: String) async throws {
        try await RunningSandbox.with { sandbox in
            let reply = try await sandbox.request(.post, path, token: sandbox.token("org_all"), json: body)
            #expect(reply.status == status)
            #expect(reply.errorCode == code)
            #expect(reply.json["error"]?["message"]?.stringValue?.isEmpty == false)
            #expect(try await sandbox.events().isEmpty)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: sandbox.token("org_all")).status == 200)
        }
    }

    @Test("a body over 1 MiB gets 413 payload_too_large and the server keeps serving")
    func hugeBody() async throws {
        try await RunningSandbox.with { sandbox in
            let huge = #"{"kind":"a","message":""# + String(repeating: "x", count: Sandbox.maximumBodySize) + #""}"#
            let reply = try await sandbox.request(.post, "/v1/signals", token: sandbox.token("org_demo"), json: huge)
            #expect(reply.status == 413)
            #expect(reply.errorCode == "payload_too_large")
            #expect(try await sandbox.request(.post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"a"}"#).status == 202)
            #expect(try await sandbox.events().count == 1)
        }
    }
}

func projectKeys(_ value: JSONValue) -> [String] {
    guard case let .array(projects) = value else { return [] }
    return projects.compactMap { $0["key"]?.stringValue }.sorted()
}
