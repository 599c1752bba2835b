import DryRun
import Foundation
import Platform
import Testing

/// `node` and `bwrap` on this machine, for tests that need them (each says why it skipped).
enum MachineTools {
    static let searchPath = "/usr/local/bin:/usr/bin:/bin"

    static func find(_ name: String) -> String? {
        guard let match = PathSearch.find(name, searchPath: searchPath), match.executable else { return nil }
        return match.path
    }

    static let node = find("node")

    /// bwrap is on PATH and can create the namespaces `--isolate` asks for here (unprivileged user
    /// namespaces may be off, or forbidden inside a container).
    static let bubblewrapWorks: Bool = {
        guard let bwrap = find("bwrap") else { return false }
        var spawn = Spawn(
            path: bwrap,
            arguments: [bwrap, "--unshare-user-try", "--unshare-ipc", "--unshare-uts", "--ro-bind", "/", "/", "--dev", "/dev"]
                + ["--proc", "/proc", "--tmpfs", "/tmp", "--", "/bin/sh", "-c", "true"],
            environment: ["PATH=\(searchPath)"])
        (spawn.stdin, spawn.stdout, spawn.stderr) = (.null, .null, .null)
        guard let pid = try? spawn.start(), case .exited(0)? = try? WaitStatus.reap(pid) else { return false }
        return true
    }()
}

@Suite("DryRun: local JavaScript actions (runs.using: node20) with node")
struct DryRunNodeActionTests {
    static let action = """
        name: Greeter
        inputs:
          who:
            default: ${{ github.event_name }}
          greeting word:
            default: hello
        outputs:
          said:
            description: What main said
        runs:
          using: node20
          pre: pre.js
          main: main.js
          post: post.js
        """

    static let pre = """
        const fs = require('fs');
        console.log(`pre: who=${process.env.INPUT_WHO}`);
        fs.appendFileSync(process.env.GITHUB_STATE, 'fromPre=1\\n');
        """

    static let main = """
        const fs = require('fs');
        const said = `${process.env.INPUT_GREETING_WORD} ${process.env.INPUT_WHO}`;
        console.log(`main: ${said} fromPre=${process.env.STATE_fromPre ?? 'none'} icu=${process.env.NODE_ICU_DATA ?? 'unset'}`);
        fs.appendFileSync(process.env.GITHUB_OUTPUT, `said=${said}\\n`);
        fs.appendFileSync(process.env.GITHUB_STATE, `started=${process.env.INPUT_WHO}\\n`);
        fs.appendFileSync(process.env.GITHUB_ENV, 'FROM_JS=yes\\n');
        console.log('::save-state name=viaCommand::cmd');
        if (process.env.INPUT_FAIL === 'yes') { console.log('::error::asked to fail'); process.exitCode = 1; }
        """

    static let post = """
        console.log(`post: started=${process.env.STATE_started} viaCommand=${process.env.STATE_viaCommand} fromPre=${process.env.STATE_fromPre ?? 'none'} who=${process.env.INPUT_WHO} env=${process.env.FROM_JS}`);
        """

    static let files = [
        "actions/greet/action.yml": action, "actions/greet/pre.js": pre, "actions/greet/main.js": main,
        "actions/greet/post.js": post,
    ]

