import Foundation
import PlenarAPI
import Testing

@testable import PlenarKit

/// Each CI's documented environment, as a job sees it (values shaped like the examples in each
/// CI's documentation; the variables are those its adapter cites).
enum CIEnvironments {
    static let github = [
        "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "acme/app",
        "GITHUB_SHA": "ffac537e6cbbf934b08745a378932722df287a53", "GITHUB_REF": "refs/heads/main", "GITHUB_WORKFLOW": "ci",
        "GITHUB_JOB": "test", "GITHUB_RUN_ID": "1658821493", "GITHUB_RUN_ATTEMPT": "2", "GITHUB_ACTOR": "octocat",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_TOKEN": "ghs_notsent0123456789",
    ]
    static let gitlab = [
        "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_PATH": "acme/app", "CI_COMMIT_SHA": "1ecfd275763eff1d6b4844ea3168962458c9f27a",
        "CI_COMMIT_REF_NAME": "main", "CI_PIPELINE_NAME": "nightly", "CI_JOB_NAME": "test", "CI_PIPELINE_ID": "1000",
        "CI_PIPELINE_URL": "https://gitlab.com/acme/app/-/pipelines/1000", "CI_JOB_URL": "https://gitlab.com/acme/app/-/jobs/2000",
        "GITLAB_USER_LOGIN": "alice", "CI_PIPELINE_SOURCE": "push", "CI_JOB_TOKEN": "glcbt-notsent0123456789",
    ]
    static let buildkite = [
        "CI": "true", "BUILDKITE": "true", "BUILDKITE_REPO": "git@github.com:acme/app.git",
        "BUILDKITE_COMMIT": "83a20ec058e2fb00e7fa4558c4c6e81e2dcf253d", "BUILDKITE_BRANCH": "main", "BUILDKITE_PIPELINE_SLUG": "app",
        "BUILDKITE_ORGANIZATION_SLUG": "acme", "BUILDKITE_LABEL": ":hammer: Tests",
        "BUILDKITE_BUILD_ID": "f62a1b4d-10f9-4790-bc1c-e2c3a0c80983",
        "BUILDKITE_BUILD_NUMBER": "1514", "BUILDKITE_BUILD_URL": "https://buildkite.com/acme/app/builds/1514",
        "BUILDKITE_JOB_ID": "e44f9784-e20e-4b93-a21d-f41fd5869db9", "BUILDKITE_RETRY_COUNT": "1", "BUILDKITE_BUILD_CREATOR": "Alice Chen",
        "BUILDKITE_SOURCE": "webhook", "BUILDKITE_AGENT_ACCESS_TOKEN": "notsent0123456789",
    ]
    static let circleci = [
        "CI": "true", "CIRCLECI": "true", "CIRCLE_SHA1": "0d5b4e5e1e3c3a8c7c7e1b0f2c9a6e1d2f3a4b5c", "CIRCLE_BRANCH": "main",
        "CIRCLE_JOB": "test", "CIRCLE_WORKFLOW_ID": "6fdd7e84-6bc5-4e6a-9a59-0b0f0a3f2a1c", "CIRCLE_BUILD_NUM": "123",
        "CIRCLE_BUILD_URL": "https://circleci.com/gh/acme/app/123", "CIRCLE_USERNAME": "alice", "CIRCLE_PROJECT_USERNAME": "acme",
        "CIRCLE_PROJECT_REPONAME": "app", "BASH_ENV": "/tmp/.bash_env-6fdd7e84",
    ]
    static let azure = [
        "TF_BUILD": "True", "BUILD_REPOSITORY_NAME": "acme/app", "BUILD_SOURCEVERSION": "a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
        "BUILD_SOURCEBRANCH": "refs/heads/main", "BUILD_DEFINITIONNAME": "app-ci", "SYSTEM_JOBDISPLAYNAME": "Test", "BUILD_BUILDID": "7",
        "SYSTEM_JOBATTEMPT": "1", "BUILD_REQUESTEDFOR": "Alice Chen", "BUILD_REASON": "IndividualCI",
        "SYSTEM_COLLECTIONURI": "https://dev.azure.com/acme/", "SYSTEM_TEAMPROJECT": "Acme Web", "AGENT_TEMPDIRECTORY": "/agent/_temp",
        "SYSTEM_ACCESSTOKEN": "notsent0123456789",
    ]
    static let jenkins = [
        "JENKINS_URL": "https://ci.acme.dev/", "JOB_NAME": "app/main", "BUILD_NUMBER": "15", "BUILD_TAG": "jenkins-app-main-15",
        "BUILD_URL": "https://ci.acme.dev/job/app/job/main/15/", "STAGE_NAME": "Test",
        "GIT_COMMIT": "9fceb02d0ae598e95dc970b74767f19372d61af8",
        "GIT_BRANCH": "origin/main", "BRANCH_NAME": "main", "GIT_URL": "https://deploy:hunter2notsent@git.acme.dev/acme/app.git",
    ]
    static let bitbucket = [
        "CI": "true", "BITBUCKET_BUILD_NUMBER": "31", "BITBUCKET_REPO_FULL_NAME": "acme/app",
        "BITBUCKET_COMMIT": "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b", "BITBUCKET_BRANCH": "main",
        "BITBUCKET_STEP_TRIGGERER_UUID": "{7c4b1f3e-0000-4000-8000-000000000001}",
        "BITBUCKET_PIPELINES_VARIABLES_PATH": "/opt/atlassian/pipelines/agent/build/.bitbucket/variables",
    ]

