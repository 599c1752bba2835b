import Foundation

/// The files one step gets to talk to the runner, fresh and empty for each step as the runner
/// makes them: `GITHUB_ENV`, `GITHUB_OUTPUT`, `GITHUB_PATH`, `GITHUB_STEP_SUMMARY`, `GITHUB_STATE`.
struct StepFiles {
    let env: String
    let output: String
    let path: String
    let summary: String
    let state: String

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}

/// The throw-away runner machine: a temporary folder holding `RUNNER_TEMP`, the tool cache, the
/// step files, the event payload and (unless one is given) the workspace, plus the `github` and
/// `runner` contexts and the environment every step starts from.
///
/// The environment has `CI=true`, `GITHUB_ACTIONS=true`, PATH, HOME, USER, LOGNAME, SHELL, TERM,
/// TMPDIR, LANG and LC_* from the caller (HOME a fresh folder when the caller has none), and
/// `--env`. Each step then adds the `env` context and the `GITHUB_*` and `RUNNER_*` variables of
/// its `github` and `runner` contexts, which win, as on the runner.
final class RunnerEnvironment {
    let root: String
    let temp: String
    let workspace: String
    let eventPath: String
    private let fileCommands: String
    private var stepCount = 0

    /// The `github` context without the per-step entries.
    let github: [(String, ExpressionValue)]
    let runner: ExpressionValue
    let baseEnvironment: [String: String]

    /// The `github` keys the runner exports as `GITHUB_<KEY>` to steps.
    static let exportedGitHubKeys = [
        "action", "action_path", "action_ref", "action_repository", "actor", "actor_id", "api_url", "base_ref", "env",
        "event_name", "event_path", "graphql_url", "head_ref", "job", "output", "path", "ref", "ref_name", "ref_protected",
        "ref_type", "repository", "repository_id", "repository_owner", "repository_owner_id", "retention_days",
        "run_attempt", "run_id", "run_number", "server_url", "sha", "state", "step_summary", "triggering_actor",
        "workflow", "workflow_ref", "workflow_sha", "workspace",
    ]

    init(options: DryRunOptions, event: RunEvent, workflow: Workflow, job: Job, token: String) throws(DryRunError) {
        let host = options.hostEnvironment
        let base = host["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        root = (base as NSString).appendingPathComponent("plenar-dry-run-\(UUID().uuidString.prefix(8).lowercased())")
        temp = root + "/temp"
        fileCommands = root + "/_runner_file_commands"
        eventPath = root + "/event.json"
        workspace = options.workspace.map { ($0 as NSString).standardizingPath } ?? root + "/workspace"
        let toolCache = root + "/tool-cache"
        let home = host["HOME"] ?? root + "/home"
        do {
            // The runner folder holds step scripts with secrets expanded: its owner's alone.
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for folder in [temp, fileCommands, toolCache, workspace] + (host["HOME"] == nil ? [home] : []) {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        } catch {
            throw DryRunError("cannot create the runner's folders under \(root): \(error.localizedDescription)")
        }

        let repository = options.repository
        let workflowPath = Self.workflowPath(workflow.file)
        do {
            try Data(event.payload.json().utf8).write(to: URL(fileURLWithPath: eventPath))
        } catch {
            throw DryRunError("cannot write the event payload \(eventPath): \(error.localizedDescription)")
        }
        let ref = event.ref
        let sha = event.sha
        github = event.github(options: options, workflow: workflow, jobID: job.id, workspace: workspace, eventPath: eventPath, token: token)

        let (os, arch) = Self.platform()
        runner = .object([
            ("name", .string("plenar-dry-run")), ("os", .string(os)), ("arch", .string(arch)), ("temp", .string(temp)),
            ("tool_cache", .string(toolCache)), ("environment", .string("github-hosted")),
        ])

        var environment: [String: String] = [:]
        for (name, value) in host
        where ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "TMPDIR", "LANG"].contains(name) || name.hasPrefix("LC_") {
            environment[name] = value
        }
        environment["HOME"] = home
        environment["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for variable in options.env { environment[variable.name] = variable.value }
        environment["CI"] = "true"
        environment["GITHUB_ACTIONS"] = "true"
        if let sandbox = options.oidcSandbox, !event.fromFork,
            OIDCRunnerToken.grantsIDToken(job: job.permissions, workflow: workflow.permissions)
        {
            let variables = try OIDCRunnerToken.variables(
                sandbox: sandbox, repository: repository, ref: ref, sha: sha, event: event.name, runID: event.runID,
                workflowRef: "\(repository)/\(workflowPath)@\(ref)")
            environment.merge(variables) { _, new in new }
        }
        baseEnvironment = environment
    }

    /// `.github/workflows/ci.yml` for a file under the repository's workflows folder, else its name.
    static func workflowPath(_ file: String) -> String {
        if let range = file.range(of: ".github/workflows/") { return String(file[range.lowerBound...]) }
        return (file as NSString).lastPathComponent
    }

    /// `runner.os` and `runner.arch` as the runner spells them.
    static func platform() -> (String, String) {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let os = field(name.sysname) == "Darwin" ? "macOS" : "Linux"
        let arch =
            switch field(name.machine) {
            case "x86_64", "amd64": "X64"
            case "aarch64", "arm64": "ARM64"
            case let machine where machine.hasPrefix("arm"): "ARM"
            default: "X86"
            }
        return (os, arch)
    }

    /// Fresh empty files for the next step.
    func stepFiles() throws(DryRunError) -> StepFiles {
        stepCount += 1
        let suffix = "\(stepCount)"
        let files = StepFiles(
            env: "\(fileCommands)/set_env_\(suffix)", output: "\(fileCommands)/set_output_\(suffix)",
            path: "\(fileCommands)/add_path_\(suffix)", summary: "\(fileCommands)/step_summary_\(suffix)",
            state: "\(fileCommands)/save_state_\(suffix)"
        )
        for path in [files.env, files.output, files.path, files.summary, files.state] {
            guard FileManager.default.createFile(atPath: path, contents: Data()) else {
                throw DryRunError("cannot create the step file \(path)")
            }
        }
        return files
    }

    /// Removes the temporary folder, with the workspace when the dry run made it (a given
    /// workspace is elsewhere and stays).
    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
