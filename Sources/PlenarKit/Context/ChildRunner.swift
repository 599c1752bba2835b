import FoundationEssentials

/// Runs a wrapped command to its end, its output through the filters (`plenar run`).
public protocol ChildRunner {
    /// `argv` and `environment` (`NAME=VALUE` entries) byte for byte, as the command gets them.
    func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
        _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
    ) -> ChildOutcome
}
