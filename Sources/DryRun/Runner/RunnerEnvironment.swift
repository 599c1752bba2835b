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

    init(options: DryRunOptions, workflow: Workflow, job: Job, token: String) throws(DryRunError) {
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
        let owner = String(repository.prefix { $0 != "/" })
        let repositoryName = String(repository.split(separator: "/").last ?? "app")
        let sha = options.sha ?? String(repeating: "0", count: 40)
        let fork = options.event == .pullRequestFork
        let actor = fork ? "fork-contributor" : "dry-run"
        let ref = fork ? "refs/pull/1/merge" : "refs/heads/main"
        let runID = String(UInt32.random(in: 1_000_000...UInt32.max))
        let workflowPath = Self.workflowPath(workflow.file)

        let repositoryValue = ExpressionValue.object([
            ("name", .string(repositoryName)), ("full_name", .string(repository)), ("owner", .object([("login", .string(owner))])),
            ("fork", .bool(false)), ("private", .bool(false)), ("default_branch", .string("main")),
        ])
        let event: ExpressionValue
        if fork {
            let forkRepository = ExpressionValue.object([
                ("name", .string(repositoryName)), ("full_name", .string("\(actor)/\(repositoryName)")),
                ("owner", .object([("login", .string(actor))])), ("fork", .bool(true)), ("private", .bool(false)),
            ])
            event = .object([
                ("action", .string("opened")), ("number", .number(1)),
                (
                    "pull_request",
                    .object([
                        ("number", .number(1)), ("title", .string("Dry run")), ("user", .object([("login", .string(actor))])),
                        (
                            "head",
                            .object([
                                ("ref", .string("feature")), ("sha", .string(sha)), ("label", .string("\(actor):feature")),
                                ("repo", forkRepository),
                            ])
                        ),
                        (
                            "base",
                            .object([
                                ("ref", .string("main")), ("sha", .string(sha)), ("label", .string("\(owner):main")),
                                ("repo", repositoryValue),
                            ])
                        ),
                    ])
                ),
                ("repository", repositoryValue), ("sender", .object([("login", .string(actor))])),
            ])
        } else {
            event = .object([
                ("ref", .string(ref)), ("before", .string(String(repeating: "0", count: 40))), ("after", .string(sha)),
                ("created", .bool(false)), ("deleted", .bool(false)), ("forced", .bool(false)),
                ("head_commit", .object([("id", .string(sha)), ("message", .string("Dry run"))])),
                ("pusher", .object([("name", .string(actor))])), ("repository", repositoryValue),
                ("sender", .object([("login", .string(actor))])),
            ])
        }
        do {
            try Data(event.json().utf8).write(to: URL(fileURLWithPath: eventPath))
        } catch {
            throw DryRunError("cannot write the event payload \(eventPath): \(error.localizedDescription)")
        }

        github = [
            ("action_ref", .string("")), ("action_repository", .string("")), ("actor", .string(actor)), ("actor_id", .string("1")),
            ("api_url", .string("https://api.github.com")), ("base_ref", .string(fork ? "main" : "")),
            ("event", event), ("event_name", .string(options.event.eventName)), ("event_path", .string(eventPath)),
            ("graphql_url", .string("https://api.github.com/graphql")), ("head_ref", .string(fork ? "feature" : "")),
            ("job", .string(job.id)), ("ref", .string(ref)), ("ref_name", .string(fork ? "1/merge" : "main")),
            ("ref_protected", .string("false")), ("ref_type", .string("branch")), ("repository", .string(repository)),
            ("repository_id", .string("1")), ("repository_owner", .string(owner)), ("repository_owner_id", .string("1")),
            ("retention_days", .string("90")), ("run_attempt", .string("1")), ("run_id", .string(runID)),
            ("run_number", .string("1")), ("server_url", .string("https://github.com")), ("sha", .string(sha)),
            ("token", .string(token)), ("triggering_actor", .string(actor)), ("workflow", .string(workflow.name ?? workflowPath)),
            ("workflow_ref", .string("\(repository)/\(workflowPath)@\(ref)")), ("workflow_sha", .string(sha)),
            ("workspace", .string(workspace)),
        ]

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
        if let sandbox = options.oidcSandbox, !fork, OIDCRunnerToken.grantsIDToken(job: job.permissions, workflow: workflow.permissions) {
            let variables = try OIDCRunnerToken.variables(
                sandbox: sandbox, repository: repository, ref: ref, sha: sha, event: options.event.eventName, runID: runID,
                workflowRef: "\(repository)/\(workflowPath)@\(ref)")
            environment.merge(variables) { _, new in new }
        }
        baseEnvironment = environment
    }

    /// `.github/workflows/ci.yml` for a file under the repository's workflows folder, else its name.
    private static func workflowPath(_ file: String) -> String {
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
