import Foundation
import HTTPTypes
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("plenar-sandbox executable")
struct ExecutableTests {
    @Test(
        "serve --demo: one ready line on stdout, keys only in the 0600 file, one log line per request, clean exit",
        arguments: [SIGTERM, SIGINT])
    func serveDemo(signal: Int32) async throws {
        let folder = try StateTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let keysPath = folder.appendingPathComponent("keys.json").path
        let sandbox = try SandboxProcess(["serve", "--demo", "--keys-out", keysPath])
        let line = try await sandbox.readyLine()
        let port = try await sandbox.port()
        #expect(line == "PLENAR_API_URL=http://127.0.0.1:\(port)/v1")

        let keys = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: keysPath)))
        #expect(Set(keys.keys) == ["org_demo", "org_all", "personal", "revoked", "expired"])
        #expect(try FileManager.default.attributesOfItem(atPath: keysPath)[.posixPermissions] as? Int == 0o600)
        let token = try #require(keys["org_demo"])
        let client = RunningClient(port: port)
        #expect(try await client.request(.get, "/v1/whoami", token: token).json["organization"]?["name"] == .string("Acme"))
        #expect(try await client.request(.post, "/v1/signals", token: token, json: #"{"kind":"x"}"#).status == 202)

        let ended = await sandbox.stop(signal)
        #expect(ended.reason == .exit)
        #expect(ended.status == 0)
        #expect(ended.stdout == line + "\n")
        let logLines = ended.stderr.split(separator: "\n").filter { $0.contains(" /v1/") }
        #expect(logLines.count == 2, "stderr: \(ended.stderr)")
        #expect(logLines.allSatisfy { $0.contains("token=pko_…") })
        for secret in keys.values {
            #expect(!ended.stderr.contains(secret))
            #expect(!ended.stdout.contains(secret))
        }
    }

    @Test("SIGTERM ends a held (hanging) request and exits promptly")
    func stopsWhileHanging() async throws {
        let sandbox = try SandboxProcess(["serve", "--demo", "--keys-out", "/dev/null", "--quiet"])
        let port = try await sandbox.port()
        let client = RunningClient(port: port)
        #expect(try await client.request(.post, "/_sandbox/faults", json: #"{"mode":"hang"}"#).status == 201)
        async let exchange = RawExchange.run(
            port: port, request: RawExchange.get("/v1/whoami", port: port, token: "pko_" + String(repeating: "x", count: 40)),
            watch: .seconds(120))
        // Stop only once the server holds the request (it is in the journal), not after a guess.
        var held = false
        for _ in 0..<600 where !held {
            let journal = try await client.request(.get, "/_sandbox/requests").json["requests"]
            if case let .array(entries)? = journal { held = entries.contains { $0["fault"] == .string("hang") } }
            if !held { try await Task.sleep(for: .milliseconds(50)) }
        }
        try #require(held, "the hanging request never reached the server")
        let clock = ContinuousClock()
        let started = clock.now
        let ended = await sandbox.stop(SIGTERM)
        #expect(ended.status == 0)
        // The hang would hold for 300 s.
        #expect(clock.now - started < .seconds(120))
        let closed = try await exchange
        #expect(closed.closedByServer)
        #expect(closed.arrivals.isEmpty)
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "--keys-out /dev/null must not replace the device")
    }

    @Test("--state keeps keys and events across a restart of the process")
    func stateAcrossProcesses() async throws {
        let folder = try StateTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state.json").path
        let first = try SandboxProcess([
            "serve", "--state", state, "--demo", "--keys-out", folder.appendingPathComponent("k.json").path, "--quiet",
        ])
        let firstClient = RunningClient(port: try await first.port())
        let keys = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: folder.appendingPathComponent("k.json")))
        let token = try #require(keys["personal"])
        #expect(try await firstClient.request(.post, "/v1/signals", token: token, json: #"{"kind":"persisted"}"#).status == 202)
        #expect(await first.stop().status == 0)

        let second = try SandboxProcess(["serve", "--state", state, "--quiet"])
        let secondClient = RunningClient(port: try await second.port())
        #expect(try await secondClient.request(.get, "/v1/whoami", token: token).status == 200)
        let events = try await secondClient.request(.get, "/_sandbox/events").json["events"]
        #expect(events?.arrayCount == 1)
        #expect(await second.stop().status == 0)
    }

    @Test("a corrupt state file stops the server with exit 1, a clear message, and the file untouched")
    func corruptState() async throws {
        let folder = try StateTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state.json").path
        try "{\"version\":1,".write(toFile: state, atomically: false, encoding: .utf8)
        let ended = await (try SandboxProcess(["serve", "--state", state])).finished()
        #expect(ended.status == 1)
        #expect(ended.stdout.isEmpty)
        #expect(ended.stderr.contains(state))
        #expect(ended.stderr.contains("move it aside"))
        #expect(try String(contentsOfFile: state, encoding: .utf8) == "{\"version\":1,")
    }

    @Test(
        "usage errors exit 64",
        arguments: [
            ["serve", "--port", "70000"], ["serve", "--rate-limit", "0"], ["serve", "--keys-out", "/tmp/x"], ["serve", "--bogus"],
        ])
    func usageErrors(arguments: [String]) async throws {
        let ended = try await ChildProcess.run(SandboxProcess.executable, arguments)
        #expect(ended.status == 64, "stderr: \(ended.stderr)")
        #expect(ended.stdout.isEmpty)
    }

    @Test("keys mint, list and revoke drive a running sandbox")
    func keysCommands() async throws {
        let sandbox = try SandboxProcess(["serve", "--demo", "--keys-out", "/dev/null", "--quiet"])
        let port = try await sandbox.port()
        let url = "http://127.0.0.1:\(port)/v1"
        let minted = try await ChildProcess.run(
            SandboxProcess.executable, ["keys", "mint", "--url", url, "--org", "Acme", "--project", "PLEN-OPS", "--scope", "signals:write"])
        #expect(minted.status == 0, "\(minted.stderr)")
        let key = try JSONDecoder().decode([String: String].self, from: Data(minted.stdout.utf8))
        let token = try #require(key["token"])
        let id = try #require(key["id"])
        let client = RunningClient(port: port)
        #expect(try await client.request(.post, "/v1/signals", token: token, json: #"{"kind":"x"}"#).status == 202)

        var environment = ProcessInfo.processInfo.environment
        environment["PLENAR_API_URL"] = url
        let listed = try await ChildProcess.run(SandboxProcess.executable, ["keys", "list"], environment: environment)
        #expect(listed.status == 0)
        #expect(listed.stdout.contains(id))
        #expect(!listed.stdout.contains(token))

        #expect(try await ChildProcess.run(SandboxProcess.executable, ["keys", "revoke", id, "--url", url]).status == 0)
        #expect(try await client.request(.get, "/v1/whoami", token: token).errorCode == "token_revoked")
        let unknown = try await ChildProcess.run(SandboxProcess.executable, ["keys", "revoke", "key_nope", "--url", url])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("not_found"))
        #expect(await sandbox.stop().status == 0)
    }
}