    /// Each CI's environment with the provider its adapter reports.
    static let all: [(provider: String, environment: [String: String])] = [
        ("github", github), ("gitlab", gitlab), ("buildkite", buildkite), ("circleci", circleci), ("azure-pipelines", azure),
        ("jenkins", jenkins), ("bitbucket", bitbucket),
    ]
}

/// Buildkite's agent, scripted: each expected call with its answer; anything else is recorded
/// as unexpected and fails, so no test starts a real program by accident.
final class ScriptedAgent: HelperPrograms, @unchecked Sendable {
    struct Call: Equatable {
        var argv: [String]
        var input: String
    }

    var expected: [(argv: [String], outcome: HelperOutcome)]
    var calls: [Call] = []
    var timeouts: [Duration] = []
    var unexpected: [String] = []

    init(_ expected: [(argv: [String], outcome: HelperOutcome)] = []) { self.expected = expected }

    var stderrIsTerminal: Bool { false }

    func launch(_ program: String, _ url: String, environment: [String: String]) -> Bool {
        unexpected.append("launch \(program) \(url)")
        return false
    }

    func run(_ argv: [String], input: [UInt8], environment: [String: String], timeout: Duration) -> HelperOutcome {
        calls.append(Call(argv: argv, input: String(decoding: input, as: UTF8.self)))
        timeouts.append(timeout)
        guard let next = expected.first, next.argv == argv else {
            unexpected.append(argv.joined(separator: " "))
            return HelperOutcome(status: nil, problem: "unexpected call")
        }
        expected.removeFirst()
        return next.outcome
    }

    func expectAllDone(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(unexpected.isEmpty, "unexpected agent calls: \(unexpected)", sourceLocation: sourceLocation)
        #expect(expected.isEmpty, "agent calls never made: \(expected.map(\.argv))", sourceLocation: sourceLocation)
    }
}

extension PlenarContext {
    /// A fake context whose helper programs fail on any use but those scripted.
    static func ci(
        _ environment: [String: String], agent: ScriptedAgent = ScriptedAgent(), clock: FakeClock = FakeClock(),
        transport: any HTTPTransport = NoNetwork(), stdout: Captured = Captured(), stderr: Captured = Captured(),
        files: FakeFiles = FakeFiles()
    ) -> PlenarContext {
        var context = PlenarContext.fake(
            environment: environment, clock: clock, transport: transport, stdout: stdout, stderr: stderr, files: files)
        context.helpers = agent
        return context
    }
}

@Suite("CI adapters: detection and the run context, from each CI's documented environment")
struct CIDetectionTests {
    @Test("each CI is recognised by its own variables, and by no other adapter", arguments: CIEnvironments.all.map(\.provider))
    func detection(provider: String) throws {
        let environment = try #require(CIEnvironments.all.first { $0.provider == provider }).environment
        let active = CIAdapters.all.filter { $0.isActive(environment) }.map(\.provider)
        #expect(active == [provider])
        #expect(CIAdapters.current(environment)?.provider == provider)
    }

