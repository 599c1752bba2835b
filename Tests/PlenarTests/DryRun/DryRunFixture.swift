import DryRun
import Foundation
import Testing

/// A workflow with its actions in a throw-away repository folder, run by the engine with real
/// bash, on a thread of its own (the steps block it while they run).
struct DryRunFixture: Sendable {
    let repository: Workspace

    struct Outcome: Sendable {
        let result: DryRunResult?
        let error: DryRunError?
        let lines: [String]

        var log: String { lines.joined(separator: "\n") }
        var succeeded: Bool { result?.succeeded == true }

        /// The lines printed under the step whose header contains `name`, up to the next header.
        func output(of name: String) -> [String] {
            guard let start = lines.firstIndex(where: { $0.hasPrefix("▶ ") && $0.contains(name) }) else { return [] }
            let rest = lines[(start + 1)...]
            return Array(rest.prefix { !$0.hasPrefix("▶ ") && !$0.hasPrefix("○ ") && !$0.isEmpty })
        }
    }

    /// `files` are paths in the repository (`.github/workflows/ci.yml` is the workflow) and their text.
    init(workflow: String, files: [String: String] = [:]) throws {
        repository = try Workspace()
        try repository.write(".github/workflows/ci.yml", workflow)
        for (path, text) in files { try repository.write(path, text) }
    }

    func run(
        job: String? = nil, event: DryRunEvent? = nil, secrets: [NamedValue] = [], vars: [NamedValue] = [],
        env: [NamedValue] = [], minute: Duration = .seconds(60), path: String = "/usr/local/bin:/usr/bin:/bin", isolate: Bool = false,
        configure: (inout DryRunOptions) -> Void = { _ in }
    ) async -> Outcome {
        var options = DryRunOptions(
            workflowFile: repository.path(".github/workflows/ci.yml"), job: job, event: event, secrets: secrets, vars: vars, env: env,
            repositoryRoot: repository.folder.path, sha: "0123456789abcdef0123456789abcdef01234567",
            hostEnvironment: ["PATH": path, "LANG": "C.UTF-8", "TMPDIR": NSTemporaryDirectory()],
            minute: minute
        )
        options.isolate = isolate
        configure(&options)
        let configured = options
        return await OffPool.run {
            let log = CapturedLog()
            do throws(DryRunError) {
                let result = try JobRunner.run(configured, output: log)
                return Outcome(result: result, error: nil, lines: log.lines)
            } catch {
                return Outcome(result: nil, error: error, lines: log.lines)
            }
        }
    }

    func remove() {
        repository.remove()
    }
}
