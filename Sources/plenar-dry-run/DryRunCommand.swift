import ArgumentParser
import DryRun
import Foundation

struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a GitHub Actions workflow (or some of its jobs) on this machine: a local run, the way GitHub and its runner do.",
        discussion: """
            Without --job, every job of the workflow runs, in needs order, with job outputs, the \
            needs context, job if:, matrices (one combination after another) and local reusable \
            workflows; a table of job results ends the log. --job J runs J after the jobs it \
            needs; --only runs J alone, its needs taken as succeeded with empty outputs. \
            Everything that will run is checked first: nothing runs if a selected job cannot \
            (a container or services, a Windows or macOS runner without --runs-on-host, an \
            unsupported expression).

            Steps run for real, with bash, in a throw-away runner environment: RUNNER_TEMP, \
            fresh GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY files per step, \
            an event payload, GITHUB_* and RUNNER_* variables, and only PATH, HOME, USER, \
            LOGNAME, SHELL, TERM, TMPDIR, LANG and LC_* from this environment. Composite actions \
            at local paths (./path, or this repository's OWNER/REPO/PATH@REF) run from \
            --repository-root; other actions are skipped with a note. Secrets are masked in the \
            log, as are ::add-mask:: values.

            --secret, --var and --env take NAME=VALUE, or NAME alone for the value of NAME in \
            this environment (which keeps it out of the process list). --input NAME=VALUE sets a \
            workflow_dispatch input (typed as declared; the others take their defaults).

            Steps run on this machine, as you: the first run of each workflow file says so. \
            --isolate runs each step in a bubblewrap sandbox instead (bwrap on PATH): the file \
            system read-only except the workspace and the runner folder, a private /tmp; the \
            network stays this machine's, unless --offline. Local JavaScript actions (runs.using: node20, node24) \
            run with node from PATH, with INPUT_* variables and their post step at the end of the \
            job.

            Ctrl-C (SIGINT, SIGTERM) interrupts the running step (a second one kills it) and \
            runs no further step or job.

            Exit statuses: 0 every job succeeded (or was skipped), 1 a job failed or was \
            cancelled, 2 the local run cannot run this workflow (an invalid file or something \
            unsupported, named in the message; nothing ran) or refused a job once running (a \
            matrix known only then named a Windows runner), 64 usage error, 130 interrupted.

            Examples:
              plenar-dry-run .github/workflows/ci.yml
              plenar-dry-run .github/workflows/ci.yml --job test --matrix os=ubuntu-latest
              plenar-dry-run ci.yml --event pull_request_fork --secret PLENAR_TOKEN
              plenar-dry-run release.yml --event push --ref refs/tags/v1.2.3
              plenar-dry-run release.yml --event workflow_dispatch --input version=1.2.3
            """
    )

    @Argument(help: ArgumentHelp("The workflow file.", valueName: "workflow-file"))
    var workflowFile: String

    @Option(help: "The job to run, after the jobs it needs (default: every job).")
    var job: String?

    @Flag(help: "With --job: run that job alone; the jobs it needs are taken as succeeded with empty outputs.")
    var only = false

    @Option(
        help: ArgumentHelp(
            "The event: push, pull_request, pull_request_fork (a fork's, every secret empty), workflow_dispatch, or any other name (default: push if the workflow lists it, else its first event).",
            valueName: "name"))
    var event: DryRunEvent?

    @Option(
        help: ArgumentHelp("The event payload (github.event, GITHUB_EVENT_PATH), instead of the default one.", valueName: "payload.json"))
    var eventFile: String?

    @Option(help: ArgumentHelp("github.ref, e.g. refs/tags/v1.2.3 (sets ref_name and ref_type too).", valueName: "ref"))
    var ref: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("A workflow_dispatch input, NAME=VALUE (repeat).", valueName: "name=value"))
    var inputs: [String] = []

    @Option(
        name: .customLong("matrix"), help: ArgumentHelp("Only the matrix combinations with KEY=VALUE (repeat).", valueName: "key=value"))
    var matrix: [String] = []

    @Flag(help: "Run a Windows or macOS job here anyway, with this machine's shell and OS.")
    var runsOnHost = false

    @Flag(help: "Check everything the selected jobs would do, and run nothing (exit 0 when they can run, 2 when not).")
    var check = false

    @Option(help: "GITHUB_WORKSPACE of every job (default: a fresh empty folder for each, removed afterwards).")
    var workspace: String?

    @Option(name: .customLong("secret"), help: ArgumentHelp("A secret, NAME=VALUE or NAME (repeat).", valueName: "name=value"))
    var secrets: [String] = []

    @Option(name: .customLong("var"), help: ArgumentHelp("A configuration variable, NAME=VALUE or NAME (repeat).", valueName: "name=value"))
    var vars: [String] = []

    @Option(
        name: .customLong("env"),
        help: ArgumentHelp("A variable in every step's environment, NAME=VALUE or NAME (repeat).", valueName: "name=value"))
    var env: [String] = []

    @Option(help: "Where ./ actions are found (default: the git repository holding the current folder).")
    var repositoryRoot: String?

    @Option(help: "GITHUB_REPOSITORY.")
    var repository = "acme/app"

    @Option(help: "OWNER/REPO whose actions (OWNER/REPO/PATH@REF) run from the local copy.")
    var selfRepository = "plenar/plenar-ci"

    @Option(help: "A plenar-sandbox root whose OIDC issuer serves jobs with permissions id-token: write (ACTIONS_ID_TOKEN_REQUEST_URL).")
    var oidcSandbox: String?

    @Flag(help: "Run each step in a bubblewrap sandbox (bwrap on PATH): / read-only, writable workspace and runner temp, a private /tmp.")
    var isolate = false

    @Flag(help: "With --isolate: no network for the steps, only a loopback of their own (the sandbox on 127.0.0.1 is out of reach).")
    var offline = false

    func validate() throws {
        for (flag, values) in [("--secret", secrets), ("--var", vars), ("--env", env)] {
            for value in values where value.hasPrefix("=") || value.isEmpty {
                throw ValidationError("\(flag) \(value): give NAME=VALUE or NAME")
            }
        }
        for (flag, values) in [("--input", inputs), ("--matrix", matrix)] {
            for value in values where value.hasPrefix("=") || !value.contains("=") {
                throw ValidationError("\(flag) \(value): give NAME=VALUE")
            }
        }
        if only, job == nil { throw ValidationError("--only needs --job") }
        if let ref, !ref.hasPrefix("refs/") {
            throw ValidationError("--ref \(ref): give a full ref, as refs/heads/main or refs/tags/v1.2.3")
        }
        if offline, !isolate { throw ValidationError("--offline works only with --isolate") }
        guard repository.split(separator: "/").count == 2 else { throw ValidationError("--repository \(repository): give OWNER/NAME") }
    }

    func run() throws {
        // A reader that goes away (`plenar-dry-run … | head`) must end the run through its
        // cleanup, not kill it with SIGPIPE and leave the runner folder and step processes behind.
        signal(SIGPIPE, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let current = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            (path.hasPrefix("/") ? path : (current as NSString).appendingPathComponent(path) as String)
        }
        func pairs(_ values: [String], _ flag: String) throws -> [NamedValue] {
            try values.map { value in
                if let equals = value.firstIndex(of: "=") {
                    return NamedValue(String(value[..<equals]), String(value[value.index(after: equals)...]))
                }
                guard let fromEnvironment = environment[value] else {
                    printError("plenar-dry-run: \(flag) \(value): \(value) is not set in this environment; give \(value)=VALUE")
                    throw ExitCode(64)
                }
                return NamedValue(value, fromEnvironment)
            }
        }
        let root = repositoryRoot.map(absolute) ?? Git.root(of: current) ?? current
        var options = DryRunOptions(
            workflowFile: workflowFile, job: job, event: event, workspace: workspace.map(absolute),
            secrets: try pairs(secrets, "--secret"), vars: try pairs(vars, "--var"), env: try pairs(env, "--env"),
            repositoryRoot: root, repository: repository, selfRepository: selfRepository, sha: Git.head(of: root),
            hostEnvironment: environment
        )
        options.oidcSandbox = oidcSandbox
        options.only = only
        options.eventFile = eventFile.map(absolute)
        options.ref = ref
        options.inputs = try pairs(inputs, "--input")
        options.matrix = try pairs(matrix, "--matrix")
        options.runsOnHost = runsOnHost
        options.checkOnly = check
        options.isolate = isolate
        options.offline = offline
        if !isolate {
            let notice = UnisolatedNotice(environment: environment)
            let file = (absolute(workflowFile) as NSString).standardizingPath
            if notice.firstRun(of: file, template: (root as NSString).appendingPathComponent("action/templates/plenar.yml")) {
                StdoutLog().write(
                    "Note: the steps of \(workflowFile) run on this machine, as \(environment["USER"] ?? "you"), with your files and "
                        + "network: the local run is not a sandbox. Read the workflow first, or add --isolate to run each step in "
                        + "bubblewrap. (Shown on the first run of each workflow file.)")
            }
        }
        let interruptions = Interruptions()
        let result: DryRunResult
        do {
            result = try JobRunner.run(options, output: StdoutLog())
        } catch {
            printError("plenar-dry-run: error: \(error.message)")
            throw ExitCode(2)
        }
        interruptions.stop()
        if result.interrupted { throw ExitCode(130) }
        if result.refused { throw ExitCode(2) }
        if !result.succeeded { throw ExitCode(1) }
    }
}

