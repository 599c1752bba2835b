import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

/// The failure contract's whole table at the logic layer: every command in every situation, each
/// against a fake context whose transport answers from a script and fails the test on any
/// request it did not expect, or one it expected and never got. (The end-to-end layer keeps one
/// cell per row and command family: `FailureContractTests`.)
@Suite("The failure contract, every command × every situation, with fakes")
struct ContractLogicTests {
    static let token = "pko_" + String(repeating: "Ab3", count: 12)
    static let api = "http://127.0.0.1:9/v1"

    enum Command: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case signal, hook, run, connect, status, whoami
        var testDescription: String { rawValue }
        var request: (String, String) {
            switch self {
            case .signal: ("POST", ContractLogicTests.api + "/signals")
            case .hook: ("POST", ContractLogicTests.api + "/hooks")
            case .run: ("POST", ContractLogicTests.api + "/runs")
            case .connect, .status, .whoami: ("GET", ContractLogicTests.api + "/whoami")
            }
        }
        var isProbe: Bool { self == .connect || self == .status || self == .whoami }

        func run(_ context: PlenarContext) -> Int32 {
            switch self {
            case .signal: SignalCommand(kind: "deploy").run(context)
            case .hook: HookCommand(event: "Stop").run(context)
            case .run: RunCommand(command: ["true"]).run(context).status
            case .connect: ConnectCommand().run(context)
            case .status: StatusCommand(json: false).run(context)
            case .whoami: StatusCommand(json: true).run(context)
            }
        }
    }

    enum Situation: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case unset, malformed, insecureURL, userinfoURL, unauthorized, forbidden, projectRequired, timeout, refused, tls, serverError,
            pathNotFound, redirect, oversized, rateLimitedTwice, rateLimitedOnce, retryAfterTooLong, badTimeout, accepted
        var testDescription: String { rawValue }
    }

    /// What the contract says for a cell: exit status, the kind of line on stderr, requests made.
    struct Cell: Equatable, CustomStringConvertible {
        var status: Int32
        var line: String?
        var requests: Int
        var description: String { "exit \(status), \(line ?? "no") line, \(requests) request(s)" }
    }

    static func expected(_ command: Command, _ situation: Situation) -> Cell {
        let telemetry = !command.isProbe
        switch situation {
        case .unset: return telemetry ? Cell(status: 0, line: "warning", requests: 0) : Cell(status: 2, line: "error", requests: 0)
        case .malformed, .insecureURL, .userinfoURL: return Cell(status: 2, line: "error", requests: 0)
        case .unauthorized, .forbidden, .projectRequired: return Cell(status: 2, line: "error", requests: 1)
        case .timeout, .refused, .tls, .serverError, .pathNotFound, .redirect, .oversized, .retryAfterTooLong:
            return Cell(status: telemetry ? 0 : 1, line: telemetry ? "warning" : "error", requests: 1)
        case .rateLimitedTwice: return Cell(status: telemetry ? 0 : 1, line: telemetry ? "warning" : "error", requests: 2)
        case .rateLimitedOnce: return Cell(status: 0, line: nil, requests: 2)
        case .badTimeout: return Cell(status: 0, line: "warning", requests: 1)
        case .accepted: return Cell(status: 0, line: nil, requests: 1)
        }
    }

    static func success(_ command: Command) throws -> HTTPReply {
        command.isProbe ? try ConnectFilesTests.whoami() : HTTPReply(status: 202, body: Array(#"{"id":"rec_1"}"#.utf8))
    }

    static func error(_ status: Int, _ code: String) -> Result<HTTPReply, TransportError> {
        .success(HTTPReply(status: status, body: Array(#"{"error":{"code":"\#(code)","message":"m"}}"#.utf8)))
    }

    @Test("each cell: exit status, warning or error, the requests made and no other", arguments: Command.allCases, Situation.allCases)
    func cell(command: Command, situation: Situation) throws {
        var environment = ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": Self.api, "PLENAR_PROJECT_ID": "PLEN-DEMO"]
        var answers: [Result<HTTPReply, TransportError>] = []
        var takes: Duration = .zero
        switch situation {
        case .unset: environment["PLENAR_TOKEN"] = nil
        case .malformed: environment["PLENAR_TOKEN"] = "Bearer " + Self.token
        case .insecureURL: environment["PLENAR_API_URL"] = "http://plenar.example.com/v1"
        case .userinfoURL: environment["PLENAR_API_URL"] = "https://u:p@api.example.com/v1"
        case .unauthorized: answers = [Self.error(401, "token_revoked")]
        case .forbidden: answers = [Self.error(403, "insufficient_scope")]
        case .projectRequired: answers = [Self.error(422, "project_required")]
        case .timeout: (answers, takes) = ([.success(HTTPReply(status: 200))], .seconds(60))
        case .refused: answers = [.failure(.network("Connection refused"))]
        case .tls: answers = [.failure(.tls("certificate verify failed"))]
        case .serverError: answers = [Self.error(503, "unavailable")]
        case .pathNotFound: answers = [.success(HTTPReply(status: 404))]
        case .redirect: answers = [.success(HTTPReply(status: 302))]
        case .oversized: answers = [.failure(.oversized(limit: 4 << 20))]
        case .rateLimitedTwice:
            answers = [.success(HTTPReply(status: 429, retryAfter: "1")), .success(HTTPReply(status: 429, retryAfter: "1"))]
        case .rateLimitedOnce: answers = [.success(HTTPReply(status: 429, retryAfter: "1")), .success(try Self.success(command))]
        case .retryAfterTooLong: answers = [.success(HTTPReply(status: 429, retryAfter: "99999"))]
        case .badTimeout:
            environment["PLENAR_TIMEOUT_MS"] = "soon"
            answers = [.success(try Self.success(command))]
        case .accepted: answers = [.success(try Self.success(command))]
        }
        let clock = FakeClock()
        let transport = ScriptedTransport(clock: clock, answers.map { .init(expect: command.request, takes: takes, answer: $0) })
        let stderr = Captured(), stdout = Captured()
        let files = FakeFiles()
        var context = PlenarContext.fake(
            environment: environment, clock: clock, transport: transport, stdout: stdout, stderr: stderr, files: files)
        context.children = SucceedingChild()
        let status = command.run(context)

        let lines = stderr.text.split(separator: "\n").map(String.init)
        let line =
            lines.contains { $0.hasPrefix("plenar: error:") }
            ? "error" : lines.contains { $0.hasPrefix("plenar: warning:") } ? "warning" : nil
        let actual = Cell(status: status, line: line, requests: transport.received.count)
        #expect(actual == Self.expected(command, situation), "\(stderr.text)")
        #expect(transport.unexpected.isEmpty, "unexpected requests: \(transport.unexpected)")
        #expect(transport.steps.isEmpty, "expected requests never made: \(transport.steps.map(\.expect))")
        #expect(!stderr.text.contains(Self.token) && !stdout.text.contains(Self.token))
        if status != 0 { #expect(files.files.isEmpty, "a command that failed wrote \(files.files.keys.sorted())") }
    }

    /// `plenar run`'s command: exits 0 at once, with no output.
    struct SucceedingChild: ChildRunner {
        func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
            _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
        ) -> ChildOutcome {
            ChildOutcome(termination: .exited(0), started: .zero, ended: .zero)
        }
    }
}
