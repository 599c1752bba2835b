import Foundation
import PlenarAPI
import Testing

@testable import PlenarSandbox

/// A fake `gh` on PATH that records its argv and stdin; with `USE_OLD_KEY` set, it uses that key
/// once (`plenar status`), as a pipeline still holding the old secret would.
struct FakeGH: Sendable {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-gh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            printf '%s\\n' "$@" > "\(folder.path)/argv"
            cat > "\(folder.path)/stdin"
            if [ -n "$USE_OLD_KEY" ]; then PLENAR_TOKEN="$USE_OLD_KEY" "\(CLI.executable)" status >/dev/null 2>&1; fi
            exit "${GH_EXIT:-0}"
            """
        try ExecutableFile.write(script, to: folder.appendingPathComponent("gh").path)
    }

    var environment: [String: String] { ["PATH": "\(folder.path):/usr/bin:/bin"] }
    var argv: [String] {
        ((try? String(contentsOfFile: folder.appendingPathComponent("argv").path, encoding: .utf8)) ?? "").split(separator: "\n").map(
            String.init)
    }
    var stdin: String? { try? String(contentsOfFile: folder.appendingPathComponent("stdin").path, encoding: .utf8) }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

@Suite("plenar project and keys against the sandbox")
struct PeopleCommandTests {
    @Test("project list/use/current with a session, a personal token and an org key")
    func projects() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            let env = home.environment
            let personal = try sandbox.token("personal")

            let listed = try await CLI.run(["project", "list"], api: sandbox.apiURL, token: personal, environment: env)
            #expect(listed.status == 0)
            #expect(listed.stdout == "* [PLEN-DEMO] Demo App\n  [PLEN-OPS] Ops\n")
            #expect(listed.stderr.contains("from PLENAR_TOKEN"))

            let use = try await CLI.run(["project", "use", "PLEN-OPS"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(use.status == 0, "\(use.stderr)")
            #expect(use.stdout == "Default project for alice.chen@acme.com: [PLEN-OPS] Ops\n")
            // The personal token acts as the same user: it follows the switch on its next call.
            let current = try await CLI.run(["project", "current", "--json"], api: sandbox.apiURL, token: personal, environment: env)
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(current.stdout.utf8))
            #expect(json["project"]?["key"] == .string("PLEN-OPS"))
            #expect(json["source"] == .string("the default of alice.chen@acme.com"))
            let sessionList = try await CLI.run(["project", "list", "--json"], api: sandbox.apiURL, token: nil, environment: env)
            let sessionJSON = try JSONDecoder().decode(JSONValue.self, from: Data(sessionList.stdout.utf8))
            #expect(sessionJSON["default_project"]?["key"] == .string("PLEN-OPS"))
            let signal = try await CLI.run(["signal", "deploy", "--json"], api: sandbox.apiURL, token: personal)
            #expect(signal.status == 0)
            let ops = try await sandbox.request(.get, "/_sandbox/projects").json["projects"]
            guard case let .array(projects)? = ops else {
                Issue.record("no projects")
                return
            }
            #expect(try await sandbox.events().last?["project_id"] == projects.first { $0["key"] == .string("PLEN-OPS") }?["id"])

            let byEnv = try await CLI.run(
                ["project", "current"], api: sandbox.apiURL, token: personal, environment: ["PLENAR_PROJECT_ID": "PLEN-DEMO"])
            #expect(byEnv.stdout == "[PLEN-DEMO] Demo App\n")
            #expect(byEnv.stderr.contains("from PLENAR_PROJECT_ID"))

            let org = try await CLI.run(
                ["project", "use", "PLEN-OPS"], api: sandbox.apiURL, token: sandbox.token("org_all"), environment: env)
            #expect(org.status == 2)
            #expect(org.stderr.contains("organization keys (pko_…) have no default project on purpose"))
            #expect(org.stderr.contains("PLENAR_PROJECT_ID=PLEN-OPS"))
            #expect(try await sandbox.requestsSeen(path: "/v1/me/default-project").count == 1, "nothing sent for the org key")
            let orgCurrent = try await CLI.run(["project", "current"], api: sandbox.apiURL, token: sandbox.token("org_demo"))
            #expect(orgCurrent.stdout == "[PLEN-DEMO] Demo App\n")
            #expect(orgCurrent.stderr.contains("the key's only project"))
        }
    }

    @Test("keys list/create/revoke with a session; an API key gets 403 session_required, exit 2")
    func keys() async throws {
        let home = try ConfigHome()
        let gh = try FakeGH()
        defer {
            home.remove()
            gh.remove()
        }
        try await RunningSandbox.process { sandbox in
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            let env = home.environment

            let refused = try await CLI.run(["keys", "list"], api: sandbox.apiURL, token: sandbox.token("org_all"), environment: env)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("this needs a login session, and pko_… from PLENAR_TOKEN is an API key"))
            #expect(try await sandbox.requestsSeen(path: "/v1/keys").last?["status"] == .number(403))

            let created = try await CLI.run(
                [
                    "keys", "create", "--description", "CI for acme/app", "--projects", "PLEN-DEMO", "--expires", "30", "--scopes",
                    "signals:write,runs:write",
                ],
                api: sandbox.apiURL, token: nil, environment: env
            )
            #expect(created.status == 0, "\(created.stderr)")
            let token = created.stdout.trimmingCharacters(in: .newlines)
            #expect(try TokenShape.check(token) == .org)
            #expect(!created.stderr.contains(token))
            #expect(try await CLI.run(["signal", "x"], api: sandbox.apiURL, token: token).status == 0)

            let listed = try await CLI.run(["keys", "list", "--json"], api: sandbox.apiURL, token: nil, environment: env)
            let keys = try JSONDecoder().decode(KeyList.self, from: Data(listed.stdout.utf8)).keys
            let key = try #require(keys.first { $0.description == "CI for acme/app" })
            #expect(key.expiresInDays == 30)
            #expect(key.scopes == [.runsWrite, .signalsWrite])
            #expect(key.scope.projects.map(\.key) == ["PLEN-DEMO"])
            #expect(key.lastUsedIP == "127.0.0.1")
            #expect(key.lastUsedAt != nil)
            let text = try await CLI.run(["keys", "list"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(text.stdout.contains("\(key.id)  \(key.prefix)…  org-key  \"CI for acme/app\"  PLEN-DEMO"))

            let out = home.folder.appendingPathComponent("new-key").path
            let toFile = try await CLI.run(
                ["keys", "create", "--kind", "personal", "--description", "laptop", "--out", out], api: sandbox.apiURL, token: nil,
                environment: env)
            #expect(toFile.status == 0, "\(toFile.stderr)")
            #expect(home.mode(out) == 0o600)
            let written = try String(contentsOfFile: out, encoding: .utf8).trimmingCharacters(in: .newlines)
            #expect(try TokenShape.check(written) == .personal)
            expectNoSecret(written, in: toFile.stdout, toFile.stderr)

            let toGH = try await CLI.run(
                ["keys", "create", "--description", "gh", "--gh-secret", "PLENAR_TOKEN", "--repo", "acme/app"],
                api: sandbox.apiURL, token: nil, environment: env.merging(gh.environment) { $1 }
            )
            #expect(toGH.status == 0, "\(toGH.stderr)")
            #expect(gh.argv == ["secret", "set", "PLENAR_TOKEN", "--repo", "acme/app"])
            let handed = try #require(gh.stdin)
            #expect(try TokenShape.check(handed) == .org)
            expectNoSecret(handed, in: toGH.stdout, toGH.stderr)

            let revoked = try await CLI.run(["keys", "revoke", key.id], api: sandbox.apiURL, token: nil, environment: env)
            #expect(revoked.status == 0)
            #expect(revoked.stdout.contains("Revoked \(key.id)"))
            #expect(try await CLI.run(["signal", "x"], api: sandbox.apiURL, token: token).status == 2)
            let unknown = try await CLI.run(["keys", "revoke", "key_nope"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no key key_nope"))
        }
    }

    @Test(
        "rotate: the old key unused after the handover is revoked; used after it, it is kept, with its last use and IP, exit 3; a re-run resumes"
    )
    func rotate() async throws {
        let home = try ConfigHome()
        let gh = try FakeGH()
        defer {
            home.remove()
            gh.remove()
        }
        try await RunningSandbox.process { sandbox in
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            let env = home.environment.merging(gh.environment) { $1 }
            func create(_ description: String) async throws -> (id: String, token: String) {
                let created = try await CLI.run(
                    [
                        "keys", "create", "--description", description, "--projects", "PLEN-DEMO", "--expires", "180", "--scopes",
                        "signals:write", "--json",
                    ],
                    api: sandbox.apiURL, token: nil, environment: env
                )
                let json = try JSONDecoder().decode(CreatedKey.self, from: Data(created.stdout.utf8))
                return (json.key.id, json.token)
            }
            func keys() async throws -> [KeyInfo] {
                let listed = try await CLI.run(["keys", "list", "--json"], api: sandbox.apiURL, token: nil, environment: env)
                return try JSONDecoder().decode(KeyList.self, from: Data(listed.stdout.utf8)).keys
            }

            let quiet = try await create("quiet")
            _ = try await CLI.run(["status"], api: sandbox.apiURL, token: quiet.token)
            let rotated = try await CLI.run(
                ["keys", "rotate", quiet.id, "--gh-secret", "PLENAR_TOKEN"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(rotated.status == 0, "\(rotated.stderr)")
            for step in 1...6 { #expect(rotated.stderr.contains("step \(step)/6"), "step \(step)") }
            let after = try await keys()
            let replacement = try #require(after.first { $0.replaces == quiet.id })
            #expect(after.first { $0.id == quiet.id }?.revokedAt != nil)
            #expect(replacement.description == "quiet")
            #expect(replacement.expiresInDays == 180)
            #expect(replacement.scopes == [.signalsWrite])
            #expect(replacement.scope.projects.map(\.key) == ["PLEN-DEMO"])
            #expect(replacement.lastUsedAt != nil, "verified with a status probe")
            #expect(gh.stdin.map { try? TokenShape.check($0) } == .org)
            expectNoSecret(gh.stdin, in: rotated.stdout, rotated.stderr)

            let busy = try await create("busy")
            let blocked = try await CLI.run(
                ["keys", "rotate", busy.id, "--gh-secret", "PLENAR_TOKEN"], api: sandbox.apiURL, token: nil,
                environment: env.merging(["USE_OLD_KEY": busy.token]) { $1 }
            )
            #expect(blocked.status == 3, "\(blocked.stderr)")
            #expect(blocked.stderr.contains("key \(busy.id) was used after the handover, at "))
            #expect(blocked.stderr.contains("from 127.0.0.1: not revoked"))
            #expect(try await keys().first { $0.id == busy.id }?.revokedAt == nil)
            #expect(try await CLI.run(["status"], api: sandbox.apiURL, token: busy.token).status == 0, "the old key still works")

            // The re-run resumes (no third key); the old key was used again since the last check: still kept.
            let again = try await CLI.run(
                ["keys", "rotate", busy.id, "--gh-secret", "PLENAR_TOKEN"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(again.status == 3)
            #expect(again.stderr.contains("resuming the rotation"))
            // Quiet since that check: revoked.
            let finished = try await CLI.run(
                ["keys", "rotate", busy.id, "--wait", "1s"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(finished.status == 0, "\(finished.stderr)")
            let final = try await keys()
            #expect(final.filter { $0.description == "busy" }.count == 2, "one replacement, never a third key")
            #expect(final.first { $0.id == busy.id }?.revokedAt != nil)
        }
    }
}
