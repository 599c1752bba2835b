/// How a child command ended, or why it never started.
public enum Termination: Equatable, Sendable {
    /// It exited with this code.
    case exited(Int32)
    /// It was killed by this signal.
    case signaled(Int32)
    /// No such command: nothing by that name on the environment's PATH, or no file at the path given.
    case notFound
    /// It exists but could not be executed: EACCES (no permission, a directory), ENOEXEC (not a
    /// binary and no `#!`), ENOENT (its `#!` interpreter or dynamic loader is missing), or the
    /// process could not be created at all (EAGAIN, EMFILE...).
    case notExecutable(errno: Int32)

    /// The status a shell would give, as the exit table decides it.
    public var status: Int32 { ExitTable.status(of: self) }
}
