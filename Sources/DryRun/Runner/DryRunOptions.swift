import Foundation
import Platform

/// The event the dry run pretends started the workflow.
public enum DryRunEvent: String, Sendable, CaseIterable {
    /// A push to main of the repository itself: `GITHUB_EVENT_NAME=push`, `refs/heads/main`,
    /// secrets as given.
    case push
    /// A pull request from a fork: `GITHUB_EVENT_NAME=pull_request`, `refs/pull/1/merge`,
    /// `github.event.pull_request.head.repo.fork == true`, and every secret empty, since GitHub
    /// gives a fork's pull requests none.
    case pullRequestFork = "pull_request_fork"

    var eventName: String {
        switch self {
        case .push: "push"
        case .pullRequestFork: "pull_request"
        }
    }
}

/// Everything a dry run needs, decided by its caller; the engine reads nothing else from the
/// machine except what steps do.
public struct DryRunOptions: Sendable {
    /// The workflow file, absolute or relative to the current folder.
    public var workflowFile: String
    /// The job to run; nil when the workflow has only one.
    public var job: String?
    public var event: DryRunEvent
    /// `GITHUB_WORKSPACE`; nil for a fresh empty folder, removed afterwards.
    public var workspace: String?
    /// `--secret`: the `secrets` context, masked in the log from the start.
    public var secrets: [NamedValue]
    /// `--var`: the `vars` context.
    public var vars: [NamedValue]
    /// `--env`: the environment of every step, as if set on the runner machine. Not in the `env`
    /// context; workflow, job and step `env` win over it.
    public var env: [NamedValue]
    /// Where `uses: ./…` and this repository's own actions are found.
    public var repositoryRoot: String
    /// `GITHUB_REPOSITORY`.
    public var repository: String
    /// `uses: OWNER/REPO/PATH@REF` with this OWNER/REPO runs the local `PATH` instead.
    public var selfRepository: String
    /// `GITHUB_SHA`; nil for forty zeros.
    public var sha: String?
    /// The caller's environment. Steps get only PATH, HOME, USER, LOGNAME, SHELL, TERM, TMPDIR,
    /// LANG and LC_* from it, so a developer's own tokens do not leak into the job.
    public var hostEnvironment: [String: String]
    /// How long a minute of `timeout-minutes` is; shorter in tests.
    public var minute: Duration
    /// The sandbox whose issuer gives a job with `permissions: id-token: write` its OIDC
    /// variables (`ACTIONS_ID_TOKEN_REQUEST_URL`, `_TOKEN`); nil gives none.
    public var oidcSandbox: String?
    /// `--isolate`: every step's process runs in a bubblewrap sandbox (``Isolation``); the dry
    /// run refuses to start when `bwrap` is missing or cannot create its namespaces here.
    public var isolate = false
    /// `--offline`, with `isolate`: each step also gets a network namespace of its own, with only
    /// its own loopback; the machine's network, its `127.0.0.1` included, is out of reach.
    public var offline = false

    public init(
        workflowFile: String, job: String? = nil, event: DryRunEvent = .push, workspace: String? = nil,
        secrets: [NamedValue] = [], vars: [NamedValue] = [], env: [NamedValue] = [], repositoryRoot: String,
        repository: String = "acme/app", selfRepository: String = "plenar/plenar-ci", sha: String? = nil,
        hostEnvironment: [String: String], minute: Duration = .seconds(60)
    ) {
        self.workflowFile = workflowFile
        self.job = job
        self.event = event
        self.workspace = workspace
        self.secrets = secrets
        self.vars = vars
        self.env = env
        self.repositoryRoot = repositoryRoot
        self.repository = repository
        self.selfRepository = selfRepository
        self.sha = sha
        self.hostEnvironment = hostEnvironment
        self.minute = minute
    }
}

/// How the job ended.
public struct DryRunResult: Sendable, Equatable {
    public var succeeded: Bool
    /// The steps that failed the job, each with why.
    public var failures: [String]
    /// The job's `outputs`, evaluated after its steps.
    public var outputs: [NamedValue]
    /// The job summary: every step's `GITHUB_STEP_SUMMARY`, in order, unmasked.
    public var summary: String
    /// ``JobRunner/interrupt()`` stopped it.
    public var interrupted: Bool
}

/// The two questions the dry run asks git, for defaults.
public enum Git {
    /// The top folder of the repository holding `folder`, or nil.
    public static func root(of folder: String) -> String? {
        run(["rev-parse", "--show-toplevel"], in: folder)
    }

    /// The commit checked out in `folder`, or nil.
    public static func head(of folder: String) -> String? {
        run(["rev-parse", "HEAD"], in: folder)
    }

    private static func run(_ arguments: [String], in folder: String) -> String? {
        let environment = ProcessBytes.environment()
        guard let git = PathSearch.find(Array("git".utf8), searchPath: ProcessBytes.value(of: "PATH", in: environment)), git.executable,
            let pipe = try? FileIO.pipe()
        else { return nil }
        var spawn = Spawn(path: git.path, arguments: (["git", "-C", folder] + arguments).map { Array($0.utf8) }, environment: environment)
        (spawn.stdout, spawn.stderr) = (.fd(pipe.write), .null)
        let pid = try? spawn.start()
        close(pipe.write)
        defer { close(pipe.read) }
        guard let pid else { return nil }
        let output = try? FileIO.readAll(pipe.read)
        guard case .exited(0)? = try? WaitStatus.reap(pid), let output else { return nil }
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
