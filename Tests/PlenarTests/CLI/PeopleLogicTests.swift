import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

/// Private files in memory.
final class FakeCredentials: CredentialStore, @unchecked Sendable {
    var files: [String: (bytes: [UInt8], mode: UInt32)] = [:]
    var refused: [String: String] = [:]
    var writes: [String] = []

    func read(_ path: String) -> PrivateFileRead {
        if let reason = refused[path] { return .refused(reason) }
        guard let file = files[path] else { return .absent }
        return file.mode & 0o077 != 0 ? .exposed(mode: file.mode) : .found(bytes: file.bytes, mode: file.mode)
    }

    func write(_ bytes: [UInt8], to path: String, privateFolder: Bool) throws(FileError) {
        if let reason = refused[path] { throw FileError(path: path, reason: "refused: \(reason)") }
        writes.append(path)
        files[path] = (bytes, 0o600)
    }

    func remove(_ path: String) throws(FileError) {
        files[path] = nil
    }

    func login(_ path: String, token: String, api: String) {
        let file = LoginFile(
            apiURL: api, token: token, user: UserRef(email: "a@b.c", name: "A"), organization: OrganizationRef(id: "org_1", name: "Acme"),
            createdAt: "2026-01-01T00:00:00Z"
        )
        files[path] = (Array(try! JSONEncoder().encode(file)), 0o600)
    }
}

final class FakeHelpers: HelperPrograms, @unchecked Sendable {
    var stderrIsTerminal: Bool
    var launched: [(String, String)] = []
    var ran: [(argv: [String], input: [UInt8])] = []

    init(terminal: Bool) { stderrIsTerminal = terminal }

    func launch(_ program: String, _ url: String, environment: [String: String]) -> Bool {
        launched.append((program, url))
        return true
    }

    func run(_ argv: [String], input: [UInt8], environment: [String: String], timeout: Duration) -> HelperOutcome {
        ran.append((argv, input))
        return HelperOutcome(status: 0)
    }
}

/// Standard input that must never be read.
struct UntouchableInput: ByteInput {
    var isTerminal: Bool { false }
    func read(limit: Int, timeout: Duration, untilNewline: Bool) -> InputRead {
        fatalError("plenar login read standard input")
    }
}

@Suite("People logic with fakes: precedence, login, browser")
struct PeopleLogicTests {
    static let session = "pls_" + String(repeating: "S", count: 40)
    static let org = "pko_" + String(repeating: "O", count: 40)
    static let file = "/home/u/.config/plenar/credentials"
    static let api = "https://api.plenar.dev/v1"

    func context(
        _ environment: [String: String], credentials: FakeCredentials, helpers: FakeHelpers = FakeHelpers(terminal: false),
        transport: any HTTPTransport = NoNetwork(), clock: FakeClock = FakeClock(), stderr: Captured = Captured(),
        stdout: Captured = Captured()
    ) -> PlenarContext {
        PlenarContext(
            environment: environment, clock: clock, stdout: stdout, stderr: stderr, stdin: UntouchableInput(), files: FakeFiles(),
            transport: transport, random: { String(repeating: "r", count: $0) }, credentials: credentials, helpers: helpers,
            spool: FakeSpool()
        )
    }

