import FoundationEssentials
import PlenarAPI
import Testing

@testable import PlenarKit

@Suite("Settings, URLs, the exit table, the redactor and workflow files")
struct UnitTests {
    static let token = "pko_" + String(repeating: "Ab3", count: 12)

    @Test("flags win over the environment; a bad PLENAR_TIMEOUT_MS warns and keeps the default", arguments: ["abc", "0", "-5", "1.5", ""])
    func settings(badTimeout: String) {
        let context = PlenarContext.fake(environment: [
            "PLENAR_TOKEN": "from-env", "PLENAR_PROJECT_ID": "PLEN-ENV", "PLENAR_API_URL": "https://env.example/v1",
            "PLENAR_TIMEOUT_MS": badTimeout,
        ])
        let fromEnv = Settings(context: context)
        #expect(fromEnv.token == "from-env")
        #expect(fromEnv.tokenSource == "PLENAR_TOKEN")
        #expect(fromEnv.project == "PLEN-ENV")
        #expect(fromEnv.apiURLText == "https://env.example/v1")
        #expect(fromEnv.timeout == .seconds(10))
        #expect(fromEnv.warnings.count == 1)
        #expect(fromEnv.warnings.first?.contains("PLENAR_TIMEOUT_MS") == true)
        let fromFlags = Settings(context: context, token: "from-flag", apiURL: "https://flag.example/v1", project: "PLEN-FLAG")
        #expect(fromFlags.token == "from-flag")
        #expect(fromFlags.tokenSource == "--key")
        #expect(fromFlags.project == "PLEN-FLAG")
        #expect(fromFlags.apiURLText == "https://flag.example/v1")
        let good = Settings(context: .fake(environment: ["PLENAR_TIMEOUT_MS": "2500"]))
        #expect(good.timeout == .milliseconds(2500))
        #expect(good.warnings.isEmpty)
        #expect(good.apiURLText == APIBaseURL.hosted)
    }

    @Test("https anywhere, http only to loopback; the MCP endpoint is the root plus /mcp")
    func baseURLs() throws {
        for ok in [
            "https://api.plenar.dev/v1", "https://api.plenar.dev/v1/", "http://127.0.0.1:8080/v1", "http://127.8.9.10/v1",
            "http://localhost:1/v1", "http://[::1]:9/v1",
        ] {
            #expect(throws: Never.self) { try APIBaseURL(ok) }
        }
        #expect(try APIBaseURL("https://api.plenar.dev/v1/").base == "https://api.plenar.dev/v1")
        #expect(try APIBaseURL("http://127.0.0.1:8080/v1").mcpEndpoint == "http://127.0.0.1:8080/mcp")
        #expect(throws: APIBaseURL.Problem.insecure(host: "example.com")) { try APIBaseURL("http://example.com/v1") }
        #expect(throws: APIBaseURL.Problem.insecure(host: "127.0.0.1.evil.com")) { try APIBaseURL("http://127.0.0.1.evil.com/v1") }
        #expect(throws: APIBaseURL.Problem.insecure(host: "10.0.0.1")) { try APIBaseURL("http://10.0.0.1/v1") }
        for bad in ["ftp://x/v1", "api.plenar.dev/v1", "https:///v1", "https://user:pw@host/v1", "https://host/v1?x=1"] {
            #expect(throws: APIBaseURL.Problem.self) { try APIBaseURL(bad) }
        }
    }

    @Test("the exit table: every failure in every kind of command")
    func exitTable() {
        let rows: [(Failure, Int32, Int32)] = [
            (.tokenMissing, 0, 2),
            (.tokenMalformed(.quoted, source: "PLENAR_TOKEN"), 2, 2),
            (.apiURL(.insecure(host: "x"), value: "http://x"), 2, 2),
            (.rejected(status: 401, code: "token_revoked", message: ""), 2, 2),
            (.rejected(status: 403, code: "insufficient_scope", message: ""), 2, 2),
            (.rejected(status: 422, code: "project_required", message: ""), 2, 2),
            (.noProject, 2, 2),
            (.projectUnreachable("P"), 2, 2),
            (.unavailable(.timedOut(milliseconds: 1)), 0, 1),
            (.unavailable(.rateLimited(wait: nil)), 0, 1),
            (.unavailable(.rateLimited(wait: .seconds(99999))), 0, 1),
            (.unavailable(.redirected(status: 302)), 0, 1),
            (.unavailable(.oversized(bytes: 4 << 20)), 0, 1),
            (.keyInputEmpty(waited: nil), 2, 2),
            (.unavailable(.server(status: 503, code: "unavailable")), 0, 1),
            (.localFile(FileError(path: "p", reason: "r")), 1, 1),
            (.usage("u"), 64, 64),
        ]
        for (failure, telemetry, probe) in rows {
            #expect(ExitTable.verdict(failure, for: .telemetry).status == telemetry, "\(failure)")
            #expect(ExitTable.verdict(failure, for: .probe).status == probe, "\(failure)")
        }
        #expect(ExitTable.verdict(.tokenMissing, for: .telemetry).severity == .warning)
        #expect(ExitTable.verdict(.unavailable(.rateLimited(wait: nil)), for: .telemetry).severity == .warning)
        #expect(ExitTable.verdict(.rejected(status: 401, code: "", message: ""), for: .telemetry).severity == .error)
    }

