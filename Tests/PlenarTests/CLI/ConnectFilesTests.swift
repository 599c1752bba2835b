import Foundation
import PlenarAPI
import Testing

@testable import PlenarKit

/// `connect` against a scripted API and files in memory: what it writes, and what it does not
/// when one of its files cannot be written.
@Suite("connect writes every file or none")
struct ConnectFilesTests {
    static let token = "pko_" + String(repeating: "k", count: 40)
    static let api = "http://127.0.0.1:9/v1"
    static let runner = [
        "GITHUB_ACTIONS": "true", "GITHUB_ENV": "/runner/env", "GITHUB_OUTPUT": "/runner/output",
        "PLENAR_TOKEN": token, "PLENAR_API_URL": api,
    ]

    static func whoami() throws -> HTTPReply {
        let project = ProjectRef(id: "prj_1", key: "PLEN-DEMO", name: "Demo App")
        let whoami = WhoAmI(
            kind: .org, organization: OrganizationRef(id: "org_1", name: "Acme"), createdBy: "a@acme.com",
            key: .init(id: "key_1", prefix: "pko_kkkk", description: "", createdAt: "", expiresAt: nil, lastUsedAt: nil),
            scopes: Scope.allCases, scope: ProjectScope(mode: .all, projects: [project]), defaultProject: project
        )
        return HTTPReply(status: 200, body: Array(try JSONEncoder().encode(whoami)))
    }

    func connect(
        _ command: ConnectCommand = ConnectCommand(), files: FakeFiles, environment: [String: String] = runner
    ) throws -> (status: Int32, stderr: String) {
        let clock = FakeClock()
        let transport = ScriptedTransport(clock: clock, [.init(expect: ("GET", Self.api + "/whoami"), answer: .success(try Self.whoami()))])
        let stderr = Captured()
        let status = command.run(.fake(environment: environment, clock: clock, transport: transport, stderr: stderr, files: files))
        #expect(transport.unexpected.isEmpty)
        return (status, stderr.text)
    }

    @Test("inside GitHub Actions: the configs, $GITHUB_ENV and $GITHUB_OUTPUT are written")
    func writesAll() throws {
        let files = FakeFiles()
        let result = try connect(files: files)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(files.files["/repo/.mcp.json"]?.contains("\"plenar\"") == true)
        #expect(files.files["/runner/env"]?.contains("PLENAR_PROJECT_ID<<") == true)
        #expect(files.files["/runner/output"]?.contains("project-id<<") == true)
    }

    @Test(
        "a runner file that cannot be appended to: exit 1, no config written, nothing appended to the other",
        arguments: [("GITHUB_ENV", "/runner/env"), ("GITHUB_OUTPUT", "/runner/output")])
    func runnerFileFails(variable: String, path: String) throws {
        let files = FakeFiles()
        files.files["/repo/.vscode/mcp.json"] = "{}\n"
        files.failing = [path]
        let result = try connect(ConnectCommand(clients: "claude,vscode"), files: files)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot open $\(variable) (\(path)): Permission denied"), "\(result.stderr)")
        #expect(result.stderr.contains("no file was changed"), "\(result.stderr)")
        #expect(files.files == ["/repo/.vscode/mcp.json": "{}\n"], "nothing written")
    }

    @Test("a config that is refused: nothing appended to the runner's files")
    func refusedConfig() throws {
        let files = FakeFiles()
        files.files["/repo/.mcp.json"] = "{\"mcpServers\": []}\n"
        let result = try connect(files: files)
        #expect(result.status == 1)
        #expect(files.files == ["/repo/.mcp.json": "{\"mcpServers\": []}\n"])
    }

    @Test("two clients' files that are one file (one inode, a hard link): refused, nothing written")
    func hardLinkedTwins() throws {
        let files = FakeFiles()
        files.files = ["/repo/.mcp.json": "{}\n", "/repo/.cursor/mcp.json": "{}\n"]
        files.inodes = ["/repo/.mcp.json": 7, "/repo/.cursor/mcp.json": 7]
        let result = try connect(ConnectCommand(clients: "claude,cursor"), files: files)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot update .cursor/mcp.json: it is the same file as .mcp.json (a link)"), "\(result.stderr)")
        #expect(files.files == ["/repo/.mcp.json": "{}\n", "/repo/.cursor/mcp.json": "{}\n"])
    }

    @Test("a config with another hard link: connect says it was updated in place")
    func hardLinkedNote() throws {
        let files = FakeFiles()
        files.files = ["/repo/.mcp.json": "{}\n"]
        files.inodes = ["/repo/.mcp.json": 7, "/elsewhere/mcp.json": 7]
        let result = try connect(files: files, environment: ["PLENAR_TOKEN": Self.token, "PLENAR_API_URL": Self.api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(".mcp.json: updated in place (it has other hard links, which keep it)"), "\(result.stderr)")
    }
}
