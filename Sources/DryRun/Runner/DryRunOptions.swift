import Foundation
import Platform

/// The event the local run pretends started the workflow: any event name, with
/// `pull_request_fork` standing for a pull request from a fork (`GITHUB_EVENT_NAME=pull_request`,
/// `github.event.pull_request.head.repo.fork == true`, every secret empty, since GitHub gives a
/// fork's pull requests none).
public struct DryRunEvent: Sendable, Hashable, CustomStringConvertible {
    /// `GITHUB_EVENT_NAME`.
    public let name: String
    /// A pull request from a fork: no secrets.
    public let fromFork: Bool

    public init(name: String, fromFork: Bool = false) {
        self.name = name
        self.fromFork = fromFork
    }

    /// A push to main of the repository itself: `refs/heads/main`, secrets as given.
    public static let push = DryRunEvent(name: "push")
    public static let pullRequestFork = DryRunEvent(name: "pull_request", fromFork: true)
    public static let workflowDispatch = DryRunEvent(name: "workflow_dispatch")

    /// `push`, `pull_request_fork`, or any event name GitHub spells (letters, digits and `_`).
    public init?(argument: String) {
        if argument == "pull_request_fork" {
            self = .pullRequestFork
            return
        }
        guard !argument.isEmpty, argument.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            return nil
        }
        self.init(name: argument)
    }

    /// As given on the command line.
    public var description: String { fromFork ? "pull_request_fork" : name }

    var eventName: String { name }
}

/// Everything a local run needs, decided by its caller; the engine reads nothing else from the
/// machine except what steps do (and `eventFile`).
public struct DryRunOptions: Sendable {
    /// The workflow file, absolute or relative to the current folder.
    public var workflowFile: String
    /// `--job`: the job to run, after the jobs it needs; nil for the whole workflow.
    public var job: String?
    /// `--only`: run `job` alone, its needs taken as succeeded with empty outputs.
    public var only = false
    /// nil: `push` when the workflow lists it, else the first event under `on:`.
    public var event: DryRunEvent?
    /// `--event-file`: the payload (`github.event`, `GITHUB_EVENT_PATH`) instead of the default one.
    public var eventFile: String?
    /// `--ref`: `github.ref` (`refs/heads/NAME`, `refs/tags/NAME`, `refs/pull/N/merge`).
    public var ref: String?
    /// `--input`: `workflow_dispatch` (or `workflow_call`) inputs, typed as the workflow declares them.
    public var inputs: [NamedValue] = []
    /// `--matrix KEY=VALUE`: only the combinations whose KEY is VALUE (each pair must hold).
    public var matrix: [NamedValue] = []
    /// `--runs-on-host`: run a Windows or macOS job here anyway (with this machine's shell and OS).
    public var runsOnHost = false
    /// `--check`: check what would run, as before any run, and run nothing.
    public var checkOnly = false
    /// `GITHUB_WORKSPACE`; nil for a fresh empty folder per job, removed afterwards.
    public var workspace: String?
    /// `--secret`: the `secrets` context, masked in the log from the start.
    public var secrets: [NamedValue]
    /// `--var`: the `vars` context.
    public var vars: [NamedValue]
    /// `--env`: the environment of every step, as if set on the runner machine. Not in the `env`
    /// context; workflow, job and step `env` win over it.
    public var env: [NamedValue]
    /// Where `uses: ./…` and this repository's own actions and workflows are found.
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
        workflowFile: String, job: String? = nil, event: DryRunEvent? = nil, workspace: String? = nil,
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

/// How one job (one matrix combination, one job of a called workflow) ended.
public struct JobReport: Sendable, Equatable {
    public enum Result: String, Sendable {
        case success, failure, skipped, cancelled
        /// Not run: this machine cannot run it faithfully (a Windows runner, say); `reason` says why.
        case refused
    }

    /// As GitHub names it: `test (ubuntu-latest, 3.12)`, `call / build`.
    public var name: String
    public var result: Result
    /// Why it was skipped, cancelled or refused; the failing steps of a failure.
    public var reason: String
    /// Its `outputs`, evaluated after its steps.
    public var outputs: [NamedValue]
}

/// How the run ended.
public struct DryRunResult: Sendable, Equatable {
    /// No job failed, was cancelled or refused (a job with `continue-on-error: true` may have).
    public var succeeded: Bool
    /// The steps that failed, each with why (prefixed with the job's name when several jobs ran).
    public var failures: [String]
    /// The outputs of the job asked for with `--job`, or of the workflow's only job.
    public var outputs: [NamedValue]
    /// The job summaries: every step's `GITHUB_STEP_SUMMARY`, in order, unmasked.
    public var summary: String
    /// ``JobRunner/interrupt()`` stopped it.
    public var interrupted: Bool
    /// Every job, in the order it ran (or was skipped).
    public var jobs: [JobReport] = []
    /// A job was refused while the run went on (a matrix only known then named a Windows runner).
    public var refused = false
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
