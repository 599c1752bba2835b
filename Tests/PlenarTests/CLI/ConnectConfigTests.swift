import Foundation
import PlenarAPI
import Testing

@testable import PlenarKit

/// The built `plenar connect` against a real sandbox, writing real files in a throw-away repository.
@Suite("connect writes MCP client configs that leak nothing and clobber nothing")
struct ConnectConfigTests {
    /// What `--client all` writes: every client that reads a variable for the key (not Zed).
    static let allClients = MCPClient.allCases.filter { !$0.config.requiresInlineToken }
    static let allFiles = allClients.map(\.file)

    @Test("every client's file from nothing; a second run leaves every byte as it was and says unchanged")
    func allClientsTwice() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let token = try sandbox.token("org_demo")
            let first = try await CLI.run(
                ["connect", "--client", "all", "--hooks", "claude"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(first.status == 0, "\(first.stderr)")
            for file in Self.allFiles + [".claude/settings.json"] {
                #expect(first.stderr.contains("plenar: \(file): created"), "\(first.stderr)")
                let text = try #require(repo.read(file), "\(file) was not written")
                #expect(text.contains("\(sandbox.root)/mcp") || file.hasPrefix(".claude"))
                let mode = try FileManager.default.attributesOfItem(atPath: repo.path(file))[.posixPermissions] as? Int
                #expect(mode == 0o644, "\(file): a config with no secret is an ordinary file")
            }
            let before = repo.snapshot()
            let second = try await CLI.run(
                ["connect", "--client", "all", "--hooks", "claude"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(second.status == 0)
            #expect(repo.snapshot() == before, "byte-identical after a second run")
            #expect(second.stderr.components(separatedBy: ": unchanged").count - 1 == Self.allFiles.count + 1, "\(second.stderr)")
            #expect(!repo.snapshot().keys.contains(".zed/settings.json"), "all leaves Zed out without --inline-token")
            expectNoSecret(token, in: first.stdout, first.stderr, second.stdout, second.stderr)
            expectNoSecret(token, in: before.values.map { String(decoding: $0, as: UTF8.self) }.joined())
            #expect(!before.keys.contains { $0.contains(".plenar-") }, "no temporary file is left behind")
        }
    }

    @Test(
        "a real MCP client (Python mcp) reads the written .mcp.json, expands its variables, and reaches the sandbox",
        .enabled(if: MCPTests.python != nil || ProcessInfo.processInfo.environment["CI"] != nil))
    func pythonClientReadsConfig() async throws {
        let python = try #require(MCPTests.python, "run scripts/test to create the venv")
        let script = PackageRoot.url.appendingPathComponent("Tests/clients/mcp_config_client.py").path
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let token = try sandbox.token("org_all")
            let connect = try await CLI.run(["connect", "--project", "PLEN-OPS"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(connect.status == 0, "\(connect.stderr)")
            let config = repo.path(".mcp.json")
            let environment = ["PATH": "/usr/bin:/bin", "PLENAR_TOKEN": token]
            let used = try await ChildProcess.run(python, [script, config], environment: environment)
            #expect(used.status == 0, "stdout: \(used.stdout) stderr: \(used.stderr)")
            let answer = try JSONDecoder().decode(JSONValue.self, from: Data(used.stdout.utf8))
            #expect(answer["url"] == .string("\(sandbox.root)/mcp"))
            #expect(answer["header_names"] == .array([.string("Authorization"), .string("X-Plenar-Project")]))
            #expect(answer["tools"] == .array([.string("list_projects"), .string("signal"), .string("whoami")]))
            let whoami = try JSONDecoder().decode(JSONValue.self, from: Data((answer["result"]?.stringValue ?? "").utf8))
            #expect(whoami["organization"]?["name"] == .string("Acme"))
            // ${PLENAR_PROJECT_ID:-PLEN-OPS}: the default applies when the variable is unset, the
            // variable wins when set. This key reaches two projects and has no default, so only the
            // header tells the sandbox where a signal goes.
            guard case let .array(projects)? = try await sandbox.request(.get, "/v1/projects", token: token).json["projects"] else {
                Issue.record("no projects")
                return
            }
            func projectID(_ key: String) -> JSONValue? { projects.first { $0["key"] == .string(key) }?["id"] }
            for (variable, expected) in [(nil, "PLEN-OPS"), ("PLEN-DEMO", "PLEN-DEMO")] {
                var env = environment
                env["PLENAR_PROJECT_ID"] = variable
                let signal = try await ChildProcess.run(
                    python, [script, config, "plenar", "signal", #"{"kind": "agent_check"}"#], environment: env)
                #expect(signal.status == 0, "\(signal.stdout) \(signal.stderr)")
                let event = try #require(try await sandbox.events().last)
                #expect(event["project_id"] == projectID(expected), "\(event)")
            }
            // Without the token in the environment, the client stops at the config, as Claude Code does.
            let missing = try await ChildProcess.run(python, [script, config], environment: ["PATH": "/usr/bin:/bin"])
            #expect(missing.status == 4)
            #expect(missing.stdout.contains("missing environment variable PLENAR_TOKEN"))
        }
    }

    @Test(
        "each client's file, read with that client's variable rules (Tests/clients/mcp_config_client.py), reaches the sandbox",
        .enabled(if: MCPTests.python != nil || ProcessInfo.processInfo.environment["CI"] != nil))
    func pythonClientReadsEveryConfig() async throws {
        let python = try #require(MCPTests.python, "run scripts/test to create the venv")
        let script = PackageRoot.url.appendingPathComponent("Tests/clients/mcp_config_client.py").path
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let token = try sandbox.token("org_all")
            for arguments in [["--client", "all"], ["--client", "zed", "--inline-token"]] {
                let connect = try await CLI.run(
                    ["connect", "--project", "PLEN-OPS"] + arguments, api: sandbox.apiURL, token: token, directory: repo)
                #expect(connect.status == 0, "\(connect.stderr)")
            }
            let environment = ["PATH": "/usr/bin:/bin", "PLENAR_TOKEN": token, "PLENAR_PROJECT_ID": "PLEN-OPS"]
            // Continue's YAML is read back by plenar's own tests (NewClientConfigTests): the venv has no YAML library.
            for client in MCPClient.allCases where client != .continue {
                let used = try await ChildProcess.run(
                    python, [script, "--as", client.rawValue, repo.path(client.file)], environment: environment)
                #expect(used.status == 0, "\(client): stdout: \(used.stdout) stderr: \(used.stderr)")
                let answer = try JSONDecoder().decode(JSONValue.self, from: Data(used.stdout.utf8))
                #expect(answer["url"] == .string("\(sandbox.root)/mcp"), "\(client)")
                #expect(answer["header_names"] == .array([.string("Authorization"), .string("X-Plenar-Project")]), "\(client)")
                let whoami = try JSONDecoder().decode(JSONValue.self, from: Data((answer["result"]?.stringValue ?? "").utf8))
                #expect(whoami["organization"]?["name"] == .string("Acme"), "\(client)")
            }
            // Gemini CLI drops variables named like TOKEN before its second pass over the headers:
            // started without PLENAR_TOKEN, it sends an empty Bearer and the server refuses it.
            let unset = try await ChildProcess.run(
                python, [script, "--as", "gemini", repo.path(".gemini/settings.json")], environment: ["PATH": "/usr/bin:/bin"])
            #expect(unset.status == 3, "\(unset.stdout) \(unset.stderr)")
        }
    }

    @Test(
        "client options that cannot be honoured are usage errors (64) and write nothing",
        arguments: [
            ["--client", "zed"], ["--client", "claude,zed"], ["--vscode-input"], ["--client", "claude", "--vscode-input"],
            ["--client", "vscode", "--vscode-input", "--inline-token"],
        ])
    func clientUsage(arguments: [String]) async throws {
        let repo = try Workspace()
        defer { repo.remove() }
        let result = try await CLI.run(["connect"] + arguments, api: nil, token: nil, directory: repo)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(repo.snapshot().isEmpty)
    }

    @Test("VS Code: the environment by default, the prompt with --vscode-input; Zed only with the key inline, 0600")
    func vscodeAndZed() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let token = try sandbox.token("org_demo")
            let plain = try await CLI.run(["connect", "--client", "vscode"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(plain.status == 0, "\(plain.stderr)")
            let written = try #require(repo.read(".vscode/mcp.json"))
            #expect(written.contains("Bearer ${env:PLENAR_TOKEN}") && !written.contains("inputs"))
            let prompt = try await CLI.run(
                ["connect", "--client", "vscode", "--vscode-input"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(prompt.status == 0, "\(prompt.stderr)")
            let prompted = try #require(repo.read(".vscode/mcp.json"))
            #expect(prompted.contains("Bearer ${input:plenar-token}") && prompted.contains("\"password\": true"))
            let zed = try await CLI.run(
                ["connect", "--client", "zed", "--inline-token"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(zed.status == 0, "\(zed.stderr)")
            #expect(try #require(repo.read(".zed/settings.json")).contains("Bearer \(token)"))
            let mode = try FileManager.default.attributesOfItem(atPath: repo.path(".zed/settings.json"))[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let status = try await CLI.run(["status", "--json"], api: sandbox.apiURL, token: token, directory: repo)
            let report = try JSONDecoder().decode(StatusReport.self, from: Data(status.stdout.utf8))
            let zedStatus = try #require(report.configs.first { $0.client == "zed" })
            #expect(zedStatus.upToDate && zedStatus.literalSecret && zedStatus.needs == ["a trusted worktree (Zed asks)"])
            let vscode = try #require(report.configs.first { $0.client == "vscode" })
            #expect(vscode.upToDate && vscode.needs.first?.hasPrefix("the key, entered once") == true)
        }
    }

    @Test("a revoked key: exit 2 and nothing written")
    func revokedWritesNothing() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", "{\"mcpServers\": {}}\n")
            let before = repo.snapshot()
            let result = try await CLI.run(
                ["connect", "--client", "all", "--hooks", "claude"], api: sandbox.apiURL, token: sandbox.token("revoked"), directory: repo)
            #expect(result.status == 2)
            #expect(repo.snapshot() == before)
        }
    }

    @Test("a symbolic link is followed: the real file changes, the link stays a link")
    func symlink() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write("shared/mcp.json", "{\"mcpServers\": {\"other\": {\"type\": \"http\", \"url\": \"https://x\"}}}\n")
            try FileManager.default.createSymbolicLink(atPath: repo.path(".mcp.json"), withDestinationPath: "shared/mcp.json")
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: repo.path("shared/mcp.json"))
            let result = try await CLI.run(["connect"], api: sandbox.apiURL, token: sandbox.token("org_demo"), directory: repo)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: repo.path(".mcp.json")) == "shared/mcp.json")
            let text = try #require(repo.read("shared/mcp.json"))
            #expect(text.contains("\"other\"") && text.contains("\"plenar\""))
            #expect(
                try FileManager.default.attributesOfItem(atPath: repo.path("shared/mcp.json"))[.posixPermissions] as? Int == 0o640,
                "mode kept")
        }
    }

    @Test("8 parallel connects: every file valid, every entry present, no temporary file left")
    func parallel() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", Fixtures.existing(.claude))
            try repo.write(".vscode/mcp.json", Fixtures.existing(.vscode))
            let token = try sandbox.token("org_demo")
            let lists = ["all", "claude,vscode", "cursor", "gemini,codex", "all", "vscode", "claude", "codex,cursor"]
            let results = try await withThrowingTaskGroup(of: CLI.Result.self) { group in
                for (index, list) in lists.enumerated() {
                    let project = index.isMultiple(of: 2) ? ["--project", "PLEN-DEMO"] : []
                    group.addTask {
                        try await CLI.run(
                            ["connect", "--client", list, "--hooks", "claude"] + project, api: sandbox.apiURL, token: token, directory: repo
                        )
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
            for client in Self.allClients {
                let text = try #require(repo.read(client.file))
                if client == .codex {
                    #expect(try TOMLDocument(Array(text.utf8)).table(["mcp_servers", "plenar"]) != nil)
                } else if client == .continue {
                    let entry = try client.config.format.value(at: client.entryPath, in: Array(text.utf8))
                    #expect(entry?["url"] == .string("\(sandbox.root)/mcp"))
                } else {
                    let document = try JSONCDocument(Array(text.utf8), allowsComments: client.allowsComments)
                    #expect(document.node(at: client.entryPath + ["url"])?.value == .string("\(sandbox.root)/mcp"), "\(client)")
                }
            }
            #expect(
                try Fixtures.foreignValues(.claude, #require(repo.read(".mcp.json")))
                    == Fixtures.foreignValues(.claude, Fixtures.existing(.claude)))
            #expect(
                try Fixtures.foreignValues(.vscode, #require(repo.read(".vscode/mcp.json")))
                    == Fixtures.foreignValues(.vscode, Fixtures.existing(.vscode)))
            let hooks = try JSONCDocument(Array(#require(repo.read(".claude/settings.json")).utf8), allowsComments: false)
            #expect(hooks.node(at: ["hooks", "Stop"])?.value.array?.count == 1, "added once, not once per process")
            #expect(!repo.snapshot().keys.contains { $0.contains(".plenar-") })
        }
    }

    @Test("--dry-run prints the diff and writes nothing, not even the workflow's files")
    func dryRun() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", "{\n  \"mcpServers\": {\n    \"other\": {\"url\": \"x\"}\n  }\n}\n")
            let before = repo.snapshot()
            let runner = try RunnerFiles()
            defer { runner.remove() }
            let result = try await CLI.run(
                ["connect", "--dry-run", "--client", "claude,codex"], api: sandbox.apiURL, token: sandbox.token("org_demo"),
                environment: runner.environment, directory: repo)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("--- a/.mcp.json\n+++ b/.mcp.json\n"))
            #expect(result.stdout.contains("+    \"other\": {\"url\": \"x\"},\n+    \"plenar\": {\n"))
            #expect(result.stdout.contains("-    \"other\": {\"url\": \"x\"}\n"))
            #expect(result.stdout.contains("--- /dev/null\n+++ b/.codex/config.toml\n"))
            #expect(
                result.stdout.hasSuffix(
                    "Dry run, nothing written: would connect to Plenar (org-key mode): Acme, project [PLEN-DEMO] Demo App\n"))
            #expect(repo.snapshot() == before)
            #expect(runner.read("env").isEmpty && runner.read("output").isEmpty)
        }
    }

