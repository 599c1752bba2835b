import DryRun
import Foundation
import PlenarAPI
import Testing

/// Whole workflows (the fixtures in `Workflows/`) run by the built `plenar-dry-run` against a
/// real sandbox: jobs in needs order, matrices, a local reusable workflow, inputs and events, and
/// what the local run refuses before anything runs.
@Suite("Local runs of whole workflows against the sandbox")
struct LocalRunTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Workflows")

    struct Run {
        let child: ChildProcess
        let repository: Workspace
        var log: String { child.stdout + child.stderr }
        var lines: [String] { child.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

        /// The row of the job table for `name`.
        func row(_ name: String) -> String? {
            lines.first { $0.hasPrefix("  ") && $0.dropFirst(4).hasPrefix(name + " ") && $0.contains("  ") }
        }
    }

    /// A repository with the fixture `workflow` (and `extra` fixtures) under `.github/workflows`
    /// and this project's `action/` (a link), run with the sandbox's demo key as `PLENAR_TOKEN`.
    static func run(
        _ sandbox: RunningSandbox, _ workflow: String, extra: [String] = [], _ arguments: [String] = []
    ) async throws -> Run {
        let repository = try Workspace()
        for name in [workflow] + extra {
            let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
            try repository.write(".github/workflows/\(name)", text)
        }
        try FileManager.default.createSymbolicLink(
            at: repository.folder.appendingPathComponent("action"), withDestinationURL: PackageRoot.url.appendingPathComponent("action"))
        try FileManager.default.createDirectory(
            at: repository.folder.appendingPathComponent("workspace"), withIntermediateDirectories: true)
        let key = try sandbox.token("org_demo")
        let child = try await ChildProcess.run(
            BuiltProducts.path("plenar-dry-run"),
            [
                ".github/workflows/\(workflow)", "--repository-root", repository.folder.path, "--workspace", repository.path("workspace"),
                "--secret", "PLENAR_TOKEN=\(key)", "--env", "PLENAR_API_URL=\(sandbox.apiURL)",
            ] + arguments,
            environment: ["PATH": BuiltProducts.folder.path + ":/usr/bin:/bin", "HOME": repository.folder.path, "LANG": "C.UTF-8"],
            directory: repository.folder
        )
        return Run(child: child, repository: repository)
    }

    @Test("a matrix of 3 with one excluded and an include, then a matrix fed by an earlier job's output; --matrix picks")
    func matrix() async throws {
        try await RunningSandbox.process { sandbox in
            let run = try await Self.run(sandbox, "matrix.yml")
            defer { run.repository.remove() }
            #expect(run.child.status == 0, "\(run.log)")
            let lines = run.lines
            #expect(lines.contains("python=3.12 experimental= index=0/2"), "\(run.log)")
            #expect(lines.contains("python=3.13 experimental=true index=1/2"))
            #expect(!run.log.contains("python=3.11"), "excluded")
            #expect(lines.contains("deploying 1.0 after success") && lines.contains("deploying 2.0 after success"))
            #expect(run.row("test (ubuntu-latest, 3.12)")?.contains("success") == true, "\(run.log)")
            #expect(run.row("test (ubuntu-latest, 3.13, true)")?.contains("success") == true)
            #expect(run.row("deploy (1.0)") != nil && run.row("deploy (2.0)") != nil)
            #expect(run.log.contains("test: 2 combinations, run one after another here; fail-fast on"))
            let order = ["■ Job plan", "■ Job test (ubuntu-latest, 3.12)", "■ Job test (ubuntu-latest, 3.13, true)", "■ Job deploy (1.0)"]
            let positions = order.map { header in lines.firstIndex { $0.hasPrefix(header) } ?? -1 }
            #expect(positions == positions.sorted() && !positions.contains(-1), "needs order: \(positions)")

            let picked = try await Self.run(sandbox, "matrix.yml", ["--job", "test", "--matrix", "python=3.13"])
            defer { picked.repository.remove() }
            #expect(picked.child.status == 0, "\(picked.log)")
            #expect(!picked.log.contains("python=3.12"))
            #expect(picked.log.contains("test: 1 of 2 matrix combinations, as --matrix picks"))

            let none = try await Self.run(sandbox, "matrix.yml", ["--matrix", "python=2.7"])
            defer { none.repository.remove() }
            #expect(none.child.status == 2)
            #expect(
                none.child.stderr.contains(
                    "--matrix picks none of the matrix's combinations: (ubuntu-latest, 3.12), (ubuntu-latest, 3.13, true)"))
        }
    }

    @Test("a job that needs another's output; a failure skips what needs it, failure() and always() jobs run; --job and --only")
    func needs() async throws {
        try await RunningSandbox.process { sandbox in
            let passing = try await Self.run(sandbox, "needs.yml")
            defer { passing.repository.remove() }
            #expect(passing.child.status == 0, "\(passing.log)")
            #expect(passing.lines.contains("testing app-main.tar.gz (success)"))
            #expect(passing.lines.contains("publish was success"))
            #expect(passing.row("on-failure")?.contains("skipped  if: failure() is false") == true, "\(passing.log)")

            let failing = try await Self.run(sandbox, "needs.yml", ["--var", "TEST_EXIT=3"])
            defer { failing.repository.remove() }
            #expect(failing.child.status == 1, "\(failing.log)")
            #expect(failing.row("test")?.contains("failure") == true)
            #expect(failing.row("publish")?.contains("skipped  a job it needs did not succeed (test)") == true, "\(failing.log)")
            #expect(failing.lines.contains("cleaning up after failure"))
            #expect(failing.lines.contains("publish was skipped"))

            let target = try await Self.run(sandbox, "needs.yml", ["--job", "publish"])
            defer { target.repository.remove() }
            #expect(target.child.status == 0)
            // After the first-run note (each test run's repository is new), the run's header.
            #expect(
                target.lines.drop(while: { $0.hasPrefix("Note: the steps of") }).first
                    == "Local run of .github/workflows/needs.yml: event push, ref refs/heads/main; jobs build, test, publish"
            )
            #expect(!target.log.contains("publish was"))

            let only = try await Self.run(sandbox, "needs.yml", ["--job", "test", "--only"])
            defer { only.repository.remove() }
            #expect(only.child.status == 0, "\(only.log)")
            #expect(only.log.contains("needs: build taken as succeeded with empty outputs (--only); it does not run"))
            #expect(only.lines.contains("testing  (success)"))
            #expect(only.child.stdout.hasSuffix("✓ Job test succeeded\n"), "one job: no table")
        }
    }

    @Test("a local reusable workflow: typed inputs with a default, named and inherited secrets, outputs; its steps reach the sandbox")
    func reusableWorkflow() async throws {
        try await RunningSandbox.process { sandbox in
            let run = try await Self.run(sandbox, "reusable-caller.yml", extra: ["reusable.yml"])
            defer { run.repository.remove() }
            #expect(run.child.status == 0, "\(run.log)")
            #expect(run.lines.contains("env=staging retries=3 dry=true key=***"), "\(run.log)")
            #expect(run.lines.contains("env=production retries=1 dry=false key=***"))
            #expect(run.lines.contains("called said hello staging / hello production"))
            #expect(run.row("call / deploy")?.contains("success") == true)
            #expect(run.row("inherit / deploy")?.contains("success") == true)
            let key = try sandbox.token("org_demo")
            #expect(!run.log.contains(key))
            let signals = try await sandbox.events().filter { $0["type"] == .string("signal") }.map { "\($0)" }
            #expect(signals.count == 2, "\(signals)")
            #expect(signals.contains { $0.contains("deployed to staging") } && signals.contains { $0.contains("deployed to production") })
        }
    }

    @Test("workflow_dispatch inputs take their defaults, typed; --input sets them; --ref a tag; --event-file the payload")
    func inputsAndEvents() async throws {
        try await RunningSandbox.process { sandbox in
            let defaults = try await Self.run(sandbox, "dispatch.yml", ["--event", "workflow_dispatch"])
            defer { defaults.repository.remove() }
            #expect(defaults.child.status == 0, "\(defaults.log)")
            #expect(defaults.lines.contains("version=0.0.0-dev publish=false channel=beta payload=0.0.0-dev"), "\(defaults.log)")
            #expect(defaults.log.contains("○ Run echo \"publishing ${{ inputs.version }}\" (skipped: if: inputs.publish)"))

            let given = try await Self.run(
                sandbox, "dispatch.yml", ["--event", "workflow_dispatch", "--input", "version=1.2.3", "--input", "publish=true"])
            defer { given.repository.remove() }
            #expect(given.lines.contains("publishing 1.2.3"), "\(given.log)")

            let wrong = try await Self.run(sandbox, "dispatch.yml", ["--event", "workflow_dispatch", "--input", "publish=maybe"])
            defer { wrong.repository.remove() }
            #expect(wrong.child.status == 2)
            #expect(wrong.child.stderr.contains("input 'publish' is a boolean: give true or false, not 'maybe'"), "\(wrong.log)")

            let tag = try await Self.run(sandbox, "dispatch.yml", ["--event", "push", "--ref", "refs/tags/v1.2.3"])
            defer { tag.repository.remove() }
            #expect(tag.lines.contains("event=push ref=refs/tags/v1.2.3 name=v1.2.3 type=tag"), "\(tag.log)")
            #expect(tag.lines.contains("tag-version=v1.2.3"))
            #expect(tag.lines.contains("version= publish= channel= payload="), "a push has no inputs")

            let payload = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-payload-\(UUID().uuidString).json")
            try Data(#"{"ref": "refs/heads/feature-x", "custom": "from-file"}"#.utf8).write(to: payload)
            defer { try? FileManager.default.removeItem(at: payload) }
            let file = try await Self.run(sandbox, "dispatch.yml", ["--event-file", payload.path])
            defer { file.repository.remove() }
            #expect(file.lines.contains("event=push ref=refs/heads/feature-x name=feature-x type=branch"), "\(file.log)")
            #expect(file.lines.contains("custom=from-file in-file=1"))
        }
    }

    @Test("a Windows job is refused before anything runs, runs alone with --runs-on-host saying so; --job picks the Linux one")
    func windowsRefused() async throws {
        try await RunningSandbox.process { sandbox in
            let refused = try await Self.run(sandbox, "windows.yml")
            defer { refused.repository.remove() }
            #expect(refused.child.status == 2)
            #expect(
                refused.child.stderr.contains(
                    "windows.yml, job windows: runs-on windows-latest: a Windows runner; this machine runs Linux, with its own shell, so the local run refuses the job (give --runs-on-host to run its steps here anyway, or run other jobs with --job)"
                ), "\(refused.log)")
            #expect(!refused.log.contains("on linux"), "nothing ran")

            let linux = try await Self.run(sandbox, "windows.yml", ["--job", "linux"])
            defer { linux.repository.remove() }
            #expect(linux.child.status == 0, "\(linux.log)")

            let host = try await Self.run(sandbox, "windows.yml", ["--runs-on-host"])
            defer { host.repository.remove() }
            #expect(host.child.status == 0, "\(host.log)")
            #expect(
                host.log.contains(
                    "runs-on windows-latest is a Windows runner, run here with --runs-on-host: steps use this machine's shell"))
            #expect(host.lines.contains("runner.os=Linux"))
        }
    }

    @Test("a container job is refused, naming its line, before any step ran: an earlier job's side effect is absent")
    func containerRefused() async throws {
        try await RunningSandbox.process { sandbox in
            let refused = try await Self.run(sandbox, "container.yml")
            defer { refused.repository.remove() }
            #expect(refused.child.status == 2)
            #expect(
                refused.child.stderr
                    == "plenar-dry-run: error: .github/workflows/container.yml:11, job database: container: the local run has no container engine, so a job with container is refused (run another job with --job, or this one on GitHub)\n"
            )
            #expect(!FileManager.default.fileExists(atPath: refused.repository.path("workspace/side-effect-of-first")))

            let first = try await Self.run(sandbox, "container.yml", ["--job", "first"])
            defer { first.repository.remove() }
            #expect(first.child.status == 0, "\(first.log)")
            #expect(first.log.contains("· job database does not run; it would be refused: .github/workflows/container.yml:11"))
            #expect(FileManager.default.fileExists(atPath: first.repository.path("workspace/side-effect-of-first")))
        }
    }
}

