import Foundation
import PlenarAPI
import Testing

@testable import PlenarSandbox

/// A private config folder (`XDG_CONFIG_HOME`) for one test's login file.
struct ConfigHome: Sendable {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// With a request deadline of a minute: the sandbox answers from inside the test process, and
    /// on a busy machine (four busy loops beside the suite) it took more than the default 10 s.
    /// No test of a login asks about that deadline.
    var environment: [String: String] { ["XDG_CONFIG_HOME": folder.path, "PLENAR_TIMEOUT_MS": "60000"] }
    var credentials: String { folder.appendingPathComponent("plenar/credentials").path }
    var plenarFolder: String { folder.appendingPathComponent("plenar").path }

    func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
    }

    func loginFile() -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: credentials) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// `plenar login --no-browser`, approved (or denied) on the sandbox's page by `decide` once it waits.
func loginThroughPage(
    _ sandbox: RunningSandbox, home: ConfigHome, arguments: [String] = [], decision: String? = "approve",
    user: String = "alice.chen%40acme.com"
) async throws -> CLI.Result {
    async let result = CLI.run(["login", "--no-browser"] + arguments, api: sandbox.apiURL, token: nil, environment: home.environment)
    if let decision {
        let code = try await sandbox.pendingLoginCode()
        let signedIn = try await sandbox.form("/login/signin", "code=\(code)&user=\(user)")
        #expect(signedIn.text.contains(code))
        _ = try await sandbox.form("/login/decide", "code=\(code)&user=\(user)&decision=\(decision)")
    }
    return try await result
}