    @Test("no CI: no context; CI set but unknown: provider unknown")
    func noCI() {
        #expect(CIAdapters.current(["HOME": "/home/a"]) == nil)
        #expect(CIContext.detect(["HOME": "/home/a"]) == nil)
        #expect(CIContext.detect(["CI": "true"]) == .object(["provider": .string("unknown")]))
        #expect(CIContext.detect(["CI": "true", "GITHUB_ACTIONS": "false"]) == .object(["provider": .string("unknown")]))
        #expect(CIContext.detect(["GITLAB_CI": "false", "BUILDKITE": "", "TF_BUILD": "", "JENKINS_URL": ""]) == nil)
    }

    static func context(_ environment: [String: String]) -> [String: String] {
        guard case let .object(fields) = CIContext.detect(environment) else { return [:] }
        return fields.compactMapValues(\.stringValue)
    }

    @Test("GitHub Actions")
    func github() {
        #expect(
            Self.context(CIEnvironments.github) == [
                "provider": "github", "repository": "acme/app", "sha": "ffac537e6cbbf934b08745a378932722df287a53", "ref": "refs/heads/main",
                "workflow": "ci", "job": "test", "run_id": "1658821493", "run_attempt": "2", "actor": "octocat", "event": "push",
                "run_url": "https://github.com/acme/app/actions/runs/1658821493/attempts/2",
            ])
    }

    @Test("GitLab CI: the pipeline source is the event, the pipeline's name the workflow")
    func gitlab() {
        #expect(
            Self.context(CIEnvironments.gitlab) == [
                "provider": "gitlab", "repository": "acme/app", "sha": "1ecfd275763eff1d6b4844ea3168962458c9f27a", "ref": "main",
                "workflow": "nightly", "job": "test", "run_id": "1000", "run_url": "https://gitlab.com/acme/app/-/pipelines/1000",
                "job_url": "https://gitlab.com/acme/app/-/jobs/2000", "actor": "alice", "event": "push",
            ])
    }

    @Test("Buildkite: the repository from BUILDKITE_REPO, attempts counted from 1, the job's anchor")
    func buildkite() {
        #expect(
            Self.context(CIEnvironments.buildkite) == [
                "provider": "buildkite", "repository": "acme/app", "sha": "83a20ec058e2fb00e7fa4558c4c6e81e2dcf253d", "ref": "main",
                "workflow": "app", "job": ":hammer: Tests", "run_id": "f62a1b4d-10f9-4790-bc1c-e2c3a0c80983", "run_attempt": "2",
                "run_url": "https://buildkite.com/acme/app/builds/1514",
                "job_url": "https://buildkite.com/acme/app/builds/1514#e44f9784-e20e-4b93-a21d-f41fd5869db9", "actor": "Alice Chen",
                "event": "webhook",
            ])
        var noRepo = CIEnvironments.buildkite
        noRepo["BUILDKITE_REPO"] = nil
        #expect(Self.context(noRepo)["repository"] == "acme/app", "organization and pipeline slugs")
        var endless = CIEnvironments.buildkite
        endless["BUILDKITE_RETRY_COUNT"] = String(Int.max)
        #expect(Self.context(endless)["run_attempt"] == nil, "a count with no next attempt is left out, not a crash")
    }

    @Test("CircleCI")
    func circleci() {
        #expect(
            Self.context(CIEnvironments.circleci) == [
                "provider": "circleci", "repository": "acme/app", "sha": "0d5b4e5e1e3c3a8c7c7e1b0f2c9a6e1d2f3a4b5c", "ref": "main",
                "job": "test", "run_id": "6fdd7e84-6bc5-4e6a-9a59-0b0f0a3f2a1c",
                "run_url": "https://app.circleci.com/pipelines/workflows/6fdd7e84-6bc5-4e6a-9a59-0b0f0a3f2a1c",
                "job_url": "https://circleci.com/gh/acme/app/123", "actor": "alice",
            ])
    }

    @Test("Azure Pipelines: the build's page, with the project's name encoded")
    func azure() {
        #expect(
            Self.context(CIEnvironments.azure) == [
                "provider": "azure-pipelines", "repository": "acme/app", "sha": "a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
                "ref": "refs/heads/main", "workflow": "app-ci", "job": "Test", "run_id": "7", "run_attempt": "1", "actor": "Alice Chen",
                "event": "IndividualCI", "run_url": "https://dev.azure.com/acme/Acme%20Web/_build/results?buildId=7",
            ])
    }

    @Test("Jenkins: the repository from GIT_URL without its credentials")
    func jenkins() {
        let context = Self.context(CIEnvironments.jenkins)
        #expect(
            context == [
                "provider": "jenkins", "repository": "acme/app", "sha": "9fceb02d0ae598e95dc970b74767f19372d61af8", "ref": "main",
                "workflow": "app/main", "job": "Test", "run_id": "15", "run_url": "https://ci.acme.dev/job/app/job/main/15/",
            ])
        #expect(!context.values.contains { $0.contains("hunter2") })
    }

    @Test("Bitbucket Pipelines")
    func bitbucket() {
        #expect(
            Self.context(CIEnvironments.bitbucket) == [
                "provider": "bitbucket", "repository": "acme/app", "sha": "4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b", "ref": "main",
                "run_id": "31", "actor": "{7c4b1f3e-0000-4000-8000-000000000001}",
                "run_url": "https://bitbucket.org/acme/app/addon/pipelines/home#!/results/31",
            ])
    }

    @Test("no CI token or credential variable reaches the context", arguments: CIEnvironments.all.map(\.provider))
    func noSecrets(provider: String) throws {
        let environment = try #require(CIEnvironments.all.first { $0.provider == provider }).environment
        let text = String(decoding: try JSONEncoder().encode(CIContext.detect(environment)), as: UTF8.self)
        #expect(!text.contains("notsent"))
    }

    @Test("a git remote's owner/name, never its user or password")
    func gitRemotes() {
        #expect(GitRemote.slug("git@github.com:acme/app.git") == "acme/app")
        #expect(GitRemote.slug("https://github.com/acme/app.git") == "acme/app")
        #expect(GitRemote.slug("https://x-access-token:ghs_secret@github.com/acme/app") == "acme/app")
        #expect(GitRemote.slug("ssh://git@git.acme.dev:2222/acme/app.git/") == "acme/app")
        #expect(GitRemote.slug("https://user:secret@host/app") == nil)
        #expect(GitRemote.slug("git@host:app.git") == nil)
        #expect(GitRemote.slug("https://host.example") == nil)
    }

    @Test("every field an adapter fills is one the API documents")
    func fieldsDocumented() throws {
        let api = try String(
            contentsOfFile: #filePath.replacing("Tests/PlenarTests/CI/CIAdapterTests.swift", with: "docs/api.md"), encoding: .utf8)
        for field in CIField.allCases {
            #expect(api.contains("| `\(field.rawValue)` |"), "docs/api.md documents ci.\(field.rawValue)")
        }
    }
}