    @Test("--inline-token: the key is written, the file is 0600, and git exposure is warned about")
    func inlineToken() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace(git: false)
            defer { repo.remove() }
            let git = try await ChildProcess.run("/usr/bin/git", ["init", "-q", repo.folder.path])
            try #require(git.status == 0, "git init: \(git.stderr)")
            let token = try sandbox.token("org_demo")
            let result = try await CLI.run(
                ["connect", "--inline-token", "--client", "claude,codex"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try #require(repo.read(".mcp.json")).contains("Bearer \(token)"))
            #expect(try FileManager.default.attributesOfItem(atPath: repo.path(".mcp.json"))[.posixPermissions] as? Int == 0o600)
            #expect(result.stderr.contains(".mcp.json holds the literal key and git does not ignore it"))
            #expect(result.stderr.contains("Codex reads a bearer token only from the environment"))
            #expect(!(try #require(repo.read(".codex/config.toml")).contains(token)))
            expectNoSecret(token, in: result.stdout, result.stderr)
            // Ignored: no warning.
            try repo.write(".gitignore", ".mcp.json\n")
            try FileManager.default.removeItem(atPath: repo.path(".mcp.json"))
            let ignored = try await CLI.run(["connect", "--inline-token"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(!ignored.stderr.contains("literal key"), "\(ignored.stderr)")
        }
    }

    @Test("status --json reports each known config file")
    func statusReportsConfigs() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let token = try sandbox.token("org_demo")
            _ = try await CLI.run(["connect", "--client", "claude,cursor"], api: sandbox.apiURL, token: token, directory: repo)
            try repo.write(
                ".gemini/settings.json",
                "{\"mcpServers\": {\"plenar\": {\"type\": \"http\", \"url\": \"https://elsewhere/mcp\", \"headers\": {\"Authorization\": \"Bearer \(token)\"}}}}"
            )
            let status = try await CLI.run(["status", "--json"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(status.status == 0)
            let report = try JSONDecoder().decode(StatusReport.self, from: Data(status.stdout.utf8))
            let byClient = Dictionary(uniqueKeysWithValues: report.configs.map { ($0.client, $0) })
            #expect(
                byClient["claude"]
                    == ConfigFileStatus(
                        client: "claude", file: ".mcp.json", present: true, hasEntry: true, pointsAtAPI: true, upToDate: true,
                        literalSecret: false,
                        needs: ["PLENAR_TOKEN in the agent's environment", "approving the project's servers when Claude Code asks"]))
            #expect(report.configs.map(\.client) == MCPClient.allCases.map(\.rawValue), "every known client, present or not")
            #expect(byClient["gemini"]?.needs.contains("a trusted folder (Gemini CLI asks)") == true)
            #expect(byClient["zed"]?.needs == ["a trusted worktree (Zed asks)"])
            let raw = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            let configs = raw?["configs"] as? [[String: Any]]
            #expect(configs?.allSatisfy { $0["needs"] is [String] } == true, "needs: a list of strings for every client")
            #expect(byClient["cursor"]?.upToDate == true)
            #expect(byClient["vscode"]?.present == false)
            #expect(byClient["gemini"].map { $0.present && $0.hasEntry && !$0.pointsAtAPI && $0.literalSecret } == true)
            expectNoSecret(token, in: status.stdout, status.stderr)
            let text = try await CLI.run(["status"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(
                text.stdout.contains(
                    "Config .mcp.json: up to date; needs PLENAR_TOKEN in the agent's environment; approving the project's servers when Claude Code asks\n"
                ), "\(text.stdout)")
            #expect(text.stdout.contains("Config .gemini/settings.json: points at another server; holds a literal key; needs "))
        }
    }

    @Test("two clients' files that are one file through a link: refused, nothing written")
    func sharedFile() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", "{}\n")
            try FileManager.default.createDirectory(atPath: repo.path(".cursor"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: repo.path(".cursor/mcp.json"), withDestinationPath: "../.mcp.json")
            let result = try await CLI.run(
                ["connect", "--client", "claude,cursor"], api: sandbox.apiURL, token: sandbox.token("org_demo"), directory: repo)
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot update .cursor/mcp.json: it is the same file as .mcp.json (a link)"), "\(result.stderr)")
            #expect(repo.read(".mcp.json") == "{}\n")
        }
    }

    @Test("two clients' files that are one file through a hard link: refused, nothing written, the link kept")
    func sharedFileHardLink() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", "{}\n")
            try FileManager.default.createDirectory(atPath: repo.path(".cursor"), withIntermediateDirectories: true)
            #expect(link(repo.path(".mcp.json"), repo.path(".cursor/mcp.json")) == 0)
            let result = try await CLI.run(
                ["connect", "--client", "claude,cursor"], api: sandbox.apiURL, token: sandbox.token("org_demo"), directory: repo)
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot update .cursor/mcp.json: it is the same file as .mcp.json (a link)"), "\(result.stderr)")
            #expect(repo.read(".mcp.json") == "{}\n")
            #expect(try Self.inode(repo.path(".mcp.json")) == Self.inode(repo.path(".cursor/mcp.json")), "still one file")
        }
    }