    @Test(
        "inputs with defaults as INPUT_*, outputs and GITHUB_ENV to later steps, post stages after the last step in reverse order with STATE_*",
        .enabled(if: MachineTools.node != nil, "node is not on PATH here"))
    func mainAndPost() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    runs-on: ubuntu-latest
                    steps:
                      - run: echo first
                      - id: one
                        name: Greet the world
                        uses: ./actions/greet
                        with:
                          who: world
                      - id: two
                        uses: ./actions/greet
                        env:
                          NODE_ICU_DATA: /nowhere
                      - run: echo "out=${{ steps.one.outputs.said }} out2=${{ steps.two.outputs.said }} env=$FROM_JS"
                """,
            files: Self.files)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        let order = run.lines.filter {
            $0.hasPrefix("▶ ") || $0.hasPrefix("main:") || $0.hasPrefix("post:") || $0.hasPrefix("out=") || $0 == "first"
        }
        #expect(
            order == [
                "▶ Run echo first", "first",
                "▶ Greet the world", "main: hello world fromPre=none icu=unset",
                "▶ Run ./actions/greet", "main: hello push fromPre=none icu=unset",
                "▶ Run echo \"out=${{ steps.one.outputs.said }} out2=${{ steps.two.outputs.said }} env=$FROM_JS\"",
                "out=hello world out2=hello push env=yes",
                "▶ Post Run ./actions/greet", "post: started=push viaCommand=cmd fromPre=none who=push env=yes",
                "▶ Post Greet the world", "post: started=world viaCommand=cmd fromPre=none who=world env=yes",
            ], "\(run.log)")
        #expect(
            run.lines.contains("Warning: `pre` execution is not supported for local action from './actions/greet'"),
            "the runner runs no pre stage for a ./ action")
        #expect(!run.log.contains("pre: who="))
    }

    @Test(
        "this repository's OWNER/REPO/PATH@REF action runs its pre stage before the first step; a failing main still runs post-if: always(), not success()",
        .enabled(if: MachineTools.node != nil, "node is not on PATH here"))
    func preAndFailure() async throws {
        var files = Self.files
        files["actions/careful/action.yml"] = """
            inputs:
              fail:
                default: 'no'
            runs:
              using: node24
              main: ../greet/main.js
              post: ../greet/post.js
              post-if: success()
            """
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - run: echo first
                      - uses: plenar/plenar-ci/actions/greet@v1
                      - uses: ./actions/careful
                      - name: Fails
                        uses: ./actions/careful
                        with:
                          fail: 'yes'
                      - run: echo never
                """,
            files: files)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.result?.succeeded == false, "\(run.log)")
        let headers = run.lines.filter { $0.hasPrefix("▶ ") || $0.hasPrefix("○ ") }
        #expect(
            headers == [
                "▶ Pre Run plenar/plenar-ci/actions/greet@v1", "▶ Run echo first", "▶ Run plenar/plenar-ci/actions/greet@v1",
                "▶ Run ./actions/careful", "▶ Fails", "○ Run echo never (skipped: an earlier step failed)",
                "○ Post Fails (skipped: post-if: success())", "○ Post Run ./actions/careful (skipped: post-if: success())",
                "▶ Post Run plenar/plenar-ci/actions/greet@v1",
            ], "\(run.log)")
        #expect(run.lines.contains("pre: who=push"))
        #expect(run.lines.contains("main: hello push fromPre=1 icu=unset"), "the pre stage's state reaches main")
        #expect(run.lines.contains("post: started=push viaCommand=cmd fromPre=1 who=push env=yes"), "and post")
        #expect(run.lines.contains("Error: asked to fail"))
        let version = try await ChildProcess.run(try #require(MachineTools.node), ["--version"]).stdout
        let note = "· runs.using: node24: GitHub's runner runs it with node24; here with \(MachineTools.node ?? "") (\(version.dropLast()))"
        #expect(run.lines.contains(note) == !version.hasPrefix("v24."), "\(run.log)")
        #expect(run.result?.failures == ["step 4 \"Fails\": node exited with code 1"])
    }

    @Test(
        "a JavaScript action inside a composite action: its post stage runs after the job's last step, in the composite's indentation",
        .enabled(if: MachineTools.node != nil, "node is not on PATH here"))
    func insideComposite() async throws {
        var files = Self.files
        files["actions/wrap/action.yml"] = """
            runs:
              using: composite
              steps:
                - uses: ./actions/greet
                  with:
                    who: inner
            """
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - uses: ./actions/wrap
                      - run: echo last
                """,
            files: files)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        let order = run.lines.filter { $0.contains("▶ ") || $0.contains("main:") || $0.contains("post:") || $0 == "last" }
        #expect(
            order == [
                "▶ Run ./actions/wrap", "  ▶ Run ./actions/greet", "  main: hello inner fromPre=none icu=unset", "▶ Run echo last", "last",
                "  ▶ Post Run ./actions/greet", "  post: started=inner viaCommand=cmd fromPre=none who=inner env=yes",
            ], "\(run.log)")
    }

    @Test(
        "a pre stage registers the post stage: it runs even when the main stage is skipped, once when main runs",
        .enabled(if: MachineTools.node != nil, "node is not on PATH here"))
    func preRegistersPost() async throws {
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - uses: plenar/plenar-ci/actions/greet@v1
                        if: false
                      - uses: plenar/plenar-ci/actions/greet@v2
                """,
            files: Self.files)
        defer { fixture.remove() }
        let run = await fixture.run()
        #expect(run.succeeded, "\(run.log)")
        let headers = run.lines.filter { $0.hasPrefix("▶ ") || $0.hasPrefix("○ ") }
        #expect(
            headers == [
                "▶ Pre Run plenar/plenar-ci/actions/greet@v1", "▶ Pre Run plenar/plenar-ci/actions/greet@v2",
                "○ Run plenar/plenar-ci/actions/greet@v1 (skipped: if: false)", "▶ Run plenar/plenar-ci/actions/greet@v2",
                "▶ Post Run plenar/plenar-ci/actions/greet@v2", "▶ Post Run plenar/plenar-ci/actions/greet@v1",
            ], "\(run.log)")
        #expect(run.lines.contains("post: started=undefined viaCommand=undefined fromPre=1 who=push env=yes"), "only pre's state")
    }

    @Test("no node on PATH: the job is refused before its first step, naming the action")
    func nodeMissing() async throws {
        let empty = try Workspace(git: false)
        defer { empty.remove() }
        let fixture = try DryRunFixture(
            workflow: """
                on: push
                jobs:
                  test:
                    steps:
                      - run: echo first
                      - uses: ./actions/greet
                """,
            files: Self.files)
        defer { fixture.remove() }
        let run = await fixture.run(path: empty.folder.path)
        let message = try #require(run.error?.message, "\(run.log)")
        // Found by the checks before anything runs (Preflight), naming the job and the step.
        #expect(
            message.contains("job test, step 2 \"Run ./actions/greet\": uses: ./actions/greet is a JavaScript action (runs.using: node20)"),
            "\(message)")
        #expect(message.contains("node is not on PATH (\(empty.folder.path))"))
        #expect(message.contains("Install Node.js"))
        #expect(!run.log.contains("first"))
    }

    @Test("action.yml: runs.main is required, pre-if and post-if default to always(), docker is refused")
    func parse() throws {
        let node = try ActionDefinition.parse(Self.action, file: "a/action.yml", directory: "/repo/a")
        guard case .node(let action) = node else {
            Issue.record("not a node action")
            return
        }
        #expect(action.main == "main.js" && action.pre == "pre.js" && action.post == "post.js")
        #expect(action.preCondition.source == "always()" && action.postCondition.source == "always()")
        #expect(action.inputs.map(\.name) == ["who", "greeting word"])

        #expect(
            throws: DryRunError(
                "a/action.yml: runs.main: You are using a JavaScript Action but there is not an entry JavaScript file provided in a/action.yml."
            )
        ) {
            try ActionDefinition.parse("runs:\n  using: node20\n", file: "a/action.yml", directory: "/repo/a")
        }
        #expect(
            throws: DryRunError(
                "a/action.yml: runs.using: 'docker' actions are not run by the dry run; only composite and node actions are")
        ) {
            try ActionDefinition.parse("runs:\n  using: docker\n  image: Dockerfile\n", file: "a/action.yml", directory: "/repo/a")
        }
    }
}
