import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

/// Issue 17's defects at the logic layer: each test failed before its fix.
@Suite("Hardening: bytes, bounds and honest messages")
struct HardeningTests {
    static let token = "pko_" + String(repeating: "Ab3", count: 12)
    static let api = "http://127.0.0.1:9/v1"
    static let latin1: [UInt8] = Array("p".utf8) + [0xE4] + Array("sswort-latin1".utf8)

    /// A command that writes `output` to stdout through plenar's filter and records what it was given.
    final class RecordingChildren: ChildRunner, @unchecked Sendable {
        var output: [UInt8] = []
        var argv: [[UInt8]] = []
        var environment: [[UInt8]] = []
        var written: [UInt8] = []

        func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
            _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
        ) -> ChildOutcome {
            self.argv = argv
            self.environment = environment
            output.withUnsafeBytes { stdout.process($0) { self.written += $0 } }
            stdout.finish { self.written += $0 }
            return ChildOutcome(termination: .exited(0), started: .zero, ended: .zero)
        }
    }

    static func context(
        environment: [String: String] = [:], bytes: [[UInt8]]? = nil, children: RecordingChildren = RecordingChildren(),
        transport: any HTTPTransport = NoNetwork(), stderr: Captured = Captured(), stdin: FakeInput = FakeInput(),
        clock: FakeClock = FakeClock()
    ) -> PlenarContext {
        var context = PlenarContext.fake(environment: environment, clock: clock, transport: transport, stderr: stderr, stdin: stdin)
        context.children = children
        if let bytes { context.environmentBytes = bytes }
        return context
    }

    // MARK: 2 and 3: argv, environment and secrets are bytes

    @Test("the command gets argv and the environment byte for byte, plus PLENAR_RUN_ID")
    func bytesReachTheCommand() {
        let children = RecordingChildren()
        let entries: [[UInt8]] = [Array("X=a".utf8) + [0xE4] + Array("b".utf8), Array("PATH=/bin".utf8), Array("PLENAR_RUN_ID=old".utf8)]
        let argv: [[UInt8]] = [Array("printf".utf8), Array("%s".utf8), [0x61, 0xE4, 0x62], [0xFF, 0xFE]]
        _ = RunCommand(command: argv).run(Self.context(bytes: entries, children: children))
        #expect(children.argv == argv)
        #expect(Array(children.environment.prefix(2)) == Array(entries.prefix(2)))
        #expect(children.environment.count == 3)
        #expect(
            children.environment.last.map { String(decoding: $0, as: UTF8.self) } == "PLENAR_RUN_ID=run_"
                + String(repeating: "r", count: 24))
    }

    @Test("plenar run's words: the command after the first --, and each --mask and --mask-env, as bytes; the rest for the parser")
    func rawWords() {
        let words = RunArguments([
            Array("run".utf8), Array("--name".utf8), Array("--mask".utf8), Array("--mask".utf8), Self.latin1, Array("--mask=ab\u{E4}".utf8),
            Array("--mask-env".utf8), Array("K".utf8), Array("--mask-env=L".utf8), Array("--json".utf8),
            Array("--".utf8), Array("printf".utf8), [0x61, 0xE4, 0x62], Array("--".utf8), Array("--mask".utf8), Array("x".utf8),
        ])
        #expect(words.parserArguments == ["run", "--name", "--mask", "--json", "--", "printf", "a\u{FFFD}b", "--", "--mask", "x"])
        #expect(words.command == [Array("printf".utf8), [0x61, 0xE4, 0x62], Array("--".utf8), Array("--mask".utf8), Array("x".utf8)])
        #expect(words.masks == [Self.latin1, Array("ab\u{E4}".utf8)])
        #expect(words.maskVariables == ["K", "L"])
        // A --mask with no value is the parser's to report.
        let missing = RunArguments([Array("run".utf8), Array("--mask".utf8), Array("--".utf8), Array("true".utf8)])
        #expect(missing.parserArguments == ["run", "--mask", "--", "true"] && missing.masks.isEmpty)
        #expect(RunArguments([Array("run".utf8), Array("--mask".utf8)]).parserArguments == ["run", "--mask"])
        #expect(RunArguments([Array("run".utf8)]).command == nil)
    }

    @Test("ten thousand --mask-env options are read in one pass, and the parser gets none of them")
    func manyMasks() throws {
        var arguments = [Array("run".utf8)]
        for index in 0..<10_000 { arguments += [Array("--mask-env".utf8), Array("M\(index)".utf8)] }
        let words = RunArguments(arguments + [Array("--".utf8), Array("true".utf8)])
        #expect(words.maskVariables.count == 10_000)
        #expect(words.parserArguments == ["run", "--", "true"])
    }

    @Test("secrets that are not UTF-8 are masked: --mask bytes, --mask-env and *_PASSWORD variables")
    func latin1Secrets() {
        let entries = [
            Array("DB_PASSWORD=".utf8) + Self.latin1 + Array("-db".utf8), Array("DEPLOY=".utf8) + Self.latin1 + Array("-env".utf8),
        ]
        let children = RecordingChildren()
        children.output = Self.latin1 + Array(" | ".utf8) + Self.latin1 + Array("-db | ".utf8) + Self.latin1 + Array("-env\n".utf8)
        let stderr = Captured()
        let command = RunCommand(command: [Array("x".utf8)], masks: [Self.latin1], maskVariables: ["DEPLOY"])
        _ = command.run(Self.context(environment: ["GITHUB_ACTIONS": "true"], bytes: entries, children: children, stderr: stderr))
        #expect(children.written == Array("*** | *** | ***\n".utf8), "\(String(decoding: children.written, as: UTF8.self))")
        #expect(stderr.text.contains("is not UTF-8"), "\(stderr.text)")
    }

    // MARK: 7: stdin has a bound

    @Test("hook: a stdin that stays open is read until the deadline; what came is sent, with a warning")
    func hookStdinBound() throws {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [
                .init(expect: ("POST", Self.api + "/hooks"), answer: .success(HTTPReply(status: 202, body: Array(#"{"id":"hk_1"}"#.utf8))))
            ])
        let stderr = Captured()
        let environment = ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": Self.api, "PLENAR_TIMEOUT_MS": "1000"]
        let status = HookCommand(event: "Stop").run(
            Self.context(
                environment: environment, transport: transport, stderr: stderr,
                stdin: FakeInput(bytes: Array(#"{"tool":"x"}"#.utf8), staysOpen: true), clock: clock))
        #expect(status == 0)
        #expect(transport.unexpected.isEmpty && transport.steps.isEmpty)
        let body = String(decoding: try #require(transport.received.first?.request.body), as: UTF8.self)
        #expect(body.contains(#""payload":{"tool":"x"}"#), "\(body)")
        #expect(stderr.text.contains("stdin stayed open past 1000 ms (PLENAR_TIMEOUT_MS)"), "\(stderr.text)")
    }

    @Test("connect --key -: the first line is the key, even when stdin stays open; empty stdin says so")
    func connectKeyFromStdin() {
        let stderr = Captured()
        let empty = ConnectCommand(key: "-", noMCP: true).run(Self.context(stderr: stderr, stdin: FakeInput(bytes: [])))
        #expect(empty == 2)
        #expect(stderr.text.contains("--key - reads the key from standard input, and standard input was empty"), "\(stderr.text)")
        #expect(!stderr.text.contains("PLENAR_TOKEN is not set"))
        let silent = Captured()
        #expect(ConnectCommand(key: "-", noMCP: true).run(Self.context(stderr: silent, stdin: FakeInput(bytes: [], staysOpen: true))) == 2)
        #expect(silent.text.contains("no key arrived on standard input within 10000 ms"), "\(silent.text)")
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: ("GET", Self.api + "/whoami"), answer: .success(HTTPReply(status: 401)))])
        let open = ConnectCommand(key: "-", apiURL: Self.api, noMCP: true)
            .run(
                Self.context(transport: transport, stdin: FakeInput(bytes: Array((Self.token + "\n").utf8), staysOpen: true), clock: clock))
        #expect(open == 2)
        #expect(transport.received.first?.request.header("Authorization") == "Bearer \(Self.token)")
    }

    // MARK: 8 and 9: what is printed of URLs and of the server's words

    @Test("a password in PLENAR_API_URL is refused and never printed")
    func urlUserinfo() {
        let stderr = Captured()
        let status = StatusCommand(json: false).run(
            Self.context(
                environment: ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": "https://ci-user:S3cretPassw0rd@api.example.com/v1"],
                stderr: stderr))
        #expect(status == 2)
        #expect(!stderr.text.contains("S3cretPassw0rd") && !stderr.text.contains("ci-user"), "\(stderr.text)")
        #expect(stderr.text.contains("https://…@api.example.com/v1"), "\(stderr.text)")
        #expect(stderr.text.contains("user name or password"))
        #expect(APIBaseURL.display("https://a:b@h:1/v1?x=@y") == "https://…@h:1/v1?x=@y")
        #expect(APIBaseURL.display("https://h/v1/a@b") == "https://h/v1/a@b")
    }

    @Test("a server's message is shown on one line with control characters escaped", arguments: [false, true])
    func serverText(inActions: Bool) {
        let clock = FakeClock()
        let message = "denied\n::warning::forged\u{1B}[2J\u{202E}"
        let body =
            #"{"error":{"code":"insufficient_scope","message":"# + (String(data: try! JSONEncoder().encode(message), encoding: .utf8)!)
            + "}}"
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: ("GET", Self.api + "/whoami"), answer: .success(HTTPReply(status: 403, body: Array(body.utf8))))])
        let stderr = Captured()
        var environment = ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": Self.api]
        if inActions { environment["GITHUB_ACTIONS"] = "true" }
        #expect(
            StatusCommand(json: false).run(Self.context(environment: environment, transport: transport, stderr: stderr, clock: clock)) == 2)
        #expect(stderr.text.filter { $0 == "\n" }.count == 1, "\(stderr.text)")
        #expect(!stderr.text.contains("\u{1B}") && !stderr.text.contains("\u{202E}"))
        #expect(stderr.text.contains(#"denied\n::warning::forged\u{1B}[2J\u{202E}"#), "\(stderr.text)")
    }

    // MARK: 11: messages that say what happened

    static func probe(_ reply: Result<HTTPReply, TransportError>, environment: [String: String] = [:]) -> (Int32, String, Int) {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [
                .init(expect: ("GET", Self.api + "/whoami"), answer: reply), .init(expect: ("GET", Self.api + "/whoami"), answer: reply),
            ])
        let stderr = Captured()
        let status = StatusCommand(json: false).run(
            Self.context(
                environment: ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": Self.api].merging(environment) { $1 }, transport: transport,
                stderr: stderr, clock: clock))
        return (status, stderr.text, transport.received.count)
    }

    @Test("a Retry-After longer than the deadline: not retried, and the message says so")
    func retryAfterTooLong() {
        for header in ["99999", "9999999999999999", "Fri, 01 Jan 2100 00:00:00 GMT"] {
            let (status, text, requests) = Self.probe(.success(HTTPReply(status: 429, retryAfter: header)))
            #expect(status == 1)
            #expect(requests == 1, "\(header) was retried")
            #expect(text.contains("not retried") && !text.contains("after one retry"), "\(text)")
        }
    }

    @Test("an oversized answer was reached; a redirect is named as one")
    func oversizedAndRedirect() {
        let (status, text, _) = Self.probe(.failure(.oversized(limit: 4 << 20)))
        #expect(status == 1)
        #expect(text.contains("more than 4 MiB") && !text.contains("cannot reach"), "\(text)")
        let redirect = Self.probe(.success(HTTPReply(status: 302)))
        #expect(redirect.0 == 1)
        #expect(redirect.1.contains("302, a redirect, which plenar does not follow") && !redirect.1.contains("internal"), "\(redirect.1)")
    }

    @Test("a cancelled run's report names its own 1 s limit, not PLENAR_TIMEOUT_MS")
    func cancelledReportTimeout() {
        final class Cancelled: ChildRunner, @unchecked Sendable {
            func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
                _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
            ) -> ChildOutcome {
                ChildOutcome(termination: .signaled(15), signal: 15, started: .zero, ended: .zero)
            }
        }
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: ("POST", Self.api + "/runs"), takes: .seconds(5), answer: .success(HTTPReply(status: 202)))])
        let stderr = Captured()
        var context = Self.context(
            environment: ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": Self.api, "PLENAR_TIMEOUT_MS": "10000"], transport: transport,
            stderr: stderr, clock: clock)
        context.children = Cancelled()
        let ending = RunCommand(command: ["sleep"]).run(context)
        #expect(ending.status == 143 && ending.signal == 15)
        #expect(stderr.text.contains("within 1000 ms (the limit on a cancelled run's report)"), "\(stderr.text)")
    }

    @Test("JSON as deep as it is long is JSON; broken JSON is not")
    func deepJSON() {
        let depth = 100_000
        let deep = Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        #expect(JSONSyntax.isValid(deep))
        #expect(!JSONSyntax.isValid(Array(deep.dropLast())))
        let valid = [#"{}"#, #"[]"#, #" {"a": [1, -2.5e+3, true, false, null, "x\"\u00e4\n"], "b": {}} "#, #""s""#, "0", "-0.1E-2"]
        let invalid = [
            "", "{", #"{"a"}"#, #"{"a":1,}"#, "[1,]", "01", "1.", "+1", #""\x""#, "\"a\u{01}\"", "tru", "[1] [2]", #"{1:2}"#, "NaN",
        ]
        for text in valid { #expect(JSONSyntax.isValid(Array(text.utf8)), "\(text)") }
        for text in invalid { #expect(!JSONSyntax.isValid(Array(text.utf8)), "\(text)") }
        #expect(!JSONSyntax.isValid([UInt8(ascii: "\""), 0xE4, UInt8(ascii: "\"")]))
    }

    @Test("--attr needs a key before the =")
    func attributes() {
        #expect(SignalCommand.attribute("=v") == nil)
        #expect(SignalCommand.attribute("novalue") == nil)
        #expect(SignalCommand.attribute("k=").map { [$0.key, $0.value] } == ["k", ""])
        #expect(SignalCommand.attribute("k=a=b").map { [$0.key, $0.value] } == ["k", "a=b"])
    }

    @Test("no token: the next step fits who reads it")
    func nextStep() {
        for (environment, step) in [
            ([:], "export PLENAR_TOKEN="), (["CI": "true"], "in this job's environment"),
            (["GITHUB_ACTIONS": "true", "CI": "true"], "this workflow's env"),
        ] {
            let stderr = Captured()
            #expect(StatusCommand(json: false).run(Self.context(environment: environment, stderr: stderr)) == 2)
            #expect(stderr.text.contains(step), "\(stderr.text)")
        }
    }
}