extension DryRunEvent: ExpressibleByArgument {
    public var defaultValueDescription: String { description }
}

/// Remembers which workflow files have run without `--isolate`, in
/// `$XDG_STATE_HOME/plenar-dry-run/unisolated-workflows` (else `~/.local/state/…`), one path a
/// line, so the first run of each says that its steps run on this machine. The project's own
/// workflow template never needs saying; with neither variable set it is said every time.
struct UnisolatedNotice {
    let file: String?

    init(environment: [String: String]) {
        let state =
            environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? environment["HOME"].map { $0 + "/.local/state" }
        file = state.map { $0 + "/plenar-dry-run/unisolated-workflows" }
    }

    /// Whether `workflow` (an absolute path) runs unisolated for the first time; remembers it.
    func firstRun(of workflow: String, template: String) -> Bool {
        if workflow == (template as NSString).standardizingPath { return false }
        guard let file else { return true }
        let seen = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        if seen.split(separator: "\n").contains(Substring(workflow)) { return false }
        try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? (seen + workflow + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return true
    }
}

/// Turns SIGINT and SIGTERM into ``JobRunner/interrupt()`` while the job runs: the steps run in
/// process groups of their own, so a terminal's Ctrl-C reaches only this process.
final class Interruptions {
    private let sources: [DispatchSourceSignal]

    init() {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { JobRunner.interrupt() }
            source.resume()
            return source
        }
    }

    func stop() {
        for source in sources { source.cancel() }
    }
}

/// The log, a line at a time, unbuffered.
final class StdoutLog: LogOutput {
    func write(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
