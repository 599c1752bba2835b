import Foundation
import PlenarAPI
import Testing

/// The built `plenar-dry-run` against a real sandbox: a local JavaScript action that calls
/// `plenar`, `--isolate` with bubblewrap, and what a run without it says.
@Suite("plenar-dry-run against the sandbox: JavaScript actions and --isolate")
struct LocalRunSandboxTests {
    static let action = """
        inputs:
          kind:
            required: true
          status:
            default: from-${{ github.event_name }}
        outputs:
          id:
            description: The stored signal's id
        runs:
          using: node20
          main: main.js
          post: post.js
        """

    static let main = """
        const fs = require('fs');
        const { execFileSync } = require('child_process');
        const sent = JSON.parse(execFileSync('plenar', ['signal', process.env.INPUT_KIND, '--status', process.env.INPUT_STATUS, '--json']));
        console.log(`main: sent ${process.env.INPUT_KIND} status=${process.env.INPUT_STATUS}`);
        fs.appendFileSync(process.env.GITHUB_OUTPUT, `id=${sent.id}\\n`);
        fs.appendFileSync(process.env.GITHUB_STATE, `sent=${sent.id}\\n`);
        """

    static let post = """
        const { execFileSync } = require('child_process');
        execFileSync('plenar', ['signal', 'node_post', '--status', process.env.STATE_sent], { stdio: 'inherit' });
        console.log(`post: reported ${process.env.STATE_sent}`);
        """

    struct Run {
        let result: ChildProcess
        let folder: URL
        var log: String { result.stdout + result.stderr }
        var workspace: URL { folder.appendingPathComponent("workspace") }
        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Runs `workflow` from a throw-away repository holding the action, as `scripts/dry-run` does.
    static func localRun(
        _ sandbox: RunningSandbox?, workflow: String, arguments extra: [String] = [], path: String? = nil, home: URL? = nil
    ) async throws -> Run {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-localrun-\(UUID().uuidString)")
        let files = [
            ".github/workflows/ci.yml": workflow, "actions/report/action.yml": action, "actions/report/main.js": main,
            "actions/report/post.js": post,
        ]
        for (file, text) in files {
            let url = folder.appendingPathComponent("repository").appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("workspace"), withIntermediateDirectories: true)
        var arguments = [
            folder.appendingPathComponent("repository/.github/workflows/ci.yml").path, "--workspace",
            folder.appendingPathComponent("workspace").path, "--repository-root", folder.appendingPathComponent("repository").path,
        ]
        if let sandbox {
            arguments += ["--secret", "PLENAR_TOKEN=\(try sandbox.token("org_demo"))", "--env", "PLENAR_API_URL=\(sandbox.apiURL)"]
        }
        let result = try await ChildProcess.run(
            BuiltProducts.path("plenar-dry-run"), arguments + extra,
            environment: [
                "PATH": path ?? "\(BuiltProducts.folder.path):\(MachineTools.searchPath)", "HOME": (home ?? folder).path,
                "LANG": "C.UTF-8", "USER": "tester",
            ]
        )
        return Run(result: result, folder: folder)
    }

    static let reportJob = """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            env:
              PLENAR_TOKEN: ${{ secrets.PLENAR_TOKEN }}
            steps:
              - id: js
                name: Report
                uses: ./actions/report
                with:
                  kind: node_main
              - run: echo "later step sees id=${{ steps.js.outputs.id }}"
        """

