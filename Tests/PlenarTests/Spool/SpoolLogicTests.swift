import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

/// The spool at the logic layer: a fake folder in memory, a scripted transport that fails on any
/// request it did not expect, a clock that moves only when told.
@Suite("Spool: what is kept, the bounds, the order, the claim protocol, with fakes")
struct SpoolLogicTests {
    static let token = "pko_" + String(repeating: "Ab3", count: 12)
    static let api = "http://127.0.0.1:9/v1"
    static let signals = ("POST", api + "/signals")
    static let accepted = Result<HTTPReply, TransportError>.success(HTTPReply(status: 202, body: Array(#"{"id":"sig_1"}"#.utf8)))

    struct Setup {
        let clock = FakeClock()
        let spool = FakeSpool(folder: "/state/plenar/spool")
        let stderr = Captured()
        let stdout = Captured()
        let counter = Counter()
        var transport: ScriptedTransport

        init(_ steps: [ScriptedTransport.Step] = []) {
            transport = ScriptedTransport(clock: clock, steps)
        }

        func context(token: String? = SpoolLogicTests.token, extra: [String: String] = [:]) -> PlenarContext {
            var environment = ["PLENAR_API_URL": SpoolLogicTests.api, "XDG_STATE_HOME": "/state", "PLENAR_TIMEOUT_MS": "1000"]
            environment["PLENAR_TOKEN"] = token
            environment.merge(extra) { $1 }
            var context = PlenarContext.fake(
                environment: environment, clock: clock, transport: transport, stdout: stdout, stderr: stderr)
            context.spool = spool
            let counter = counter
            context.random = { counter.next($0) }
            return context
        }

        /// One signal; the wall clock then moves on a second, so records sort by when they were made.
        func signal(_ kind: String = "deploy", token: String? = SpoolLogicTests.token) -> Int32 {
            defer { clock.wall += 1 }
            return SignalCommand(kind: kind).run(context(token: token))
        }
    }

    static func step(_ answer: Result<HTTPReply, TransportError>, takes: Duration = .zero) -> ScriptedTransport.Step {
        ScriptedTransport.Step(expect: signals, takes: takes, answer: answer)
    }

    static func error(_ status: Int, _ code: String) -> Result<HTTPReply, TransportError> {
        .success(HTTPReply(status: status, retryAfter: "0", body: Array(#"{"error":{"code":"\#(code)","message":"m"}}"#.utf8)))
    }

    static let down = step(.failure(.network("Connection refused")))

    static func kind(_ request: HTTPRequestSpec) -> String? {
        guard let body = request.body, let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) else { return nil }
        return value["kind"]?.stringValue
    }

    // MARK: Parts

    @Test("SHA-256 of the standard's examples (FIPS 180-2 appendix B)")
    func sha256() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("names: queued, claimed and set aside read back; anything else is not a spool file")
    func names() throws {
        let name = SpoolName(created: 1_800_000_000_000, unique: "abc123", size: 42, credential: "0123456789abcdef")
        #expect(name.text == "001800000000000-abc123-42-0123456789abcdef.rec")
        #expect(SpoolName(name.text) == name)
        let claimed = name.with(.claimed(until: 1_800_000_060_000))
        #expect(claimed.text == "001800000000000-abc123-42-0123456789abcdef.rec.001800000060000.claimed")
        #expect(SpoolName(claimed.text) == claimed)
        #expect(SpoolName(name.with(.setAside).text) == name.with(.setAside))
        for junk in [
            "notes.txt", "x.rec", "1-a-2-0123456789abcdef.rec", "001800000000000-abc-x-0123456789abcdef.rec",
            "001800000000000-a b-1-0123456789abcdef.rec", "001800000000000-abc-1.rec", "001800000000000-abc-1-0123456789ABCDEF.rec",
            "001800000000000-abc-1-0123456789abcdef.rec.tmp", ".tmp.rec.plenar-XXXX",
            // A size no record can have (a step can write anything in $RUNNER_TEMP): ignored, so
            // the bounds' sum cannot overflow.
            "001800000000000-abc-9223372036854775807-0123456789abcdef.rec",
        ] {
            #expect(SpoolName(junk) == nil, "\(junk)")
        }
        #expect(
            SpoolName(created: 2, unique: "b", size: 1, credential: "0123456789abcdef")
                > SpoolName(created: 1, unique: "z", size: 1, credential: "0123456789abcdef"))
    }

    @Test("where: the job's RUNNER_TEMP in Actions, else XDG_STATE_HOME, else HOME; relative paths are not used")
    func location() {
        #expect(Spool.folder(["GITHUB_ACTIONS": "true", "RUNNER_TEMP": "/rt/", "HOME": "/h"]) == "/rt/plenar-spool")
        #expect(Spool.folder(["RUNNER_TEMP": "/rt", "HOME": "/h"]) == "/h/.local/state/plenar/spool")
        #expect(Spool.folder(["XDG_STATE_HOME": "/x", "HOME": "/h"]) == "/x/plenar/spool")
        #expect(Spool.folder(["XDG_STATE_HOME": "x", "HOME": "/h"]) == "/h/.local/state/plenar/spool")
        #expect(Spool.folder(["HOME": "h"]) == nil)
        #expect(Spool.folder([:]) == nil)
    }

    // MARK: What is kept

    @Test(
        "no answer (timeout, refused, 5xx, 429 twice): spooled with its Idempotency-Key, warned as spooled, exit 0",
        arguments: [0, 1, 2, 3])
    func kept(situation: Int) throws {
        let steps: [ScriptedTransport.Step] =
            switch situation {
            case 0: [Self.step(Self.accepted, takes: .seconds(5))]
            case 1: [Self.step(.failure(.network("Connection refused")))]
            case 2: [Self.step(Self.error(503, "unavailable"))]
            default: [Self.step(Self.error(429, "rate_limited")), Self.step(Self.error(429, "rate_limited"))]
            }
        let setup = Setup(steps)
        #expect(setup.signal() == 0)
        #expect(setup.transport.steps.isEmpty && setup.transport.unexpected.isEmpty)
        #expect(setup.stderr.text.contains("signal spooled in /state/plenar/spool"), "\(setup.stderr.text)")
        #expect(!setup.stderr.text.contains("not sent"))
        let name = try #require(setup.spool.queued.first)
        #expect(setup.spool.queued.count == 1)
        let file = try #require(setup.spool.files[name])
        let record = try #require(SpooledRecord(file))
        let sent = try #require(setup.transport.received.last?.request)
        #expect(record.header.idempotencyKey == sent.header("Idempotency-Key"))
        #expect(record.body == sent.body)
        #expect(record.header.path == "/signals" && record.header.api == Self.api)
        #expect(record.header.credential == SpooledRecord.credential(Self.token))
        #expect(SpoolName(name)?.size == setup.spool.files[name]?.count)
        let text = String(decoding: setup.spool.files[name]!, as: UTF8.self)
        #expect(!text.contains(Self.token) && !text.contains(String(Self.token.dropFirst(4))), "the token is never in the spool")
    }

    @Test("refused for credentials, invalid, TLS, a redirect: never spooled", arguments: [401, 403, 422, 400, 413, 0, 301])
    func notKept(status: Int) {
        let answer: Result<HTTPReply, TransportError> =
            status == 0 ? .failure(.tls("certificate")) : Self.error(status, ErrorCode.forStatus(status).rawValue)
        let setup = Setup([Self.step(answer)])
        _ = setup.signal()
        #expect(setup.spool.files.isEmpty)
        #expect(!setup.stderr.text.contains("spooled"))
        #expect(!setup.spool.touched.contains("add"))
    }

    @Test("no token: the spool is never touched, not even listed")
    func tokenless() {
        let setup = Setup()
        setup.spool.exists = true
        #expect(setup.signal(token: nil) == 0)
        #expect(FlushCommand(json: true).run(setup.context(token: nil)) == 0)
        #expect(setup.spool.touched.isEmpty)
        #expect(setup.stdout.text.isEmpty)
    }

    @Test("a spool that cannot be written: warned, and the record is reported not sent, exit 0")
    func unwritable() {
        let setup = Setup([Self.step(.failure(.network("Connection refused")))])
        setup.spool.failAdd = true
        #expect(setup.signal() == 0)
        #expect(setup.stderr.text.contains("cannot keep the signal in the spool"))
        #expect(setup.stderr.text.contains("signal not sent"))
    }

    @Test("a record larger than a flush reads back is not spooled: warned, reported not sent, exit 0")
    func oversized() {
        let setup = Setup([Self.step(.failure(.network("Connection refused")))])
        #expect(setup.signal(String(repeating: "k", count: SpooledRecord.maximumFile)) == 0)
        #expect(setup.spool.files.isEmpty, "nothing a flush would set aside as corrupt")
        #expect(setup.stderr.text.contains("a spooled record may be"), "\(setup.stderr.text)")
        #expect(setup.stderr.text.contains("signal not sent"))
    }

    // MARK: Sending later

    @Test("the next call sends the spooled records first, oldest first, each with its first Idempotency-Key, within one deadline")
    func order() throws {
        // One: down. Two: one again (down), then two (down). Three: one, two, three.
        let setup = Setup([
            Self.down, Self.down, Self.down,
            Self.step(Self.accepted, takes: .milliseconds(200)), Self.step(Self.accepted, takes: .milliseconds(300)),
            Self.step(Self.accepted),
        ])
        _ = setup.signal("one")
        _ = setup.signal("two")
        #expect(setup.spool.queued.count == 2)
        let keys = setup.transport.received.map { $0.request.header("Idempotency-Key") }
        #expect(keys[0] == keys[1], "a spooled record is sent again with its first key")
        #expect(setup.signal("three") == 0)
        let received = setup.transport.received.map(\.request)
        #expect(received.suffix(3).map(Self.kind) == ["one", "two", "three"])
        #expect(received[3].header("Idempotency-Key") == keys[0] && received[4].header("Idempotency-Key") == keys[2])
        #expect(![keys[0], keys[2]].contains(received[5].header("Idempotency-Key")))
        #expect(setup.spool.files.isEmpty)
        #expect(setup.stderr.text.contains("sent 2 spooled records"))
        // One deadline: each request of the third call got only what was left of the same 1000 ms.
        #expect(setup.transport.received.suffix(3).map(\.timeout) == [.milliseconds(1000), .milliseconds(800), .milliseconds(500)])
    }

    @Test("the service still away: the first spooled record is released in its place, the rest untouched, the new one spooled too")
    func stillDown() throws {
        let setup = Setup([Self.down, Self.down, Self.down, Self.down, Self.down])
        _ = setup.signal("one")
        _ = setup.signal("two")
        let before = setup.spool.queued
        #expect(setup.signal("three") == 0)
        #expect(setup.transport.steps.isEmpty)
        #expect(setup.transport.received.suffix(2).map { Self.kind($0.request) } == ["one", "three"])
        #expect(setup.spool.claimed.isEmpty)
        #expect(setup.spool.queued.count == 3)
        #expect(Array(setup.spool.queued.prefix(2)) == before, "released under its own name: its place is kept")
    }

    @Test("a timeout while flushing leaves no time for the call's own record, which is spooled without a request")
    func deadlineShared() {
        let setup = Setup([Self.down, Self.step(Self.accepted, takes: .seconds(2))])
        _ = setup.signal("one")
        #expect(setup.signal("two") == 0)
        #expect(setup.transport.received.count == 2, "no request once the deadline is spent")
        #expect(setup.spool.queued.count == 2)
        #expect(setup.stderr.text.contains("signal spooled"))
    }

    @Test("work on the spool counts against the deadline too: past it, no record is even claimed, and the call's own is spooled")
    func deadlineLocal() throws {
        let setup = Setup([Self.down])
        let created = Int64(setup.clock.wall.timeIntervalSince1970 * 1000) - 1000
        _ = setup.signal("one")
        // This key's record for another API: claimed, read and released. Let that take the whole deadline.
        let record = SpooledRecord(
            header: .init(
                path: "/signals", idempotencyKey: "k", api: "http://127.0.0.1:8/v1", credential: SpooledRecord.credential(Self.token),
                namesProject: false, what: "signal"),
            body: Array("{}".utf8))
        let bytes = try record.encoded()
        setup.spool.files[SpoolName(created: created, unique: "elsewhere", size: bytes.count, credential: record.header.credential).text] =
            bytes
        let clock = setup.clock
        setup.spool.beforeMove = { _, to in if to.hasSuffix(".rec") { clock.current += .seconds(2) } }
        let before = setup.spool.touched.count
        #expect(setup.signal("two") == 0)
        #expect(setup.transport.received.count == 1, "no request after the deadline")
        #expect(
            setup.spool.touched[before...].filter { $0 == "move" }.count == 2, "one claim and its release; the next record is left alone")
        #expect(setup.spool.queued.count == 3)
    }

    @Test("a spooled record the service refuses (403, 400) is dropped with a warning; 401 stops, keeps it, and ends the call as 401")
    func refusedLater() {
        let setup = Setup([
            Self.down, Self.down, Self.down, Self.step(Self.error(403, "project_not_allowed")),
            Self.step(Self.error(400, "invalid_request")),
            Self.step(Self.accepted),
        ])
        _ = setup.signal("one")
        _ = setup.signal("two")
        #expect(setup.signal("three") == 0)
        #expect(setup.transport.steps.isEmpty)
        #expect(setup.spool.files.isEmpty)
        #expect(setup.stderr.text.contains("the service refused 2 spooled records"))

        let revoked = Setup([Self.down, Self.step(Self.error(401, "token_revoked"))])
        _ = revoked.signal("one")
        #expect(revoked.signal("two") == 2, "the credentials are wrong: exit 2, as ever")
        #expect(revoked.stderr.text.contains("was revoked"))
        #expect(revoked.spool.queued.count == 1)
        #expect(revoked.transport.received.count == 2, "the call's own record is not sent with a key just refused")
    }

    @Test("records of another key or another API stay for their own key")
    func otherCredentials() throws {
        let setup = Setup([Self.step(.failure(.network("down")))])
        _ = setup.signal("one")
        let other = Setup([Self.step(Self.accepted)])
        other.spool.files = setup.spool.files
        other.spool.exists = true
        #expect(other.signal("mine", token: "pko_" + String(repeating: "Zz9", count: 12)) == 0)
        #expect(other.transport.received.count == 1)
        #expect(other.spool.queued.count == 1)
    }

    // MARK: Bounds

    static func seed(_ spool: FakeSpool, count: Int, size: Int = 100, created: Int64 = 1_800_000_000_000 - 1000) {
        spool.exists = true
        for index in 0..<count {
            spool.files[
                SpoolName(created: created + Int64(index) / 1000, unique: "s\(index)", size: size, credential: "0123456789abcdef").text] =
                Array(
                    repeating: 0x20, count: 1)
        }
    }

    @Test("at most 1,000 records: the oldest dropped, counted in the warning; the new one kept")
    func countCap() throws {
        let setup = Setup()
        Self.seed(setup.spool, count: 1000)
        let oldest = setup.spool.queued.first
        let context = setup.context()
        let spool = try #require(Spool(context: context))
        let trim = try spool.add(
            SpooledRecord(
                header: .init(
                    path: "/signals", idempotencyKey: "k", api: Self.api, credential: "0123456789abcdef", namesProject: false,
                    what: "signal"),
                body: Array("{}".utf8)))
        #expect(trim == Spool.Trim(expired: 0, dropped: 1))
        #expect(setup.spool.queued.count == 1000)
        #expect(!setup.spool.queued.contains(try #require(oldest)))
        spool.report(trim, reporter: Reporter(context: context, secrets: []))
        #expect(setup.stderr.text.contains("holds at most 1000 records or 5 MiB: dropped the 1 oldest"))
    }

    @Test("at most 5 MiB: the oldest dropped until the rest fits")
    func sizeCap() throws {
        let setup = Setup()
        Self.seed(setup.spool, count: 6, size: 1 << 20)
        let spool = try #require(Spool(context: setup.context()))
        let trim = spool.trim()
        #expect(trim.dropped == 1, "six of 1 MiB: the oldest goes, five (5 MiB, the bound itself) stay")
        #expect(setup.spool.queued.count == 5)
        #expect(setup.spool.queued.allSatisfy { !$0.contains("-s0-") })
    }

    @Test("claimed records count toward the bounds but are left to their sender")
    func claimedCount() throws {
        let setup = Setup()
        Self.seed(setup.spool, count: 1001)
        let claimedName = try #require(setup.spool.queued.first)
        let claim = try #require(SpoolName(claimedName)).with(.claimed(until: 1_900_000_000_000)).text
        setup.spool.files[claim] = setup.spool.files.removeValue(forKey: claimedName)
        let trim = try #require(Spool(context: setup.context())).trim()
        #expect(trim.dropped == 1)
        #expect(setup.spool.files[claim] != nil)
        #expect(setup.spool.files.count == 1000)
    }

    @Test("records older than 24 h are dropped, counted, never sent")
    func age() throws {
        let setup = Setup([Self.step(Self.accepted)])
        let now = Int64(setup.clock.wall.timeIntervalSince1970 * 1000)
        Self.seed(setup.spool, count: 2, created: now - 24 * 3600 * 1000 - 1)
        #expect(setup.signal("fresh") == 0)
        #expect(setup.transport.received.count == 1)
        #expect(setup.spool.files.isEmpty)
        #expect(setup.stderr.text.contains("dropped 2 spooled records older than 24 h"))
    }

    // MARK: Corrupt files and the claim protocol

    @Test("a file that does not parse is set aside (renamed), warned about, and the others are still sent")
    func corrupt() throws {
        let setup = Setup([Self.down, Self.step(Self.accepted), Self.step(Self.accepted)])
        let created = Int64(setup.clock.wall.timeIntervalSince1970 * 1000) - 1000
        _ = setup.signal("one")
        let garbage: [[UInt8]] = [
            Array("not json\n{}".utf8),
            Array(#"{"v":1,"path":"/admin","idempotency_key":"k","api":"a","credential":"c","names_project":false,"what":"x"}"#.utf8) + [
                10, 123, 125,
            ], [0xFF, 0xFE],
        ]
        for (index, bytes) in garbage.enumerated() {
            setup.spool.files[
                SpoolName(
                    created: created, unique: "bad\(index)", size: bytes.count, credential: SpooledRecord.credential(Self.token)
                ).text] = bytes
        }
        #expect(setup.signal("two") == 0)
        #expect(setup.transport.received.suffix(2).map { Self.kind($0.request) } == ["one", "two"])
        #expect(setup.spool.setAside.count == 3)
        #expect(setup.spool.queued.isEmpty)
        #expect(setup.stderr.text.contains("a spool file does not parse: set aside as /state/plenar/spool/00\(created)-bad0-"))
    }

    @Test("a record another process claims first is left to it: never sent twice")
    func lostRace() throws {
        let setup = Setup([Self.down, Self.down, Self.down, Self.step(Self.accepted), Self.step(Self.accepted)])
        _ = setup.signal("one")
        _ = setup.signal("two")
        let first = try #require(setup.spool.queued.first)
        let spool = setup.spool
        spool.beforeMove = { from, _ in
            // Another process renames the oldest record at the same moment, and wins.
            if from == first, let bytes = spool.files.removeValue(forKey: from) { spool.files[from + ".001900000000000.claimed"] = bytes }
        }
        #expect(setup.signal("three") == 0)
        #expect(setup.transport.received.suffix(2).map { Self.kind($0.request) } == ["two", "three"])
        #expect(setup.spool.claimed == [first + ".001900000000000.claimed"], "the winner's claim is untouched")
    }

    @Test("a claim past its end (its process died) goes back to the queue and is sent; a live claim is left alone")
    func abandonedClaim() throws {
        let setup = Setup([Self.down, Self.down, Self.down, Self.step(Self.accepted), Self.step(Self.accepted)])
        _ = setup.signal("dead")
        _ = setup.signal("live")
        let now = Int64(setup.clock.wall.timeIntervalSince1970 * 1000)
        let queued = setup.spool.queued.compactMap(SpoolName.init)
        for (name, until) in zip(queued, [now - 1, now + 60_000]) {
            setup.spool.files[name.with(.claimed(until: until)).text] = setup.spool.files.removeValue(forKey: name.text)
        }
        #expect(setup.signal("three") == 0)
        #expect(setup.transport.received.suffix(2).map { Self.kind($0.request) } == ["dead", "three"])
        #expect(setup.spool.claimed.count == 1 && setup.spool.queued.isEmpty)
    }

    @Test("a claim lasts the claimer's deadline and a minute: whatever is left of it when claimed")
    func claimLength() throws {
        let setup = Setup([Self.step(.failure(.network("down")))])
        _ = setup.signal("one")
        var until: Int64?
        setup.spool.beforeMove = { _, to in
            until = until ?? SpoolName(to).flatMap { if case let .claimed(value) = $0.state { value } else { nil } }
        }
        setup.transport.steps = [Self.step(Self.accepted), Self.step(Self.accepted)]
        let now = Int64(setup.clock.wall.timeIntervalSince1970 * 1000)
        _ = setup.signal("two")
        #expect(until == now + 1000 + 60_000)
    }

    // MARK: flush

    @Test("flush --json: what was sent and what is left; a flush that finds the service away says how many stay spooled")
    func flushReport() throws {
        let setup = Setup([Self.down, Self.down, Self.down, Self.step(Self.accepted), Self.step(.failure(.timedOut))])
        _ = setup.signal("one")
        _ = setup.signal("two")
        setup.stderr.text = ""
        #expect(FlushCommand(json: true).run(setup.context()) == 0)
        let report = try JSONDecoder().decode(JSONValue.self, from: Data(setup.stdout.text.utf8))
        #expect(
            report
                == .object([
                    "folder": .string("/state/plenar/spool"), "sent": .number(1), "left": .number(1), "expired": .number(0),
                    "refused": .number(0), "set_aside": .number(0),
                ]))
        #expect(setup.stderr.text.contains("1 record stays spooled in /state/plenar/spool"), "\(setup.stderr.text)")

        let empty = Setup()
        #expect(FlushCommand(json: true).run(empty.context()) == 0)
        #expect(empty.stdout.text == #"{"expired":0,"folder":"/state/plenar/spool","left":0,"refused":0,"sent":0,"set_aside":0}"# + "\n")
        #expect(empty.stderr.text.isEmpty)
        #expect(empty.spool.touched == ["names"], "a missing folder: one look, and nothing made")
    }
}
