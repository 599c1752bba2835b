import Foundation
import PlenarAPI
import Testing

/// The real `action/` files, run by the dry-run engine the way the runner runs them, against a
/// real sandbox: what a workflow gets from the actions, and what it never shows.
@Suite("The GitHub Actions, run by the dry run against the sandbox")
struct ActionDryRunTests {
    static let workflow = Self.job(
        """
        - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683
        - name: Connect
          id: plenar
          uses: plenar/plenar-ci/action@0123456789012345678901234567890123456789
          with:
            key: ${{ secrets.PLENAR_TOKEN }}
        - name: Later step
          run: |
            echo "connected=${{ steps.plenar.outputs.connected }} org=${{ steps.plenar.outputs.organization }} mode=${{ steps.plenar.outputs.mode }} project=${{ steps.plenar.outputs.project-id }}"
            echo "env project=$PLENAR_PROJECT_ID api=$PLENAR_API_URL"
        - name: Wrapped
          uses: ./action/run
          env:
            DEPLOY_SECRET: hunter2-deploy-value
          with:
            name: deploy
            command: echo "key=$PLENAR_TOKEN secret=$DEPLOY_SECRET"; exit 3
        - name: Signal
          if: always()
          uses: ./action/signal
          with:
            kind: ci_finished
            status: ${{ job.status }}
        """)

