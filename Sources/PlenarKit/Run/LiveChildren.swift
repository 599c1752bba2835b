import CPosix
import Platform

/// The real thing: `ChildCommand` on fds 0, 1 and 2.
public struct LiveChildren: ChildRunner {
    public init() {}

    public func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
        _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
    ) -> ChildOutcome {
        ChildCommand(argv: argv, environment: environment).run(stdout: &stdout, stderr: &stderr)
    }
}
