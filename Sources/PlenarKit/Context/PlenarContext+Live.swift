import FoundationEssentials
import Platform

extension PlenarContext {
    /// The real machine: process environment, monotonic clock, fds 0-2, the file system, libcurl.
    public static func live() -> PlenarContext {
        // A reader that goes away (`plenar signal --json | true`) must not kill us with SIGPIPE:
        // writes fail with EPIPE instead, and the exit status stays the contract's.
        Signals.ignoreBrokenPipes()
        let environment = ProcessInfo.processInfo.environment
        return PlenarContext(
            environment: environment,
            clock: LiveClock(),
            stdout: FileDescriptorOutput(fd: 1),
            stderr: FileDescriptorOutput(fd: 2),
            stdin: FileDescriptorInput(fd: 0),
            files: LocalFileSystem(),
            transport: CurlTransport(environment: environment),
            environmentBytes: ProcessBytes.environment()
        )
    }
}
