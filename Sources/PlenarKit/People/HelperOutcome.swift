import Platform

/// How a helper program ended.
public struct HelperOutcome: Equatable, Sendable {
    /// The exit status; nil when it did not start, or was stopped at the timeout.
    public var status: Int32?
    public var stderr: String
    /// Why it did not run to its end, if it did not.
    public var problem: String?

    public init(status: Int32?, stderr: String = "", problem: String? = nil) {
        self.status = status
        self.stderr = stderr
        self.problem = problem
    }
}
