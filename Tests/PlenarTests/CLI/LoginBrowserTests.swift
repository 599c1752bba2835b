import Foundation
import PlenarAPI
import Testing

@Suite("plenar login through a real browser")
struct LoginBrowserTests {
    static let ready = MCPTests.python != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver")

    /// Runs under scripts/test and CI, which install chromium, chromium-driver and Selenium; a bare
    /// `swift test` without them skips it (CI fails instead).
    @Test(
        "headless Chromium (Selenium) follows plenar login --no-browser's URL, signs in, sees the code, approves: the login is stored",
        .enabled(
            if: ready || ProcessInfo.processInfo.environment["CI"] != nil, "needs the venv and chromium-driver that scripts/test installs")
    )
    func approveInChromium() async throws {
        let python = try #require(MCPTests.python, "PLENAR_TEST_PYTHON is not set and .venv/bin/python does not exist; run scripts/test")
        let script = PackageRoot.url.appendingPathComponent("Tests/clients/login_browser.py").path
        let home = try ConfigHome()
        defer { home.remove() }
        try await RunningSandbox.process { sandbox in
            let driven = try await ChildProcess.run(python, [script, CLI.executable, sandbox.apiURL, home.folder.path])
            #expect(driven.status == 0, "stderr: \(driven.stderr)")
            let report = try JSONDecoder().decode(JSONValue.self, from: Data(driven.stdout.utf8))
            #expect(report["status"] == .number(0), "plenar login: \(driven.stderr)")
            #expect(report["printed_code"] == report["page_code"])
            #expect(home.mode(home.credentials) == 0o600)
            let status = try await CLI.run(["auth", "status", "--json"], api: sandbox.apiURL, token: nil, environment: home.environment)
            #expect(status.status == 0, "\(status.stderr)")
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(status.stdout.utf8))
            #expect(json["user"]?["email"] == .string("alice.chen@acme.com"))
            #expect(json["source"]?["kind"] == .string("login_file"))
        }
    }
}