    @Test("the redactor hides known secrets and anything token-shaped, and nothing else")
    func redactor() {
        let redactor = Redactor(secrets: [Self.token, "hunter2hunter2"])
        #expect(redactor.redact("key \(Self.token) used") == "key pko_… used")
        #expect(redactor.redact("password=hunter2hunter2;") == "password=***;")
        let stranger = "plt_" + String(repeating: "Z9", count: 20)
        #expect(redactor.redact("saw \(stranger)!") == "saw plt_…!")
        #expect(redactor.redact("pko_short and plt_ and pko_…") == "pko_short and plt_ and pko_…")
        #expect(redactor.redact("ünïcödé \(Self.token)") == "ünïcödé pko_…")
    }

    @Test("what is sent is redacted like what is printed: every string and key of a JSON body")
    func redactsBodies() {
        let redactor = Redactor(secrets: ["hunter2hunter2"])
        let body = JSONValue.object([
            "message": .string("pw hunter2hunter2"), "list": .array([.string(Self.token), .number(3)]), Self.token: .bool(true),
        ])
        #expect(
            redactor.redact(json: body)
                == .object(["message": .string("pw ***"), "list": .array([.string("pko_…"), .number(3)]), "pko_…": .bool(true)]))
    }

    @Test("workflow command data is escaped as the runner requires")
    func annotations() {
        #expect(GitHubActions.escapeData("50% done\r\nnext") == "50%25 done%0D%0Anext")
        #expect(GitHubActions.annotation(.warning, "a\nb") == "::warning::a%0Ab\n")
        #expect(GitHubActions.maskCommand("s%e\ncret") == "::add-mask::s%25e%0Acret\n")
    }

    @Test("environment file entries use a fresh delimiter when the value contains the first one")
    func delimiterCollision() throws {
        var draws = ["AAAA", "BBBB"]
        let text = try GitHubActions.environmentFileEntries([("ORG", "line\nghadelimiter_AAAA\nmore")]) { _ in draws.removeFirst() }
        #expect(text == "ORG<<ghadelimiter_BBBB\nline\nghadelimiter_AAAA\nmore\nghadelimiter_BBBB\n")
        #expect(throws: FileError.self) { try GitHubActions.environmentFileEntries([("BAD=NAME", "v")]) { _ in "x" } }
    }
}

@Suite("connect's project choice")
struct ProjectChoiceTests {
    static let demo = ProjectRef(id: "prj_1", key: "PLEN-DEMO", name: "Demo App")
    static let ops = ProjectRef(id: "prj_2", key: "PLEN-OPS", name: "Ops")

    static func whoami(projects: [ProjectRef], default project: ProjectRef?) -> WhoAmI {
        WhoAmI(
            kind: .org, organization: OrganizationRef(id: "org_1", name: "Acme"), createdBy: "a@acme.com",
            key: .init(id: "key_1", prefix: "pko_AbCd", description: "", createdAt: "", expiresAt: nil, lastUsedAt: nil),
            scopes: Scope.allCases, scope: ProjectScope(mode: .all, projects: projects), defaultProject: project
        )
    }

    @Test("a named project must be reachable (by id or key, any case); else the key's default; else exit 2")
    func choice() throws {
        let all = Self.whoami(projects: [Self.demo, Self.ops], default: nil)
        #expect(try ConnectCommand.project("plen-ops", all) == Self.ops)
        #expect(try ConnectCommand.project("prj_1", all) == Self.demo)
        #expect(throws: Failure.projectUnreachable("PLEN-NOPE")) { try ConnectCommand.project("PLEN-NOPE", all) }
        #expect(throws: Failure.noProject) { try ConnectCommand.project(nil, all) }
        #expect(try ConnectCommand.project(nil, Self.whoami(projects: [Self.demo], default: Self.demo)) == Self.demo)
    }

    @Test("--key - takes the first line of stdin, without its line ending")
    func keyFromStdin() {
        #expect(ConnectCommand.firstLine(Array("pko_abc\r\n".utf8)) == "pko_abc")
        #expect(ConnectCommand.firstLine(Array("pko_abc\n".utf8)) == "pko_abc")
        #expect(ConnectCommand.firstLine(Array("pko_abc".utf8)) == "pko_abc")
    }
}