    /// A one-job push workflow with the key in the job's env; `steps` are its step list.
    static func job(_ steps: String) -> String {
        let indented = steps.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "      " + $0 }
        return """
            name: ci
            on: push
            jobs:
              test:
                runs-on: ubuntu-latest
                env:
                  PLENAR_TOKEN: ${{ secrets.PLENAR_TOKEN }}
                steps:

            """ + indented.joined(separator: "\n")
    }

    struct Outcome {
        let result: ChildProcess
        var log: String { result.stdout + result.stderr }
    }

    static func dryRun(
        _ sandbox: RunningSandbox, key: String?, event: String = "push", timeout: String? = nil, workflow: String = workflow,
        plenarOnPath: Bool = true, env: [String: String] = [:], pathPrefix: String? = nil, arguments extra: [String] = []
    ) async throws -> Outcome {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-dryrun-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("workspace"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ci.yml")
        try Data(workflow.utf8).write(to: file)
        var arguments = [
            file.path, "--event", event, "--workspace", folder.appendingPathComponent("workspace").path,
            "--repository-root", PackageRoot.url.path, "--self-repository", "plenar/plenar-ci",
            "--env", "PLENAR_API_URL=\(sandbox.apiURL)",
        ]
        if let key { arguments += ["--secret", "PLENAR_TOKEN=\(key)"] }
        if let timeout { arguments += ["--env", "PLENAR_TIMEOUT_MS=\(timeout)"] }
        for (name, value) in env.sorted(by: { $0.key < $1.key }) { arguments += ["--env", "\(name)=\(value)"] }
        arguments += extra
        let path = [pathPrefix, plenarOnPath ? BuiltProducts.folder.path : nil, "/usr/bin:/bin"].compactMap { $0 }.joined(separator: ":")
        let result = try await ChildProcess.run(
            BuiltProducts.path("plenar-dry-run"), arguments,
            environment: ["PATH": path, "HOME": folder.path, "LANG": "C.UTF-8"]
        )
        return Outcome(result: result)
    }

    @Test("connect: its outputs and GITHUB_ENV reach later steps; the wrapped step's secrets are masked; its status is the step's")
    func connectThenRun() async throws {
        try await RunningSandbox.process { sandbox in
            let key = try sandbox.token("org_demo")
            let outcome = try await Self.dryRun(sandbox, key: key)
            let log = outcome.log
            #expect(outcome.result.status == 1, "the wrapped command's exit 3 fails the job: \(log)")
            #expect(log.contains("connected=true org=Acme mode=org-key project=PLEN-DEMO"), "\(log)")
            #expect(log.contains("env project=PLEN-DEMO api=\(sandbox.apiURL)"))
            #expect(log.contains("secret=***"), "\(log)")
            #expect(!log.contains("hunter2-deploy-value"))
            #expect(!log.contains(key) && !log.contains(String(key.dropFirst(4))), "the key never shows")
            let runs = try await sandbox.events().filter { $0["type"] == .string("run") }
            #expect(runs.last?["body"]?["exit_code"] == .number(3))
            #expect(runs.last?["body"]?["name"] == .string("deploy"))
            let signals = try await sandbox.events().filter { $0["type"] == .string("signal") }
            #expect(signals.last?["body"]?["status"] == .string("failure"), "if: always() reports the failed job")
        }
    }

    @Test("a pull request from a fork: no key, a warning, the job passes and nothing is sent")
    func forkPullRequest() async throws {
        try await RunningSandbox.process { sandbox in
            let workflow = Self.workflow.replacingOccurrences(of: "; exit 3", with: "")
            let outcome = try await Self.dryRun(sandbox, key: try sandbox.token("org_demo"), event: "pull_request_fork", workflow: workflow)
            #expect(outcome.result.status == 0, "\(outcome.log)")
            #expect(outcome.log.contains("the key is empty (pull requests from forks get no secrets)"), "\(outcome.log)")
            #expect(outcome.log.contains("connected=false"))
            #expect(try await sandbox.events().isEmpty)
        }
    }

    @Test("a fork's pull request on a runner with neither plenar nor Swift: nothing is installed, the job passes")
    func forkWithoutInstall() async throws {
        try await RunningSandbox.process { sandbox in
            let workflow = Self.workflow.replacingOccurrences(of: "; exit 3", with: "")
            let outcome = try await Self.dryRun(sandbox, key: nil, event: "pull_request_fork", workflow: workflow, plenarOnPath: false)
            #expect(outcome.result.status == 0, "\(outcome.log)")
            #expect(outcome.log.contains("no key: nothing to install"), "\(outcome.log)")
            #expect(outcome.log.contains("plenar is not installed: running the command without plenar's masking"))
        }
    }

    @Test("values plenar run masks are masked by the runner too, in later steps that print them unwrapped")
    func runnerLearnsMasks() async throws {
        try await RunningSandbox.process { sandbox in
            let workflow = Self.job(
                """
                - run: echo "DEPLOY_API_KEY=k-1795616936944911870" >> "$GITHUB_ENV"
                - uses: ./action/run
                  with:
                    command: echo "::add-mask::$DEPLOY_API_KEY"
                - run: echo "later $DEPLOY_API_KEY"
                """)
            let outcome = try await Self.dryRun(sandbox, key: try sandbox.token("org_demo"), workflow: workflow)
            #expect(outcome.result.status == 0, "\(outcome.log)")
            #expect(outcome.log.contains("later ***"), "\(outcome.log)")
            #expect(!outcome.log.contains("later k-"), "the value itself shows only in the first step's own script line")
        }
    }

    @Test("a value that starts with - reaches signal as a value, not an option")
    func dashValue() async throws {
        try await RunningSandbox.process { sandbox in
            let workflow = Self.job(
                """
                - uses: ./action/signal
                  with:
                    kind: deploy
                    message: "-- fix: handle --force"
                """)
            let outcome = try await Self.dryRun(sandbox, key: try sandbox.token("org_demo"), workflow: workflow)
            #expect(outcome.result.status == 0, "\(outcome.log)")
            #expect(try await sandbox.events().last?["body"]?["message"] == .string("-- fix: handle --force"))
        }
    }

    @Test("a revoked key fails the job at connect, with the CLI's exit 2")
    func revokedKey() async throws {
        try await RunningSandbox.process { sandbox in
            let outcome = try await Self.dryRun(sandbox, key: try sandbox.token("revoked"))
            #expect(outcome.result.status == 1)
            #expect(outcome.log.contains("was revoked (token_revoked)"), "\(outcome.log)")
            #expect(
                outcome.log.contains(
                    "step 2 \"Connect\": in plenar/plenar-ci/action@0123456789012345678901234567890123456789, step 4 \"Connect\": Process completed with exit code 2."
                ), "\(outcome.log)")
            #expect(!outcome.log.contains("connected=true"))
        }
    }

    @Test("a sandbox that hangs does not wedge the job past the deadline")
    func hangingService() async throws {
        try await RunningSandbox.process { sandbox in
            try await sandbox.injectFault(#"{"mode":"hang"}"#)
            let started = ContinuousClock.now
            let outcome = try await Self.dryRun(sandbox, key: try sandbox.token("org_demo"), timeout: "1000")
            let took = ContinuousClock.now - started
            #expect(outcome.result.status == 1, "connect cannot get an answer: exit 1 fails the job")
            #expect(outcome.log.contains("within 1000 ms"), "\(outcome.log)")
            // Connect, the run's report and the signal each give up at 1 s: generous for a loaded machine.
            // The hang lasts 300 s; a kept deadline ends it in about 3 s, however loaded the machine.
            #expect(took < .seconds(120), "took \(took)")
        }
    }
}
