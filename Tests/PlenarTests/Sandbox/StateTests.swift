import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("State file")
struct StateTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-sandbox-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("organizations, keys, revocations and events survive a restart; plaintext tokens never reach the file")
    func survivesRestart() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.json").path
        let configuration = SandboxConfiguration(statePath: path, logRequests: false)

        let (tokens, minted, eventID) = try await RunningSandbox.with(configuration) { sandbox in
            let minted = try await sandbox.mint(#"{"org":"Acme","kind":"org","projects":["PLEN-OPS"]}"#)
            let reply = try await sandbox.request(
                .post, "/v1/signals", token: sandbox.token("org_demo"), json: #"{"kind":"before-restart"}"#)
            #expect(try await sandbox.request(.post, "/_sandbox/keys/\(minted.id)/revoke").status == 200)
            return (sandbox.tokens, minted, try #require(reply.json["id"]?.stringValue))
        }

        let saved = try String(contentsOfFile: path, encoding: .utf8)
        for token in Array(tokens.values) + [minted.token] {
            #expect(!saved.contains(token))
            #expect(!saved.contains(String(token.dropFirst(4))))
            #expect(saved.contains(Secrets.hash(token)))
        }
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let orgDemo = try #require(tokens["org_demo"])
        let revoked = try #require(tokens["revoked"])
        try await RunningSandbox.with(configuration, demo: false) { sandbox in
            #expect(try await sandbox.request(.get, "/v1/whoami", token: orgDemo).status == 200)
            #expect(try await sandbox.request(.get, "/v1/whoami", token: minted.token).errorCode == "token_revoked")
            #expect(try await sandbox.request(.get, "/v1/whoami", token: revoked).errorCode == "token_revoked")
            let events = try await sandbox.events()
            #expect(events.map { $0["id"] } == [.string(eventID)])
        }
    }

    @Test(
        "a corrupt state file is a clear error and is left byte for byte",
        arguments: [
            "{\"version\":1,\"organizations\":[", "[]",
            "{\"version\":99,\"organizations\":[],\"projects\":[],\"keys\":[],\"events\":[],\"idempotency\":{}}",
        ])
    func corruptFileIsRefused(content: String) throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.json").path
        try content.write(toFile: path, atomically: false, encoding: .utf8)
        #expect {
            _ = try Sandbox(configuration: SandboxConfiguration(statePath: path, logRequests: false))
        } throws: { error in
            guard case let .corruptState(reportedPath, _)? = error as? SandboxError else { return false }
            return reportedPath == path && "\(error)".contains("move it aside")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == content)
    }
}