@Suite("CI adapters: masking at run time")
struct CIMaskingTests {
    static let token = "pko_" + String(repeating: "Mk3", count: 12)

    @Test("GitHub Actions: ::add-mask:: on stderr, line by line")
    func github() {
        let stderr = Captured()
        let warnings = GitHubActionsCI().announceMasks(
            [Array(Self.token.utf8), Array("first line\nx\nthird;line]".utf8)], context: .ci(CIEnvironments.github, stderr: stderr),
            deadline: .zero)
        #expect(warnings.isEmpty)
        #expect(stderr.text == "::add-mask::\(Self.token)\n::add-mask::first line\n::add-mask::third;line]\n")
    }

    @Test("Azure Pipelines: ##vso[task.setsecret] on stderr, escaped as the agent unescapes, line by line")
    func azure() {
        let stderr = Captured()
        let context = PlenarContext.ci(CIEnvironments.azure, stderr: stderr)
        let warnings = AzurePipelinesCI().announceMasks(
            [Array(Self.token.utf8), Array("p%3B;w]d\r\nsecond".utf8)], context: context, deadline: .zero)
        #expect(warnings.isEmpty)
        #expect(
            stderr.text == "##vso[task.setsecret]\(Self.token)\n##vso[task.setsecret]p%AZP253B%3Bw%5Dd\n##vso[task.setsecret]second\n")
    }

    @Test("Azure's escaping undone as the agent undoes it gives the value back")
    func azureRoundTrip() {
        // src/Agent.Sdk/CommandStringConvertor.cs, Unescape with percents decoded: the four
        // mappings first, then %AZP25.
        func unescape(_ text: String) -> String {
            var text = text
            for (token, replacement) in [(";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D")] {
                text = text.replacing(replacement, with: token)
            }
            return text.replacing("%AZP25", with: "%")
        }
        for value in ["plain", "%3B", "%AZP25", "a;b]c\r\nd%0Ae", "100%", "%%5D;;"] {
            #expect(unescape(AzurePipelinesCI.escape(value)) == value)
        }
    }

    @Test("a value that is not UTF-8 is not sent: a warning says so", arguments: ["github", "azure-pipelines", "buildkite"])
    func notUTF8(provider: String) throws {
        let adapter = try #require(CIAdapters.all.first { $0.provider == provider })
        let stderr = Captured()
        let agent = ScriptedAgent()
        let warnings = adapter.announceMasks(
            [[0x70, 0xE4, 0x73, 0x73]], context: .ci([:], agent: agent, stderr: stderr), deadline: FakeClock().now() + .seconds(10))
        #expect(stderr.text.isEmpty)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("is not UTF-8") == true)
        agent.expectAllDone()
    }

    @Test("Buildkite: one buildkite-agent redactor add, the values as a JSON object on stdin, never in argv")
    func buildkite() throws {
        let agent = ScriptedAgent([(["buildkite-agent", "redactor", "add", "--format", "json"], HelperOutcome(status: 0))])
        let clock = FakeClock()
        let warnings = BuildkiteCI().announceMasks(
            [Array(Self.token.utf8), Array("line one\nline two".utf8)], context: .ci(CIEnvironments.buildkite, agent: agent, clock: clock),
            deadline: clock.now() + .seconds(10))
        #expect(warnings.isEmpty)
        agent.expectAllDone()
        let sent = try JSONDecoder().decode([String: String].self, from: Data(try #require(agent.calls.first).input.utf8))
        #expect(Set(sent.values) == [Self.token, "line one", "line two", "line one\nline two"])
        #expect(agent.timeouts == [.seconds(10)], "what is left of the deadline")
        #expect(!agent.calls.contains { $0.argv.contains(Self.token) })
    }

    @Test("Buildkite: an agent that fails or is missing is a warning; none is started past the deadline")
    func buildkiteFails() {
        let clock = FakeClock()
        let failing = ScriptedAgent([
            (
                ["buildkite-agent", "redactor", "add", "--format", "json"],
                HelperOutcome(status: 1, stderr: "failed to create Job API client\n")
            )
        ])
        let warnings = BuildkiteCI().announceMasks(
            [Array(Self.token.utf8)], context: .ci(CIEnvironments.buildkite, agent: failing, clock: clock),
            deadline: clock.now() + .seconds(5))
        failing.expectAllDone()
        #expect(
            warnings == [
                "buildkite-agent redactor add failed (exit 1): failed to create Job API client: later steps that print these values are not masked"
            ])

        let late = ScriptedAgent()
        let lateWarnings = BuildkiteCI().announceMasks(
            [Array(Self.token.utf8)], context: .ci(CIEnvironments.buildkite, agent: late, clock: clock), deadline: clock.now())
        late.expectAllDone()
        #expect(lateWarnings.first?.contains("was not run: no time left of PLENAR_TIMEOUT_MS") == true)
    }

    @Test(
        "GitLab, CircleCI, Jenkins, Bitbucket: nothing written, one note that only plenar run masks",
        arguments: ["gitlab", "circleci", "jenkins", "bitbucket"])
    func none(provider: String) throws {
        let environment = try #require(CIEnvironments.all.first { $0.provider == provider }).environment
        let stderr = Captured()
        let context = PlenarContext.ci(environment, stderr: stderr)
        let reporter = Reporter(context: context, secrets: [])
        CIAdapters.announceMasks([Array(Self.token.utf8)], context: context, reporter: reporter)
        let name = try #require(CIAdapters.current(environment)).name
        #expect(
            stderr.text
                == "plenar: \(name) cannot mask a value at run time: only plenar run masks these values, in its command's output, so a later step that prints one shows it\n"
        )
    }

    @Test("nothing to mask, or no CI: nothing written, nothing looked up")
    func nothing() {
        let stderr = Captured()
        let context = PlenarContext.ci(CIEnvironments.gitlab, stderr: stderr)
        CIAdapters.announceMasks([], context: context, reporter: Reporter(context: context, secrets: []))
        let outside = PlenarContext.ci(["HOME": "/home/a"], stderr: stderr)
        CIAdapters.announceMasks([Array(Self.token.utf8)], context: outside, reporter: Reporter(context: outside, secrets: []))
        #expect(stderr.text.isEmpty)
    }
}

