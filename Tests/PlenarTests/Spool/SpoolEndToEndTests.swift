import Foundation
import PlenarAPI
import Testing

@testable import PlenarKit

/// The spool with the built `plenar` against `plenar-sandbox` in its own process: an outage made
/// with the sandbox's `hang` fault, records delivered afterwards, and what the sandbox stored.
/// Deadlines are short where an outage is waited out; nothing is bounded by the wall clock.
@Suite("Spool, end to end")
struct SpoolEndToEndTests {
    /// A spool folder shared by the runs of one test (`XDG_STATE_HOME`), removed afterwards.
    struct State {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-spool-test-\(UUID().uuidString)")
        var environment: [String: String] { ["XDG_STATE_HOME": root.path] }
        var folder: String { root.appendingPathComponent("plenar/spool").path }

        func names() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }
        var queued: [String] { names().filter { $0.hasSuffix(".rec") } }
        func remove() { try? FileManager.default.removeItem(at: root) }

        /// Writes a record as `plenar` would, made `age` ago.
        func write(_ record: SpooledRecord, age: TimeInterval = 60, unique: String) throws {
            let bytes = try record.encoded()
            let created = Int64((Date().timeIntervalSince1970 - age) * 1000)
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let name = SpoolName(created: created, unique: unique, size: bytes.count, credential: record.header.credential).text
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
    }

    static func signals(_ sandbox: RunningSandbox) async throws -> [String] {
        try await sandbox.events().filter { $0["type"]?.stringValue == "signal" }.compactMap { $0["body"]?["kind"]?.stringValue }
    }

