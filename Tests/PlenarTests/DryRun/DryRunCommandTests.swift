import Foundation
import Testing

/// The built `plenar-dry-run`: its log on stdout, its message on stderr, its exit status.
@Suite("plenar-dry-run binary: exit statuses and messages")
struct DryRunCommandTests {
    func run(_ arguments: [String], workflow: String) async throws -> (ChildProcess, Workspace) {
        let repository = try Workspace()
        try repository.write("ci.yml", workflow)
        let child = try await ChildProcess.run(
            BuiltProducts.path("plenar-dry-run"), arguments,
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "SECRET_FROM_ENV": "env-secret"],
            directory: repository.folder
        )
        return (child, repository)
    }

    @Test("0 when the job succeeds; a secret given by name comes from the environment and is masked")
    func success() async throws {
        let (child, repository) = try await run(
            ["ci.yml", "--secret", "SECRET_FROM_ENV", "--repository-root", "."],
            workflow: "on: push\njobs:\n  test:\n    steps:\n      - run: echo \"value ${{ secrets.SECRET_FROM_ENV }}\"\n"
        )
        defer { repository.remove() }
        #expect(child.status == 0, "\(child.stdout)\(child.stderr)")
        #expect(child.stdout.contains("\nvalue ***\n"))
        #expect(child.stdout.hasSuffix("✓ Job test succeeded\n"))
    }

    @Test("1 when the job fails, naming the step; 2 for what the dry run cannot run; 64 for usage")
    func failures() async throws {
        let (failed, first) = try await run(
            ["ci.yml"], workflow: "on: push\njobs:\n  test:\n    steps:\n      - name: Boom\n        run: exit 4\n")
        defer { first.remove() }
        #expect(failed.status == 1)
        #expect(failed.stdout.hasSuffix("✗ Job test failed\n  ✗ step 1 \"Boom\": Process completed with exit code 4.\n"))

        let (unsupported, second) = try await run(
            ["ci.yml"], workflow: "on: push\njobs:\n  test:\n    container: swift:6\n    steps:\n      - run: true\n")
        defer { second.remove() }
        #expect(unsupported.status == 2)
        #expect(
            unsupported.stderr
                == "plenar-dry-run: error: ci.yml:4, job test: container: the local run has no container engine, so a job with container is refused (run another job with --job, or this one on GitHub)\n"
        )

        let (usage, third) = try await run(["ci.yml", "--event", "not an event"], workflow: "on: push\n")
        defer { third.remove() }
        #expect(usage.status == 64)
    }

    @Test("usage errors: --input and --matrix need NAME=VALUE, --only needs --job, --ref a full ref")
    func usage() async throws {
        for arguments in [["--input", "version"], ["--matrix", "=x"], ["--only"], ["--ref", "v1.2.3"]] {
            let (child, repository) = try await run(
                ["ci.yml"] + arguments, workflow: "on: push\njobs:\n  a:\n    steps:\n      - run: true\n")
            defer { repository.remove() }
            #expect(child.status == 64, "\(arguments): \(child.stderr)")
        }
    }
}
