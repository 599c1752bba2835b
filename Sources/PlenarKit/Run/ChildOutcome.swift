/// What `ChildCommand.run` reports once the child is gone and its output is written.
public struct ChildOutcome: Equatable, Sendable {
    public var termination: Termination
    /// The first of SIGINT, SIGTERM, SIGHUP and SIGQUIT that plenar received while the child ran,
    /// whether forwarded (sent by a process) or not (from the terminal, which already signalled the
    /// child's whole process group). The caller marks such a run cancelled.
    public var signal: Int32?
    /// Monotonic time (CLOCK_MONOTONIC) just before the spawn, and when the child's exit was seen.
    public var started: Duration
    public var ended: Duration
    /// Why the command did not start, shell style without a prefix (`make: command not found`), for
    /// the caller to print; nil when it started.
    public var problem: String?

    /// The exit status the wrapper should take: the child's, as `ExitTable.status(of:)` maps it.
    public var status: Int32 { termination.status }

    public init(termination: Termination, signal: Int32? = nil, started: Duration, ended: Duration, problem: String? = nil) {
        self.termination = termination
        self.signal = signal
        self.started = started
        self.ended = ended
        self.problem = problem
    }
}

extension ChildOutcome {
    /// How the run ended, as reported: `cancelled` after a forwarded signal, else `succeeded` or `failed`.
    var verdict: String {
        signal != nil ? "cancelled" : status == 0 ? "succeeded" : "failed"
    }

    /// How long the command ran, in whole milliseconds.
    var milliseconds: Int {
        max(0, (ended - started).wholeMilliseconds)
    }
}