@Suite("plenar login, auth status, logout")
struct LoginTests {
    @Test("login approved: prints the URL and code on stderr, stores the session 0600 in a 0700 folder, never reads stdin")
    func approved() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            let result = try await loginThroughPage(sandbox, home: home)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("to log in, open \(sandbox.root)/login?code="))
            #expect(result.stderr.contains("check that the page shows the code "))
            #expect(result.stdout == "Logged in as alice.chen@acme.com (Acme); session stored in \(home.credentials) (mode 0600)\n")
            #expect(home.mode(home.credentials) == 0o600)
            #expect(home.mode(home.plenarFolder) == 0o700)
            let file = try #require(home.loginFile())
            let token = try #require(file["token"]?.stringValue)
            #expect(token.hasPrefix("pls_"))
            #expect(file["api_url"] == .string(sandbox.apiURL))
            expectNoSecret(token, in: result.stdout, result.stderr)
            #expect(try FileManager.default.contentsOfDirectory(atPath: home.plenarFolder) == ["credentials"], "no temporary file left")

            let json = try await loginThroughPage(sandbox, home: home, arguments: ["--json"])
            #expect(json.status == 0)
            let announced = try JSONDecoder().decode(JSONValue.self, from: Data((json.stderr.split(separator: "\n").first ?? "").utf8))
            #expect(announced["verification_url"] == .string("\(sandbox.root)/login"))
            #expect(announced["user_code"]?.stringValue?.count == 9)
            #expect(announced["browser_opened"] == .bool(false))
            let done = try JSONDecoder().decode(JSONValue.self, from: Data(json.stdout.utf8))
            #expect(done["user"]?["email"] == .string("alice.chen@acme.com"))
            #expect(done["credentials_file"] == .string(home.credentials))
            #expect(home.loginFile()?["token"]?.stringValue != token, "a new login replaces the file")
        }
    }

    @Test("login denied: exit 2, nothing stored")
    func denied() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            let result = try await loginThroughPage(sandbox, home: home, decision: "deny")
            #expect(result.status == 2)
            #expect(result.stderr.contains("the login was denied in the browser: nothing was stored"))
            #expect(!FileManager.default.fileExists(atPath: home.credentials))
        }
    }

    @Test("login past its own --timeout: exit 1, nothing stored")
    func timedOut() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            let result = try await loginThroughPage(sandbox, home: home, arguments: ["--timeout", "1s"], decision: nil)
            #expect(result.status == 1)
            #expect(result.stderr.contains("no approval within 1 s (--timeout): nothing was stored"))
            #expect(!FileManager.default.fileExists(atPath: home.credentials))
            let polls = try await sandbox.requestsSeen(path: "/v1/cli/sessions").count
            #expect(polls == 1)
        }
    }

    @Test("login whose code expires on the server (injected clock): exit 1, nothing stored")
    func expired() async throws {
        let clock = ManualClock()
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            async let result = CLI.run(["login", "--no-browser"], api: sandbox.apiURL, token: nil, environment: home.environment)
            _ = try await sandbox.pendingLoginCode()
            clock.advance(by: 601)
            let ended = try await result
            #expect(ended.status == 1)
            #expect(ended.stderr.contains("the login code expired before anyone approved it"))
            #expect(!FileManager.default.fileExists(atPath: home.credentials))
        }
    }

    @Test("the login file: a symbolic link or another user's file is refused, never followed; the write is a rename")
    func fileSafety() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            try FileManager.default.createDirectory(atPath: home.plenarFolder, withIntermediateDirectories: true)
            let target = home.folder.appendingPathComponent("elsewhere").path
            try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
            try FileManager.default.createSymbolicLink(atPath: home.credentials, withDestinationPath: target)
            let linked = try await CLI.run(["login", "--no-browser"], api: sandbox.apiURL, token: nil, environment: home.environment)
            #expect(linked.status == 1)
            #expect(linked.stderr.contains("symbolic link"))
            #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep")
            let status = try await CLI.run(["auth", "status"], api: sandbox.apiURL, token: nil, environment: home.environment)
            #expect(status.status == 2)
            #expect(status.stderr.contains("the login in \(home.credentials) is not used: it is a symbolic link"))
            try FileManager.default.removeItem(atPath: home.credentials)

            // A hard link to the old file keeps the old contents: the new file was renamed into place.
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            let hardLink = home.folder.appendingPathComponent("old-login").path
            try FileManager.default.linkItem(atPath: home.credentials, toPath: hardLink)
            let before = try Data(contentsOf: URL(fileURLWithPath: hardLink))
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: hardLink)) == before)
            #expect(FileManager.default.contents(atPath: home.credentials) != before)

            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: home.credentials)
            let loose = try await CLI.run(["auth", "status"], api: sandbox.apiURL, token: nil, environment: home.environment)
            #expect(loose.status == 2)
            #expect(loose.stderr.contains("its mode is 0644"))
            if getuid() == 0 {
                try FileManager.default.setAttributes([.posixPermissions: 0o600, .ownerAccountID: 65534], ofItemAtPath: home.credentials)
                let foreign = try await CLI.run(["auth", "status"], api: sandbox.apiURL, token: nil, environment: home.environment)
                #expect(foreign.status == 2)
                #expect(foreign.stderr.contains("it belongs to another user (uid 65534)"))
                let overwrite = try await CLI.run(
                    ["login", "--no-browser"], api: sandbox.apiURL, token: nil, environment: home.environment)
                #expect(overwrite.status == 1)
                #expect(overwrite.stderr.contains("another user"))
            }
        }
    }

    @Test("auth status names the source: --key, PLENAR_TOKEN, or the file with its path and mode; CI ignores the file")
    func statusAndPrecedence() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            let env = home.environment
            let file = try await CLI.run(["auth", "status"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(file.status == 0, "\(file.stderr)")
            #expect(file.stdout.contains("as Alice Chen <alice.chen@acme.com>"))
            #expect(file.stdout.contains("Organization: Acme"))
            #expect(file.stdout.contains("from the login file \(home.credentials) (mode 0600)"))
            #expect(file.stdout.contains("24 h after this use"))

            let org = try sandbox.token("org_demo")
            let fromEnv = try await CLI.run(["auth", "status", "--json"], api: sandbox.apiURL, token: org, environment: env)
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(fromEnv.stdout.utf8))
            #expect(json["source"]?["name"] == .string("PLENAR_TOKEN"))
            #expect(json["user"] == .null)
            #expect(json["login_file"]?["used"] == .bool(false))

            let fromFlag = try await CLI.run(
                ["auth", "status", "--key", sandbox.token("personal")], api: sandbox.apiURL, token: org, environment: env)
            #expect(fromFlag.stdout.contains("personal-token plt_"))
            #expect(fromFlag.stdout.contains("from --key"))

            // In CI the file never stands in for the workflow's secret, unless asked.
            let inCI = try await CLI.run(["status"], api: sandbox.apiURL, token: nil, environment: env.merging(["CI": "true"]) { $1 })
            #expect(inCI.status == 2)
            #expect(inCI.stderr.contains("PLENAR_TOKEN is not set"))
            let signal = try await CLI.run(
                ["signal", "deploy"], api: sandbox.apiURL, token: nil, environment: env.merging(["CI": "true"]) { $1 })
            #expect(signal.status == 0)
            #expect(try await sandbox.requestsSeen(path: "/v1/signals").isEmpty)
            let allowed = try await CLI.run(
                ["status"], api: sandbox.apiURL, token: nil, environment: env.merging(["CI": "true", "PLENAR_USE_LOGIN": "1"]) { $1 })
            #expect(allowed.status == 0)
            #expect(allowed.stdout.contains("login-session"))
            let ciStatus = try await CLI.run(
                ["auth", "status"], api: sandbox.apiURL, token: org, environment: env.merging(["CI": "true"]) { $1 })
            #expect(ciStatus.stdout.contains("is not read in CI"))

            // Outside CI, the file serves every command: a signal goes out as Alice.
            let personalSignal = try await CLI.run(
                ["signal", "deploy", "--project", "PLEN-OPS", "--json"], api: sandbox.apiURL, token: nil, environment: env)
            #expect(personalSignal.status == 0, "\(personalSignal.stderr)")
        }
    }

    @Test("an expired session (24 h idle, injected clock) is exit 2 with 'run plenar login'")
    func sessionExpired() async throws {
        let clock = ManualClock()
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.with(SandboxConfiguration(logRequests: false, clock: clock)) { sandbox in
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            clock.advance(by: 86_400)
            for arguments in [["status"], ["auth", "status"], ["signal", "x"], ["keys", "list"]] {
                let result = try await CLI.run(arguments, api: sandbox.apiURL, token: nil, environment: home.environment)
                #expect(result.status == 2, "\(arguments)")
                #expect(
                    result.stderr.contains("the login session pls_… from the login in \(home.credentials) has ended"), "\(result.stderr)")
                #expect(result.stderr.contains("run plenar login"))
            }
            let wrapped = try await CLI.run(["run", "--", "/bin/true"], api: sandbox.apiURL, token: nil, environment: home.environment)
            #expect(wrapped.status == 2)
        }
    }

    @Test("logout with the server up ends the session and deletes the file; with it down, deletes the file and says so")
    func logout() async throws {
        let home = try ConfigHome()
        defer { home.remove() }
        let token = try await RunningSandbox.process { sandbox in
            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            let token = try #require(home.loginFile()?["token"]?.stringValue)
            let result = try await CLI.run(["logout"], api: nil, token: nil, environment: home.environment)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("ended on the server and \(home.credentials) was deleted"))
            #expect(!FileManager.default.fileExists(atPath: home.credentials))
            #expect(try await sandbox.request(.get, "/v1/whoami", token: token).errorCode == "token_revoked")
            let again = try await CLI.run(["logout"], api: nil, token: nil, environment: home.environment)
            #expect(again.status == 0)
            #expect(again.stderr.contains("not logged in"))

            #expect(try await loginThroughPage(sandbox, home: home).status == 0)
            return try #require(home.loginFile()?["token"]?.stringValue)
        }
        // The sandbox is gone: its port refuses.
        let down = try await CLI.run(["logout"], api: nil, token: nil, environment: home.environment)
        #expect(down.status == 1)
        #expect(!FileManager.default.fileExists(atPath: home.credentials))
        #expect(down.stderr.contains("\(home.credentials) was deleted, but the session could not be ended on the server"))
        expectNoSecret(token, in: down.stdout, down.stderr)
    }
}
