import FoundationEssentials
import Platform

extension PlenarContext {
    /// The real machine: process environment, monotonic clock, fds 0-2, the file system, libcurl.
    public static func live() -> PlenarContext {
        // A reader that goes away (`plenar signal --json | true`) must not kill us with SIGPIPE:
        // writes fail with EPIPE instead, and the exit status stays the contract's.
        Signals.ignoreBrokenPipes()
        let entries = ProcessBytes.environment()
        let environment = decoded(entries)
        var context = PlenarContext(
            environment: environment,
            clock: LiveClock(),
            stdout: FileDescriptorOutput(fd: 1),
            stderr: FileDescriptorOutput(fd: 2),
            stdin: FileDescriptorInput(fd: 0),
            files: LocalFileSystem(),
            transport: CurlTransport(environment: environment),
            environmentBytes: entries
        )
        context.launched = Launch.instant
        return context
    }

    /// `NAME=VALUE` entries by name, as `ProcessInfo.environment` gives them (split at the first
    /// `=`, an entry without one skipped, a later entry of a name winning, bytes that are not
    /// UTF-8 decoded as U+FFFD), from the bytes already read: ProcessInfo copies, decodes and
    /// splits by Character, a sixth of a tokenless `plenar signal`'s instructions.
    static func decoded(_ entries: [[UInt8]]) -> [String: String] {
        var environment: [String: String] = [:]
        environment.reserveCapacity(entries.count)
        for entry in entries {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            environment[String(decoding: entry[..<equals], as: UTF8.self)] = String(decoding: entry[(equals + 1)...], as: UTF8.self)
        }
        return environment
    }
}