    @Test(
        "inside GitHub Actions, a $GITHUB_OUTPUT in a folder that does not exist: exit 1, no config written, nothing appended to $GITHUB_ENV"
    )
    func runnerFileMissingFolder() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let runner = try RunnerFiles()
            defer { runner.remove() }
            var environment = runner.environment
            environment["GITHUB_OUTPUT"] = "/nonexistent/out"
            let result = try await CLI.run(
                ["connect", "--client", "all"], api: sandbox.apiURL, token: sandbox.token("org_demo"), environment: environment,
                directory: repo)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "::error::plenar: cannot open $GITHUB_OUTPUT (/nonexistent/out): No such file or directory; no file was changed"),
                "\(result.stderr)")
            #expect(repo.snapshot().isEmpty, "no config written")
            #expect(runner.read("env").isEmpty, "nothing appended to $GITHUB_ENV")
            #expect(!FileManager.default.fileExists(atPath: "/nonexistent"))
        }
    }

    @Test(
        "inside GitHub Actions, a $GITHUB_OUTPUT that cannot take the text (/dev/full): exit 1, $GITHUB_ENV cut back, no config written",
        .enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func runnerFileFull() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            try repo.write(".mcp.json", "{}\n")
            let before = repo.snapshot()
            let runner = try RunnerFiles()
            defer { runner.remove() }
            try Data("EARLIER=1\n".utf8).write(to: URL(fileURLWithPath: runner.path("env")))
            var environment = runner.environment
            environment["GITHUB_OUTPUT"] = "/dev/full"
            let result = try await CLI.run(
                ["connect", "--client", "claude,cursor"], api: sandbox.apiURL, token: sandbox.token("org_demo"), environment: environment,
                directory: repo)
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("cannot write $GITHUB_OUTPUT (/dev/full): No space left on device; no file was changed"),
                "\(result.stderr)")
            #expect(repo.snapshot() == before, "no config written")
            #expect(runner.read("env") == "EARLIER=1\n", "the append to $GITHUB_ENV is undone, what was there stays")
        }
    }

    @Test("inside GitHub Actions, a runner file that does not exist yet in an existing folder is created")
    func runnerFileCreated() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let runner = try RunnerFiles()
            defer { runner.remove() }
            try FileManager.default.removeItem(atPath: runner.path("output"))
            let result = try await CLI.run(
                ["connect"], api: sandbox.apiURL, token: sandbox.token("org_demo"), environment: runner.environment, directory: repo)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(runner.read("output").contains("project-id<<"))
            #expect(runner.read("env").contains("PLENAR_PROJECT_ID<<"))
        }
    }

    static func inode(_ path: String) throws -> UInt64 {
        var info = stat()
        try #require(lstat(path, &info) == 0)
        return UInt64(info.st_ino)
    }

    @Test("--inline-token tightens a readable file that already holds the key to 0600")
    func inlineTightens() async throws {
        try await RunningSandbox.process { sandbox in
            let repo = try Workspace()
            defer { repo.remove() }
            let token = try sandbox.token("org_demo")
            _ = try await CLI.run(["connect", "--inline-token"], api: sandbox.apiURL, token: token, directory: repo)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: repo.path(".mcp.json"))
            let before = repo.read(".mcp.json")
            let again = try await CLI.run(["connect", "--inline-token"], api: sandbox.apiURL, token: token, directory: repo)
            #expect(again.status == 0)
            #expect(repo.read(".mcp.json") == before)
            #expect(try FileManager.default.attributesOfItem(atPath: repo.path(".mcp.json"))[.posixPermissions] as? Int == 0o600)
        }
    }
}