/// `connect`, `status` and `run` under each CI, against a scripted API, files in memory and a
/// scripted agent.
@Suite("CI adapters: connect passes values on, status shows a summary, run masks")
struct CIHandoffTests {
    static let token = "pko_" + String(repeating: "Hd5", count: 12)
    static let api = "http://127.0.0.1:9/v1"

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var files: [String: String]
    }

    func run(
        _ environment: [String: String], agent: ScriptedAgent = ScriptedAgent(), files: FakeFiles = FakeFiles(),
        _ command: (PlenarContext) -> Int32 = { ConnectCommand().run($0) }
    ) throws -> Outcome {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock, [.init(expect: ("GET", Self.api + "/whoami"), answer: .success(try ConnectFilesTests.whoami()))])
        let stdout = Captured()
        let stderr = Captured()
        var environment = environment
        environment["PLENAR_TOKEN"] = Self.token
        environment["PLENAR_API_URL"] = Self.api
        let status = command(
            .ci(environment, agent: agent, clock: clock, transport: transport, stdout: stdout, stderr: stderr, files: files))
        #expect(transport.unexpected.isEmpty)
        agent.expectAllDone()
        #expect(!stdout.text.contains(Self.token))
        return Outcome(status: status, stdout: stdout.text, stderr: stderr.text, files: files.files)
    }

    @Test("Azure Pipelines: the key masked first, then the variables set for later steps")
    func azure() throws {
        let outcome = try run(CIEnvironments.azure)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("##vso[task.setsecret]\(Self.token)\n"), "the mask comes before anything else")
        #expect(
            outcome.stderr.contains(
                "##vso[task.setvariable variable=PLENAR_API_URL]\(Self.api)\n##vso[task.setvariable variable=PLENAR_PROJECT_ID]PLEN-DEMO\n")
        )
        #expect(Set(outcome.files.keys) == ["/repo/.mcp.json"])
        #expect(outcome.stderr.components(separatedBy: Self.token).count == 2, "the key only in its mask command")
    }

    @Test("Azure Pipelines: --dry-run sets nothing and says what it would set")
    func azureDryRun() throws {
        let outcome = try run(CIEnvironments.azure) { ConnectCommand(dryRun: true).run($0) }
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("##vso[task.setvariable variable="))
        #expect(outcome.stderr.contains("would set the pipeline variables PLENAR_API_URL, PLENAR_PROJECT_ID"))
    }

    @Test("Buildkite: the key to the redactor first, then one meta-data set per value, each on stdin")
    func buildkite() throws {
        let agent = ScriptedAgent([
            (["buildkite-agent", "redactor", "add", "--format", "json"], HelperOutcome(status: 0)),
            (["buildkite-agent", "meta-data", "set", "PLENAR_API_URL"], HelperOutcome(status: 0)),
            (["buildkite-agent", "meta-data", "set", "PLENAR_PROJECT_ID"], HelperOutcome(status: 0)),
        ])
        let outcome = try run(CIEnvironments.buildkite, agent: agent)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(agent.calls.map(\.input).dropFirst() == [Self.api, "PLEN-DEMO"])
        #expect(try JSONDecoder().decode([String: String].self, from: Data(agent.calls[0].input.utf8)) == ["plenar_1": Self.token])
        #expect(outcome.stderr.contains("later steps read each with buildkite-agent meta-data get NAME"))
        #expect(!outcome.stderr.contains(Self.token))
    }

    @Test("Buildkite: a meta-data set that fails is a warning naming what later steps miss; connect still succeeds")
    func buildkiteMetaDataFails() throws {
        let agent = ScriptedAgent([
            (["buildkite-agent", "redactor", "add", "--format", "json"], HelperOutcome(status: 0)),
            (
                ["buildkite-agent", "meta-data", "set", "PLENAR_API_URL"],
                HelperOutcome(status: nil, problem: "buildkite-agent could not be started")
            ),
            (["buildkite-agent", "meta-data", "set", "PLENAR_PROJECT_ID"], HelperOutcome(status: 0)),
        ])
        let outcome = try run(CIEnvironments.buildkite, agent: agent)
        #expect(outcome.status == 0)
        #expect(
            outcome.stderr.contains(
                "plenar: warning: buildkite-agent meta-data set failed (buildkite-agent could not be started): later steps will not see PLENAR_API_URL"
            ), "\(outcome.stderr)")
    }

    @Test("GitLab CI: a dotenv report when PLENAR_DOTENV names one; else a note saying how")
    func gitlab() throws {
        var environment = CIEnvironments.gitlab
        environment["PLENAR_DOTENV"] = "plenar.env"
        let files = FakeFiles()
        files.files["plenar.env"] = "BUILD_VERSION=v1.0.0\n"
        let outcome = try run(environment, files: files)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.files["plenar.env"] == "BUILD_VERSION=v1.0.0\nPLENAR_API_URL=\(Self.api)\nPLENAR_PROJECT_ID=PLEN-DEMO\n")
        #expect(outcome.stderr.contains("GitLab CI cannot mask a value at run time"))

        let unset = try run(CIEnvironments.gitlab)
        #expect(unset.status == 0)
        #expect(Set(unset.files.keys) == ["/repo/.mcp.json"])
        #expect(unset.stderr.contains("set PLENAR_DOTENV=plenar.env and add artifacts: reports: dotenv: plenar.env to this job"))
    }

    @Test("CircleCI: export lines for $BASH_ENV, single-quoted")
    func circleci() throws {
        let outcome = try run(CIEnvironments.circleci)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.files["/tmp/.bash_env-6fdd7e84"] == "export PLENAR_API_URL='\(Self.api)'\nexport PLENAR_PROJECT_ID='PLEN-DEMO'\n")
        #expect(CircleCI.shellQuoted("it's $HOME") == #"'it'\''s $HOME'"#)
    }

    @Test("Bitbucket Pipelines: KEY=VALUE lines for the shared variables file, and what the step must declare")
    func bitbucket() throws {
        let outcome = try run(CIEnvironments.bitbucket)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.files["/opt/atlassian/pipelines/agent/build/.bitbucket/variables"]
                == "PLENAR_API_URL=\(Self.api)\nPLENAR_PROJECT_ID=PLEN-DEMO\n")
        #expect(outcome.stderr.contains("if this step lists them under output-variables"))
    }

    @Test("Jenkins: nothing written but the config; a note on how to pass the values")
    func jenkins() throws {
        let outcome = try run(CIEnvironments.jenkins)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(Set(outcome.files.keys) == ["/repo/.mcp.json"])
        #expect(outcome.stderr.contains("Jenkins gives a step no way to set variables for later steps"))
    }

    @Test("a file for later steps that cannot be written fails connect and writes nothing", arguments: ["gitlab", "circleci", "bitbucket"])
    func fileFails(provider: String) throws {
        var environment = try #require(CIEnvironments.all.first { $0.provider == provider }).environment
        environment["PLENAR_DOTENV"] = "/job/plenar.env"
        let path =
            [
                "gitlab": "/job/plenar.env", "circleci": "/tmp/.bash_env-6fdd7e84",
                "bitbucket": environment["BITBUCKET_PIPELINES_VARIABLES_PATH"] ?? "",
            ][provider] ?? ""
        let files = FakeFiles()
        files.failing = [path]
        let outcome = try run(environment, files: files)
        #expect(outcome.status == 1)
        #expect(outcome.files.isEmpty)
        #expect(outcome.stderr.contains("no file was changed"), "\(outcome.stderr)")
    }

    @Test("status: Azure uploads a summary file of its own; a second status gets a second file")
    func azureSummary() throws {
        let files = FakeFiles()
        let first = try run(CIEnvironments.azure, files: files) { StatusCommand(json: false).run($0) }
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.files["/agent/_temp/plenar-status.md"]?.contains("| Organization | Acme |") == true)
        #expect(first.stderr.hasSuffix("##vso[task.uploadsummary]/agent/_temp/plenar-status.md\n"))
        let second = try run(CIEnvironments.azure, files: files) { StatusCommand(json: false).run($0) }
        #expect(second.stderr.hasSuffix("##vso[task.uploadsummary]/agent/_temp/plenar-status-2.md\n"))
        #expect(second.files["/agent/_temp/plenar-status.md"] == first.files["/agent/_temp/plenar-status.md"])
    }

    @Test("status: Buildkite annotates the build, the Markdown on stdin")
    func buildkiteSummary() throws {
        let agent = ScriptedAgent([
            (["buildkite-agent", "annotate", "--style", "info", "--context", "plenar-status"], HelperOutcome(status: 0))
        ])
        let outcome = try run(CIEnvironments.buildkite, agent: agent) { StatusCommand(json: false).run($0) }
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(agent.calls.first?.input.contains("| Organization | Acme |") == true)
    }

    @Test("status: no summary where the CI has none", arguments: ["gitlab", "circleci", "jenkins", "bitbucket"])
    func noSummary(provider: String) throws {
        let environment = try #require(CIEnvironments.all.first { $0.provider == provider }).environment
        let outcome = try run(environment) { StatusCommand(json: false).run($0) }
        #expect(outcome.status == 0)
        #expect(outcome.files.isEmpty)
        #expect(outcome.stderr.isEmpty, "\(outcome.stderr)")
    }

    /// A command that checks, when it starts, which agent calls were already made.
    final class WatchedChild: ChildRunner, @unchecked Sendable {
        let agent: ScriptedAgent
        var callsBeforeStart: Int?
        init(agent: ScriptedAgent) { self.agent = agent }

        func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
            _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
        ) -> ChildOutcome {
            callsBeforeStart = agent.calls.count
            return ChildOutcome(termination: .exited(0), started: .zero, ended: .zero)
        }
    }

    @Test("run under Buildkite: the command starts first; the redactor learns the masks after it, before the report")
    func runBuildkite() throws {
        let agent = ScriptedAgent([(["buildkite-agent", "redactor", "add", "--format", "json"], HelperOutcome(status: 0))])
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [.init(expect: ("POST", Self.api + "/runs"), answer: .success(HTTPReply(status: 202, body: Array(#"{"id":"run_1"}"#.utf8))))])
        var environment = CIEnvironments.buildkite
        environment["PLENAR_TOKEN"] = Self.token
        environment["PLENAR_API_URL"] = Self.api
        environment["DEPLOY_SECRET"] = "s3cr3t-deploy-value"
        var context = PlenarContext.ci(environment, agent: agent, clock: clock, transport: transport)
        let child = WatchedChild(agent: agent)
        context.children = child
        let ending = RunCommand(command: ["make", "test"]).run(context)
        #expect(ending.status == 0)
        #expect(child.callsBeforeStart == 0)
        agent.expectAllDone()
        let sent = try JSONDecoder().decode([String: String].self, from: Data(try #require(agent.calls.first).input.utf8))
        #expect(Set(sent.values).isSuperset(of: [Self.token, "s3cr3t-deploy-value"]))
        #expect(transport.unexpected.isEmpty && transport.steps.isEmpty)
    }

    @Test("run under GitLab: the note that only plenar run masks, once")
    func runGitLab() throws {
        let clock = FakeClock()
        let transport = ScriptedTransport(
            clock: clock,
            [.init(expect: ("POST", Self.api + "/runs"), answer: .success(HTTPReply(status: 202, body: Array(#"{"id":"run_1"}"#.utf8))))])
        var environment = CIEnvironments.gitlab
        environment["PLENAR_TOKEN"] = Self.token
        environment["PLENAR_API_URL"] = Self.api
        let stderr = Captured()
        var context = PlenarContext.ci(environment, clock: clock, transport: transport, stderr: stderr)
        context.children = ContractLogicTests.SucceedingChild()
        #expect(RunCommand(command: ["make", "test"]).run(context).status == 0)
        #expect(stderr.text.components(separatedBy: "GitLab CI cannot mask a value at run time").count == 2, "\(stderr.text)")
    }
}