@Suite("Matrix expansion: GitHub's include and exclude rules")
struct MatrixExpansionTests {
    static func object(_ pairs: [(String, ExpressionValue)]) -> ExpressionValue { .object(ExpressionObject(pairs)) }
    static func strings(_ values: [String]) -> ExpressionValue { .array(ExpressionArray(values.map { .string($0) })) }

    @Test("the docs' example: six combinations, include adding to originals, overwriting added values, or standing alone")
    func docsExample() throws {
        let matrix = Self.object([
            ("fruit", Self.strings(["apple", "pear"])), ("animal", Self.strings(["cat", "dog"])),
            (
                "include",
                .array(
                    ExpressionArray([
                        Self.object([("color", .string("green"))]),
                        Self.object([("color", .string("pink")), ("animal", .string("cat"))]),
                        Self.object([("fruit", .string("apple")), ("shape", .string("circle"))]),
                        Self.object([("fruit", .string("banana"))]),
                        Self.object([("fruit", .string("banana")), ("animal", .string("cat"))]),
                    ]))
            ),
        ])
        let labels = try MatrixExpansion.combinations(matrix).get().map(\.label)
        #expect(
            labels == [
                "apple, cat, pink, circle", "apple, dog, green, circle", "pear, cat, pink", "pear, dog, green", "banana", "banana, cat",
            ])
    }

    @Test("exclude matches partly; include alone makes one job per entry; an empty vector is an error")
    func excludeAndInclude() throws {
        let excluded = Self.object([
            ("os", Self.strings(["macos", "windows"])), ("version", .array(ExpressionArray([.number(12), .number(14), .number(16)]))),
            ("exclude", .array(ExpressionArray([Self.object([("os", .string("windows")), ("version", .number(16))])]))),
        ])
        #expect(try MatrixExpansion.combinations(excluded).get().count == 5)
        let includeOnly = Self.object([
            ("include", .array(ExpressionArray([Self.object([("site", .string("a"))]), Self.object([("site", .string("b"))])])))
        ])
        #expect(try MatrixExpansion.combinations(includeOnly).get().map(\.label) == ["a", "b"])
        let empty = Self.object([("os", .array(ExpressionArray([])))])
        #expect(throws: InputProblemMessage.self) { try MatrixExpansion.combinations(empty).get() }
    }
}