    @Test(
        "a local node action: its input default, its output in a later step, its post stage last, each calling plenar against the sandbox",
        .enabled(if: MachineTools.node != nil, "node is not on PATH here"))
    func nodeActionAgainstSandbox() async throws {
        try await RunningSandbox.process { sandbox in
            let run = try await Self.localRun(sandbox, workflow: Self.reportJob)
            defer { run.remove() }
            #expect(run.result.status == 0, "\(run.log)")
            let lines = run.result.stdout.split(separator: "\n").map(String.init)
            let order = lines.filter { $0.hasPrefix("▶ ") || $0.hasPrefix("main:") || $0.hasPrefix("post:") || $0.hasPrefix("later") }
            #expect(order.count == 6, "\(run.log)")
            let id = try #require(
                lines.first { $0.hasPrefix("later step sees id=") }.map { String($0.dropFirst("later step sees id=".count)) })
            #expect(id.hasPrefix("signal_"), "the action's output: \(id)")
            #expect(
                order == [
                    "▶ Report", "main: sent node_main status=from-push", "▶ Run echo \"later step sees id=${{ steps.js.outputs.id }}\"",
                    "later step sees id=\(id)", "▶ Post Report", "post: reported \(id)",
                ])
            let signals = try await sandbox.events().filter { $0["type"] == .string("signal") }
            #expect(signals.map { $0["body"]?["kind"] } == [.string("node_main"), .string("node_post")], "\(signals)")
            #expect(signals.first?["body"]?["status"] == .string("from-push"), "the input's default")
            #expect(signals.last?["body"]?["status"] == .string(id), "STATE_sent, saved by main, read by post")
        }
    }

    static let isolatedJob = """
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            env:
              PLENAR_TOKEN: ${{ secrets.PLENAR_TOKEN }}
            steps:
              - run: |
                  echo inside > "$GITHUB_WORKSPACE/inside.txt" && echo "workspace write: ok"
                  if echo outside 2>/dev/null > "$HOME/outside.txt"; then echo "home write: ok"; else echo "home write: refused"; fi
                  if echo x 2>/dev/null > /etc/plenar-isolation-test; then echo "etc write: ok"; else echo "etc write: refused"; fi
                  echo private > /tmp/plenar-isolation-private && echo "tmp write: ok, $(ls -A /tmp | wc -l) entries"
                  plenar signal isolated --status ok
                  port=${PLENAR_API_URL#http://127.0.0.1:}; port=${port%%/*}
                  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "sandbox: reached"; else echo "sandbox: out of reach"; fi
              - run: cat "$GITHUB_WORKSPACE/inside.txt"
        """

    @Test(
        "--isolate: a step writes its workspace and a private /tmp, not HOME or /etc; plenar still reaches the sandbox on loopback",
        .enabled(if: MachineTools.bubblewrapWorks, "bwrap is not on PATH or cannot create namespaces here (user namespaces off?)"))
    func isolatedStep() async throws {
        try await RunningSandbox.process { sandbox in
            let run = try await Self.localRun(sandbox, workflow: Self.isolatedJob, arguments: ["--isolate"])
            defer { run.remove() }
            #expect(run.result.status == 0, "\(run.log)")
            for line in ["workspace write: ok", "home write: refused", "etc write: refused", "sandbox: reached", "inside"] {
                #expect(run.result.stdout.contains("\n\(line)\n"), "\(line): \(run.log)")
            }
            #expect(run.result.stdout.contains("· --isolate: each step runs in bubblewrap"))
            #expect(!run.result.stdout.contains("Note: the steps of"), "an isolated run needs no warning")
            #expect(FileManager.default.fileExists(atPath: run.workspace.appendingPathComponent("inside.txt").path))
            #expect(!FileManager.default.fileExists(atPath: run.folder.appendingPathComponent("outside.txt").path))
            #expect(!FileManager.default.fileExists(atPath: "/etc/plenar-isolation-test"))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/plenar-isolation-private"), "/tmp is the step's own")
            let signals = try await sandbox.events().filter { $0["type"] == .string("signal") }
            #expect(signals.map { $0["body"]?["kind"] } == [.string("isolated")], "\(run.log)")
        }
    }

    @Test(
        "--isolate --offline: a step has a loopback of its own; the sandbox on this machine's 127.0.0.1 is out of reach",
        .enabled(if: MachineTools.bubblewrapWorks, "bwrap is not on PATH or cannot create namespaces here (user namespaces off?)"))
    func offlineStep() async throws {
        try await RunningSandbox.process { sandbox in
            let run = try await Self.localRun(sandbox, workflow: Self.isolatedJob, arguments: ["--isolate", "--offline"])
            defer { run.remove() }
            #expect(run.result.status == 0, "plenar signal only warns when the service is out of reach: \(run.log)")
            for line in ["workspace write: ok", "home write: refused", "sandbox: out of reach", "inside"] {
                #expect(run.result.stdout.contains("\n\(line)\n"), "\(line): \(run.log)")
            }
            #expect(run.result.stdout.contains("; no network (a loopback of its own: this machine's 127.0.0.1 is out of reach)"))
            #expect(try await sandbox.events().isEmpty, "nothing reached the sandbox")
        }
    }

    @Test("--isolate without bwrap on PATH: refused before any step, exit 2, saying what to install; --offline alone: 64")
    func isolateWithoutBubblewrap() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-nobwrap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let run = try await Self.localRun(nil, workflow: Self.isolatedJob, arguments: ["--isolate"], path: empty.path)
        defer { run.remove() }
        #expect(run.result.status == 2, "\(run.log)")
        #expect(
            run.result.stderr.hasPrefix(
                "plenar-dry-run: error: --isolate: bwrap (bubblewrap) is not on PATH (\(empty.path)); install it (Debian and Ubuntu: apt-get install bubblewrap)"
            ), "\(run.result.stderr)")
        #expect(!run.result.stdout.contains("workspace write"))
        #expect(!FileManager.default.fileExists(atPath: run.workspace.appendingPathComponent("inside.txt").path))

        let usage = try await Self.localRun(nil, workflow: Self.isolatedJob, arguments: ["--offline"])
        defer { usage.remove() }
        #expect(usage.result.status == 64, "--offline alone is a usage error: \(usage.log)")
    }

    @Test("without --isolate, the first run of a workflow says its steps run on this machine; later runs do not")
    func unisolatedNotice() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-home-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let workflow = "on: push\njobs:\n  test:\n    steps:\n      - run: echo hello\n"
        let first = try await Self.localRun(nil, workflow: workflow, home: home)
        defer { first.remove() }
        #expect(first.result.status == 0, "\(first.log)")
        #expect(
            first.result.stdout.hasPrefix(
                "Note: the steps of \(first.folder.path)/repository/.github/workflows/ci.yml run on this machine, as tester, with your files and network"
            ), "\(first.log)")
        let seen = try #require(
            try? String(contentsOf: home.appendingPathComponent(".local/state/plenar-dry-run/unisolated-workflows"), encoding: .utf8))
        #expect(seen == first.folder.path + "/repository/.github/workflows/ci.yml\n")

        // The same file again: no note.
        let again = try await ChildProcess.run(
            BuiltProducts.path("plenar-dry-run"),
            [first.folder.path + "/repository/.github/workflows/ci.yml", "--repository-root", first.folder.path + "/repository"],
            environment: ["PATH": MachineTools.searchPath, "HOME": home.path, "LANG": "C.UTF-8"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(!again.stdout.contains("Note: the steps of"), "\(again.stdout)")
    }
}