    static func record(_ sandbox: RunningSandbox, kind: String, token: String, key: String) -> SpooledRecord {
        SpooledRecord(
            header: .init(
                path: "/signals", idempotencyKey: key, api: sandbox.apiURL, credential: SpooledRecord.credential(token),
                namesProject: false,
                what: "signal"),
            body: Array(#"{"kind":"\#(kind)"}"#.utf8))
    }

    @Test("an outage (hang) spools the signal, private and without the token; the next call after it delivers it once")
    func outageThenDelivery() async throws {
        let state = State()
        defer { state.remove() }
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            try await sandbox.injectFault(#"{"mode":"hang","path":"/v1/signals"}"#)
            let down = try await CLI.run(
                ["signal", "during-outage"], api: sandbox.apiURL, token: token,
                environment: state.environment.merging(["PLENAR_TIMEOUT_MS": "500"]) { $1 })
            #expect(down.status == 0)
            #expect(down.stderr.contains("within 500 ms"), "\(down.stderr)")
            #expect(down.stderr.contains("signal spooled in \(state.folder) for a later plenar call or plenar flush"), "\(down.stderr)")
            #expect(!down.stderr.contains("not sent"))
            let spooled = try #require(state.queued.first)
            #expect(state.queued.count == 1)
            let attributes = try FileManager.default.attributesOfItem(atPath: state.folder + "/" + spooled)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let folder = try FileManager.default.attributesOfItem(atPath: state.folder)
            #expect((folder[.posixPermissions] as? Int) == 0o700)
            let contents = try String(contentsOfFile: state.folder + "/" + spooled, encoding: .utf8)
            expectNoSecret(token, in: contents)
            // Keep a copy, to send the same record again after it was delivered.
            let copy = try Data(contentsOf: URL(fileURLWithPath: state.folder + "/" + spooled))

            #expect(try await sandbox.request(.delete, "/_sandbox/faults").status == 204)
            let after = try await CLI.run(["signal", "after-outage"], api: sandbox.apiURL, token: token, environment: state.environment)
            #expect(after.status == 0, "\(after.stderr)")
            #expect(after.stderr.contains("sent 1 spooled record from \(state.folder)"), "\(after.stderr)")
            #expect(try await Self.signals(sandbox) == ["during-outage", "after-outage"], "the spooled one first, each once")
            #expect(state.names().isEmpty)

            // The same record sent again (as after a crash between the answer and the removal): stored once.
            try copy.write(to: URL(fileURLWithPath: state.folder + "/" + spooled))
            let again = try await CLI.run(["flush", "--json"], api: sandbox.apiURL, token: token, environment: state.environment)
            #expect(again.status == 0)
            #expect(again.stdout.contains(#""sent":1"#), "\(again.stdout)")
            #expect(try await Self.signals(sandbox) == ["during-outage", "after-outage"], "its Idempotency-Key: stored once")
        }
    }

    @Test("in GitHub Actions the spool is the job's RUNNER_TEMP/plenar-spool; flush sends it")
    func actions() async throws {
        let runner = try RunnerFiles()
        defer { runner.remove() }
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let environment = runner.environment.merging(["RUNNER_TEMP": runner.folder.path]) { $1 }
            try await sandbox.injectFault(#"{"mode":"hang","path":"/v1/runs"}"#)
            let run = try await CLI.run(
                ["run", "--", "/bin/true"], api: sandbox.apiURL, token: token,
                environment: environment.merging(["PLENAR_TIMEOUT_MS": "500"]) { $1 })
            #expect(run.status == 0)
            #expect(run.stderr.contains("::warning::plenar: no answer"), "\(run.stderr)")
            #expect(run.stderr.contains("run report spooled in \(runner.folder.path)/plenar-spool"), "\(run.stderr)")
            #expect(try await sandbox.request(.delete, "/_sandbox/faults").status == 204)
            // A deadline only a stalled machine could reach: the 500 ms above failed this flush
            // under a full suite's load.
            let flush = try await CLI.run(
                ["flush", "--json"], api: sandbox.apiURL, token: token,
                environment: environment.merging(["PLENAR_TIMEOUT_MS": "120000"]) { $1 })
            #expect(flush.status == 0, "\(flush.stderr)")
            let report = try JSONDecoder().decode(JSONValue.self, from: Data(flush.stdout.utf8))
            #expect(report["sent"] == .number(1) && report["left"] == .number(0))
            #expect(report["folder"] == .string(runner.folder.path + "/plenar-spool"))
            #expect(try await sandbox.events().filter { $0["type"] == .string("run") }.count == 1)
        }
    }

    @Test("20 processes spool through an outage, then 20 flush or signal at once: every record stored once, none sent twice")
    func concurrent() async throws {
        let state = State()
        defer { state.remove() }
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            try await sandbox.injectFault(#"{"mode":"hang","path":"/v1/signals"}"#)
            // Each also tries the spool first, so claims race while the service hangs.
            let down = try await Self.all(20) { index in
                try await CLI.run(
                    ["signal", "spooled-\(index)"], api: sandbox.apiURL, token: token,
                    environment: state.environment.merging(["PLENAR_TIMEOUT_MS": "300"]) { $1 })
            }
            #expect(down.allSatisfy { $0.status == 0 })
            #expect(state.queued.count == 20, "\(state.names())")
            #expect(state.names().count == 20, "no claim left behind: \(state.names())")

            #expect(try await sandbox.request(.delete, "/_sandbox/faults").status == 204)
            // A deadline only a stalled machine could reach: what is measured here is who sends what.
            let up = try await Self.all(20) { index in
                try await CLI.run(
                    index % 2 == 0 ? ["flush", "--json"] : ["signal", "new-\(index)"], api: sandbox.apiURL, token: token,
                    environment: state.environment.merging(["PLENAR_TIMEOUT_MS": "120000"]) { $1 })
            }
            #expect(up.allSatisfy { $0.status == 0 }, "\(up.map(\.stderr))")
            let stored = try await Self.signals(sandbox)
            let expected = (0..<20).map { "spooled-\($0)" } + stride(from: 1, to: 20, by: 2).map { "new-\($0)" }
            #expect(stored.sorted() == expected.sorted(), "each once: \(stored)")
            let answered = try await sandbox.requestsSeen(path: "/v1/signals").filter { $0["status"] == .number(202) }
            #expect(answered.count == 30, "no record was sent twice")
            #expect(state.names().isEmpty, "\(state.names())")
        }
    }

    @Test("the bounds hold: at most 1,000 records, the oldest dropped and counted; records over 24 h dropped")
    func caps() async throws {
        let state = State()
        defer { state.remove() }
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            // Another key's records: a flush leaves them (never sent with this key), so only the bounds act.
            let other = "pko_" + String(repeating: "Zz9", count: 12)
            for index in 0..<1000 {
                try state.write(
                    Self.record(sandbox, kind: "old-\(index)", token: other, key: "k\(index)"), age: 3600 - Double(index),
                    unique: "p\(index)")
            }
            try state.write(Self.record(sandbox, kind: "stale", token: token, key: "stale"), age: 25 * 3600, unique: "stale")
            let oldest = state.queued[1]
            #expect(state.queued.count == 1001)
            try await sandbox.injectFault(#"{"mode":"hang","path":"/v1/signals"}"#)
            let result = try await CLI.run(
                ["signal", "newest"], api: sandbox.apiURL, token: token,
                environment: state.environment.merging(["PLENAR_TIMEOUT_MS": "300"]) { $1 })
            #expect(result.status == 0)
            #expect(result.stderr.contains("dropped 1 spooled record older than 24 h"), "\(result.stderr)")
            #expect(result.stderr.contains("holds at most 1000 records or 5 MiB: dropped the 1 oldest"), "\(result.stderr)")
            #expect(state.queued.count == 1000)
            #expect(!state.queued.contains(oldest))
            // The call's own record at most: a loaded machine may spend the 300 ms on the spool itself.
            #expect(try await sandbox.requestsSeen(path: "/v1/signals").count <= 1, "the stale record was never sent")
        }
    }

    @Test("the bounds hold: at most 5 MiB")
    func sizeCap() async throws {
        let state = State()
        defer { state.remove() }
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let other = "pko_" + String(repeating: "Zz9", count: 12)
            let padding = String(repeating: "x", count: 1_000_000)
            for index in 0..<5 {
                var record = Self.record(sandbox, kind: "big-\(index)", token: other, key: "b\(index)")
                record.body = Array(#"{"kind":"big","message":"\#(padding)"}"#.utf8)
                try state.write(record, age: 600 - Double(index), unique: "big\(index)")
            }
            let oldest = state.queued[0]
            try await sandbox.injectFault(#"{"mode":"hang","path":"/v1/hooks"}"#)
            let result = try await CLI.run(
                ["hook", "Stop"], api: sandbox.apiURL, token: token,
                environment: state.environment.merging(["PLENAR_TIMEOUT_MS": "300"]) { $1 }, stdin: Data(padding.prefix(400_000).utf8))
            #expect(result.status == 0)
            #expect(result.stderr.contains("dropped the 1 oldest"), "\(result.stderr)")
            #expect(state.queued.count == 5)
            #expect(!state.queued.contains(oldest))
            let total = try state.queued.reduce(0) { sum, name in
                sum + (try FileManager.default.attributesOfItem(atPath: state.folder + "/" + name)[.size] as? Int ?? 0)
            }
            #expect(total <= 5 << 20)
        }
    }

    @Test("a corrupt spool file is set aside (renamed), never a crash; the good records are still sent")
    func corrupt() async throws {
        let state = State()
        defer { state.remove() }
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            try state.write(Self.record(sandbox, kind: "good", token: token, key: "good"), unique: "good")
            let bad = SpoolName(
                created: Int64(Date().timeIntervalSince1970 * 1000) - 120_000, unique: "bad", size: 9,
                credential: SpooledRecord.credential(token)
            ).text
            try Data("{\"v\":1,\n\u{0}".utf8).write(to: URL(fileURLWithPath: state.folder + "/" + bad))
            let result = try await CLI.run(["flush", "--json"], api: sandbox.apiURL, token: token, environment: state.environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("a spool file does not parse: set aside as \(state.folder)/\(bad).corrupt"), "\(result.stderr)")
            #expect(result.stdout.contains(#""sent":1"#) && result.stdout.contains(#""set_aside":1"#), "\(result.stdout)")
            #expect(state.names() == [bad + ".corrupt"])
            #expect(try await Self.signals(sandbox) == ["good"])
        }
    }

    /// Runs `count` bodies at once and collects their results in order.
    static func all(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> CLI.Result) async throws -> [CLI.Result] {
        try await withThrowingTaskGroup(of: (Int, CLI.Result).self) { group in
            for index in 0..<count { group.addTask { (index, try await body(index)) } }
            var results: [(Int, CLI.Result)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
