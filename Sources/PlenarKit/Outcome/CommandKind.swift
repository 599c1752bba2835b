/// What a command is for, which decides how a failure ends it.
public enum CommandKind: Equatable {
    /// `signal`, `hook`: never break the job, except for credentials that are wrong.
    case telemetry
    /// `connect`, `status`, `whoami`: the answer is the point.
    case probe
    /// `run`, once its child ended with `child`: the child's status is ours, whatever the report
    /// does; credentials that are wrong turn only a success into 2.
    case wrapper(child: Int32)

    /// Telemetry and the report of a wrapped command say what was skipped, and go on.
    var reportsOnly: Bool { self != .probe }

    /// The exit status when nothing went wrong.
    var success: Int32 {
        if case let .wrapper(child) = self { return child }
        return ExitTable.success
    }
}
