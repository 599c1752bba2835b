import Foundation
import PlenarAPI
import Testing

/// The built `plenar` under a fake Azure Pipelines and a fake Buildkite job, against the sandbox.
@Suite("CI adapters end to end: the built binary under Azure Pipelines and Buildkite")
struct CIEndToEndTests {
    /// A folder with a fake `buildkite-agent` that appends each call (its arguments, then its
    /// stdin) to `calls.log` beside it, and exits with `$FAKE_AGENT_STATUS` (default 0).
    struct FakeBuildkiteAgent {
        let folder: URL

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-bk-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let script = """
                #!/bin/sh
                log="$(dirname "$0")/calls.log"
                printf 'ARGS %s\\n' "$*" >> "$log"
                cat >> "$log"
                printf '\\n--END--\\n' >> "$log"
                exit "${FAKE_AGENT_STATUS:-0}"

                """
            try ExecutableFile.write(script, to: folder.appendingPathComponent("buildkite-agent").path)
        }

        /// Each call: its arguments and what it read on stdin.
        var calls: [(arguments: String, input: String)] {
            let log = (try? String(contentsOfFile: folder.appendingPathComponent("calls.log").path, encoding: .utf8)) ?? ""
            return log.components(separatedBy: "\n--END--\n").filter { !$0.isEmpty }.map { call in
                let lines = call.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(lines[0].dropFirst("ARGS ".count)), lines.count > 1 ? String(lines[1]) : "")
            }
        }

        var environment: [String: String] {
            var environment = CIEnvironments.buildkite
            environment["PATH"] = folder.path + ":/usr/bin:/bin"
            return environment
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    static func withoutAzureMasks(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("##vso[task.setsecret]") }
            .joined(separator: "\n")
    }

    @Test("Azure Pipelines: connect masks the key with ##vso[task.setsecret] first, then sets the variables for later steps")
    func azureConnect() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let result = try await CLI.run(["connect"], api: sandbox.apiURL, token: token, environment: CIEnvironments.azure)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("##vso[task.setsecret]\(token)\n"), "the mask comes before anything else: \(result.stderr)")
            #expect(result.stderr.contains("##vso[task.setvariable variable=PLENAR_API_URL]\(sandbox.apiURL)\n"))
            #expect(result.stderr.contains("##vso[task.setvariable variable=PLENAR_PROJECT_ID]PLEN-DEMO\n"))
            #expect(result.stdout == "Connected to Plenar (org-key mode): Acme, project [PLEN-DEMO] Demo App\n")
            let shown = Self.withoutAzureMasks(result.stderr)
            #expect(!shown.contains(token) && !result.stdout.contains(token))
        }
    }

    @Test("Azure Pipelines: signal sends the run context; status uploads a summary file")
    func azureSignalAndStatus() async throws {
        try await RunningSandbox.process { sandbox in
            let temp = try Workspace(git: false)
            defer { temp.remove() }
            var environment = CIEnvironments.azure
            environment["AGENT_TEMPDIRECTORY"] = temp.folder.path
            let token = try sandbox.token("org_demo")
            let signal = try await CLI.run(["signal", "deploy"], api: sandbox.apiURL, token: token, environment: environment)
            #expect(signal.status == 0, "\(signal.stderr)")
            let ci = try #require(try await sandbox.events().first?["body"]?["ci"])
            #expect(ci["provider"] == .string("azure-pipelines"))
            #expect(ci["run_url"] == .string("https://dev.azure.com/acme/Acme%20Web/_build/results?buildId=7"))
            #expect(ci["run_attempt"] == .string("1"))

            let status = try await CLI.run(["status"], api: sandbox.apiURL, token: token, environment: environment)
            #expect(status.status == 0, "\(status.stderr)")
            let summary = temp.path("plenar-status.md")
            #expect(status.stderr.hasSuffix("##vso[task.uploadsummary]\(summary)\n"), "\(status.stderr)")
            #expect(temp.read("plenar-status.md")?.contains("| Organization | Acme |") == true)
        }
    }

    @Test("Buildkite: connect adds the key to the redactor, then sets the build's meta-data, each on the agent's stdin")
    func buildkiteConnect() async throws {
        try await RunningSandbox.process { sandbox in
            let agent = try FakeBuildkiteAgent()
            defer { agent.remove() }
            let token = try sandbox.token("org_demo")
            let result = try await CLI.run(["connect"], api: sandbox.apiURL, token: token, environment: agent.environment)
            #expect(result.status == 0, "\(result.stderr)")
            let calls = agent.calls
            #expect(
                calls.map(\.arguments) == ["redactor add --format json", "meta-data set PLENAR_API_URL", "meta-data set PLENAR_PROJECT_ID"])
            #expect(calls.first?.input == #"{"plenar_1":"\#(token)"}"#)
            #expect(calls.dropFirst().map(\.input) == [sandbox.apiURL, "PLEN-DEMO"])
            #expect(result.stderr.contains("later steps read each with buildkite-agent meta-data get NAME"))
            #expect(!result.stderr.contains(token) && !result.stdout.contains(token))
        }
    }

    @Test("Buildkite: run starts its command, then tells the redactor; status annotates; a failing agent is a warning")
    func buildkiteRunAndStatus() async throws {
        try await RunningSandbox.process { sandbox in
            let agent = try FakeBuildkiteAgent()
            defer { agent.remove() }
            let token = try sandbox.token("org_demo")
            var environment = agent.environment
            environment["DEPLOY_SECRET"] = "d3ploy-s3cret-value"
            let run = try await CLI.run(
                ["run", "--", "/bin/sh", "-c", "echo \"$DEPLOY_SECRET\"; exit 3"], api: sandbox.apiURL, token: token,
                environment: environment)
            #expect(run.status == 3, "\(run.stderr)")
            #expect(run.stdout == "***\n")
            let redactor = try #require(agent.calls.first)
            #expect(redactor.arguments == "redactor add --format json")
            let masked = try JSONDecoder().decode([String: String].self, from: Data(redactor.input.utf8))
            #expect(Set(masked.values).isSuperset(of: [token, "d3ploy-s3cret-value"]))
            #expect(try await sandbox.events().first?["body"]?["ci"]?["provider"] == .string("buildkite"))

            let status = try await CLI.run(["status"], api: sandbox.apiURL, token: token, environment: agent.environment)
            #expect(status.status == 0, "\(status.stderr)")
            let annotate = try #require(agent.calls.last)
            #expect(annotate.arguments == "annotate --style info --context plenar-status")
            #expect(annotate.input.contains("| Organization | Acme |"))

            var failing = agent.environment
            failing["FAKE_AGENT_STATUS"] = "1"
            let connect = try await CLI.run(["connect"], api: sandbox.apiURL, token: token, environment: failing)
            #expect(connect.status == 0, "the connection stands; only the hand-off failed")
            #expect(connect.stderr.contains("buildkite-agent redactor add failed (exit 1)"), "\(connect.stderr)")
            #expect(connect.stderr.contains("later steps will not see PLENAR_PROJECT_ID"))
        }
    }

    @Test("the sandbox refuses a ci field of the wrong type, naming it")
    func sandboxChecksCI() async throws {
        try await RunningSandbox.process { sandbox in
            let token = try sandbox.token("org_demo")
            let wrong = try await sandbox.request(
                .post, "/v1/signals", token: token, json: #"{"kind":"x","ci":{"provider":"jenkins","run_id":15}}"#)
            #expect(wrong.status == 400)
            #expect(wrong.json["error"]?["message"]?.stringValue?.contains("ci.run_id must be a string") == true, "\(wrong.text)")
            let extra = try await sandbox.request(
                .post, "/v1/signals", token: token, json: #"{"kind":"x","ci":{"provider":"jenkins","run_id":"15","node":{"labels":[1]}}}"#)
            #expect(extra.status == 202, "other fields are kept as sent")
        }
    }
}