    @Test("--key > PLENAR_TOKEN > the login file; XDG_CONFIG_HOME > HOME; CI never reads the file unless PLENAR_USE_LOGIN=1")
    func precedence() {
        let store = FakeCredentials()
        store.login(Self.file, token: Self.session, api: Self.api)
        let home = ["HOME": "/home/u"]

        let fromFile = Settings(context: context(home, credentials: store))
        #expect(fromFile.token == Self.session)
        #expect(fromFile.tokenSource == "the login in \(Self.file)")
        #expect(fromFile.apiURLText == Self.api)
        let fromEnv = Settings(context: context(home.merging(["PLENAR_TOKEN": Self.org]) { $1 }, credentials: store))
        #expect(fromEnv.token == Self.org && fromEnv.tokenSource == "PLENAR_TOKEN" && fromEnv.login == .none)
        let fromFlag = Settings(context: context(home.merging(["PLENAR_TOKEN": Self.org]) { $1 }, credentials: store), token: "pko_flag")
        #expect(fromFlag.token == "pko_flag" && fromFlag.tokenSource == "--key")

        for ci in [["CI": "true"], ["GITHUB_ACTIONS": "true"], ["CI": "1"]] {
            let skipped = Settings(context: context(home.merging(ci) { $1 }, credentials: store))
            #expect(skipped.token == nil, "\(ci)")
            #expect(skipped.login == .skippedInCI(path: Self.file))
            let allowed = Settings(context: context(home.merging(ci) { $1 }.merging(["PLENAR_USE_LOGIN": "1"]) { $1 }, credentials: store))
            #expect(allowed.token == Self.session, "\(ci)")
        }
        #expect(Settings(context: context(home.merging(["CI": "false"]) { $1 }, credentials: store)).token == Self.session)

        let xdg = Settings(context: context(home.merging(["XDG_CONFIG_HOME": "/xdg"]) { $1 }, credentials: store))
        #expect(xdg.token == nil, "the file lives under XDG_CONFIG_HOME when it is set")

        let otherAPI = Settings(context: context(home.merging(["PLENAR_API_URL": "https://other.example/v1"]) { $1 }, credentials: store))
        #expect(otherAPI.token == nil, "a login is never sent to another API")
        #expect(otherAPI.warnings.first?.contains("is for \(Self.api), not https://other.example/v1") == true)

        store.files[Self.file]?.mode = 0o644
        let exposed = Settings(context: context(home, credentials: store))
        #expect(exposed.token == nil)
        #expect(
            exposed.warnings == [
                "the login in \(Self.file) is not used: its mode is 0644, so other users may read it: run chmod 600 \(Self.file), or delete it and run plenar login"
            ])
    }

    static func loginSteps(clock: FakeClock, polls: [String]) -> ScriptedTransport {
        let start =
            #"{"id":"lgn_x","user_code":"BCDF-GHJK","verification_url":"https://plenar.dev/login","verification_url_complete":"https://plenar.dev/login?code=BCDF-GHJK","expires_at":"2026-01-01T00:10:00Z","interval":2}"#
        var steps = [
            ScriptedTransport.Step(
                expect: ("POST", "\(api)/cli/sessions"), answer: .success(HTTPReply(status: 201, body: Array(start.utf8))))
        ]
        for status in polls {
            let body =
                status == "approved"
                ? #"{"status":"approved","session_token":"\#(session)","user":{"email":"a@b.c","name":"A"},"organization":{"id":"org_1","name":"Acme"},"expires_at":"2026-01-02T00:00:00Z"}"#
                : #"{"status":"\#(status)"}"#
            steps.append(
                .init(expect: ("POST", "\(api)/cli/sessions/lgn_x/poll"), answer: .success(HTTPReply(status: 200, body: Array(body.utf8)))))
        }
        return ScriptedTransport(clock: clock, steps)
    }

    @Test(
        "login opens a browser only with a display, a terminal and no --no-browser; never reads stdin; sends no token",
        arguments: [
            (["DISPLAY": ":0"], true, false, true), (["DISPLAY": ":0"], true, true, false), (["DISPLAY": ":0"], false, false, false),
            ([:], true, false, false), (["BROWSER": "firefox"], true, false, true),
        ])
    func browser(environment: [String: String], terminal: Bool, noBrowser: Bool, opens: Bool) {
        let clock = FakeClock()
        let transport = Self.loginSteps(clock: clock, polls: ["pending", "approved"])
        let store = FakeCredentials()
        let helpers = FakeHelpers(terminal: terminal)
        let stderr = Captured()
        let ctx = context(
            environment.merging(["HOME": "/home/u"]) { $1 }, credentials: store, helpers: helpers, transport: transport, clock: clock,
            stderr: stderr)
        let status = LoginCommand(apiURL: nil, noBrowser: noBrowser, json: false, timeout: nil).run(ctx)
        #expect(status == 0, "\(stderr.text)")
        #expect(transport.unexpected.isEmpty && transport.steps.isEmpty)
        #expect(transport.received.allSatisfy { $0.request.header("Authorization") == nil })
        #expect(helpers.launched.map(\.1) == (opens ? ["https://plenar.dev/login?code=BCDF-GHJK"] : []))
        if opens {
            #expect(stderr.text.contains("opened https://plenar.dev/login?code=BCDF-GHJK with \(environment["BROWSER"] ?? "xdg-open")"))
        } else {
            #expect(stderr.text.contains("to log in, open https://plenar.dev/login?code=BCDF-GHJK"))
        }
        #expect(clock.slept == [.seconds(2)], "waits the server's interval between polls")
        #expect(store.writes == [Self.file])
        #expect(!stderr.text.contains(Self.session))
    }

    @Test("login gives up at --timeout: every poll and wait inside it, then exit 1")
    func loginTimeout() {
        let clock = FakeClock()
        let transport = Self.loginSteps(clock: clock, polls: Array(repeating: "pending", count: 3))
        let store = FakeCredentials()
        let stderr = Captured()
        let ctx = context(["HOME": "/home/u"], credentials: store, transport: transport, clock: clock, stderr: stderr)
        let status = LoginCommand(apiURL: nil, noBrowser: true, json: false, timeout: .seconds(5)).run(ctx)
        #expect(status == 1)
        #expect(transport.unexpected.isEmpty)
        #expect(clock.slept == [.seconds(2), .seconds(2), .seconds(1)])
        #expect(stderr.text.contains("no approval within 5 s (--timeout)"))
        #expect(store.writes.isEmpty)
    }

    @Test("project use with an org key explains PLENAR_PROJECT_ID and changes nothing")
    func orgKeyDefault() {
        let clock = FakeClock()
        let whoami =
            #"{"kind":"org","organization":{"id":"o","name":"Acme"},"created_by":"a@b.c","key":{"id":"k","prefix":"pko_OOOO","description":"d","created_at":"2026-01-01T00:00:00Z","expires_at":null,"last_used_at":null},"scopes":[],"scope":{"mode":"all","projects":[]},"default_project":null,"user":null}"#
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: ("GET", "\(Self.api)/whoami"), answer: .success(HTTPReply(status: 200, body: Array(whoami.utf8))))]
        )
        let stderr = Captured()
        let ctx = context(["PLENAR_TOKEN": Self.org], credentials: FakeCredentials(), transport: transport, clock: clock, stderr: stderr)
        #expect(ProjectCommand(action: .use("PLEN-OPS"), key: nil, json: false).run(ctx) == 2)
        #expect(transport.unexpected.isEmpty && transport.steps.isEmpty)
        #expect(stderr.text.contains("Set PLENAR_PROJECT_ID=PLEN-OPS"))
    }
}
