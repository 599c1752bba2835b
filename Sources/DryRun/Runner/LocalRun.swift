import Foundation

/// What every job of one run shares: the options, the event, the log with its masks, the
/// `vars`, and what the run reports at the end (a row per job, failures, summaries).
final class LocalRun {
    let options: DryRunOptions
    let log: Log
    let event: RunEvent
    let vars: ExpressionValue
    /// Reusable workflows read so far, by path: each is read once per run.
    var calledWorkflows: [String: Workflow] = [:]
    var reports: [JobReport] = []
    /// `(job name, failure)`, in order.
    var failures: [(String, String)] = []
    var summaries: [String] = []
    /// A job was refused once the run had started (a matrix known only then).
    var refused = false
    /// Rows of jobs that failed with `continue-on-error`: they do not fail the run.
    var tolerated: Set<Int> = []

    init(options: DryRunOptions, log: Log, event: RunEvent) {
        self.options = options
        self.log = log
        self.event = event
        vars = .strings(options.vars.map { ($0.name, $0.value) })
    }

    /// The `secrets` context of a workflow given `secrets`: every value empty for a fork's pull request.
    func secretsContext(_ secrets: [NamedValue]) -> ExpressionValue {
        .strings(secrets.map { ($0.name, event.fromFork ? "" : $0.value) })
    }

    /// The `github` context outside any job's machine (for job `if:`, matrices, `runs-on`, `with:`).
    func github(_ workflow: Workflow, jobID: String) -> ExpressionValue {
        .object(
            event.github(options: options, workflow: workflow, jobID: jobID, workspace: options.workspace ?? "", eventPath: "", token: ""))
    }

    func report(_ name: String, _ result: JobReport.Result, _ reason: String = "", outputs: [NamedValue] = []) {
        reports.append(JobReport(name: name, result: result, reason: reason, outputs: outputs))
    }

    /// The table of job results printed at the end of a run of more than one job.
    func printTable() {
        guard reports.count > 1 else { return }
        log.plain("")
        log.plain("Jobs:")
        let width = reports.map(\.name.count).max() ?? 0
        for report in reports {
            let mark =
                switch report.result {
                case .success: "✓"
                case .failure: "✗"
                case .skipped: "○"
                case .cancelled: "⊘"
                case .refused: "!"
                }
            let padded = report.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let reason = report.reason.isEmpty ? "" : "  " + report.reason
            log.plain("  \(mark) \(padded)  \(report.result.rawValue)\(reason)")
        }
    }
}

/// Whether a runner's labels name a Windows or macOS machine: `windows-latest`, `macos-14`,
/// `[self-hosted, Windows]`, `macOS`. Anything else is taken as Linux.
enum RunnerPlatform {
    static func foreign(_ labels: [String]) -> String? {
        for label in labels.map({ $0.lowercased() }) {
            if label.hasPrefix("windows") || label == "win" { return "Windows" }
            if label.hasPrefix("macos") || label == "osx" || label == "mac" { return "macOS" }
        }
        return nil
    }

    /// The refusal of a job (a matrix combination when `inMatrix`) whose runner is `platform`.
    static func refusal(_ labels: [String], platform: String, inMatrix: Bool) -> String {
        let other = inMatrix ? "pick other combinations with --matrix" : "run other jobs with --job"
        return
            "runs-on \(labels.joined(separator: ", ")): a \(platform) runner; this machine runs \(RunnerEnvironment.platform().0), with its own shell, so the local run refuses the job (give --runs-on-host to run its steps here anyway, or \(other))"
    }
}

/// Where a local reference (`./path`, or this repository's `OWNER/REPO/PATH@REF`) is on disk;
/// nil for anything else.
enum LocalReference {
    static func path(_ reference: String, options: DryRunOptions) -> String? {
        let root = options.repositoryRoot
        if reference == "." || reference.hasPrefix("./") {
            return ((root as NSString).appendingPathComponent(String(reference.dropFirst(1))) as NSString).standardizingPath
        }
        guard let at = reference.lastIndex(of: "@") else { return nil }
        let name = reference[..<at]
        let own = options.selfRepository
        guard name.lowercased().hasPrefix(own.lowercased()) else { return nil }
        let rest = name.dropFirst(own.count)
        if rest.isEmpty { return root }
        guard rest.hasPrefix("/") else { return nil }
        return ((root as NSString).appendingPathComponent(String(rest.dropFirst())) as NSString).standardizingPath
    }
}
