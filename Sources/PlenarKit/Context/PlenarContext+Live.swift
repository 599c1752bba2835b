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
            clock: SystemClock(),
            stdout: FileDescriptorOutput(fd: 1),
            stderr: FileDescriptorOutput(fd: 2),
            stdin: FileDescriptorInput(fd: 0),
            files: LocalFileSystem(),
            transport: CurlTransport(environment: environment),
            environmentBytes: ProcessBytes.environment()
        )
    }
}

struct SystemClock: Clock {
    func now() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }

    func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR {
            request = remaining
        }
    }

    func date() -> Date { Date() }
}

/// Unbuffered writes to a file descriptor: each message is out before the next thing happens.
struct FileDescriptorOutput: TextOutput {
    let fd: Int32

    func write(_ text: String) {
        var writer = FullWriter(fd: fd)
        Array(text.utf8).withUnsafeBytes { writer.write($0) }
    }
}

struct FileDescriptorInput: ByteInput {
    let fd: Int32

    var isTerminal: Bool { isatty(fd) == 1 }

    func read(limit: Int, timeout: Duration, untilNewline: Bool) -> InputRead {
        let clock = SystemClock()
        let deadline = clock.now() + timeout
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while result.count < limit {
            let left = deadline - clock.now()
            guard left > .zero else { return InputRead(bytes: result, timedOut: true) }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(clamping: max(1, left.wholeMilliseconds)))
            if polled < 0, errno == EINTR { continue }
            if polled == 0 { continue }
            let count = buffer.withUnsafeMutableBytes {
                FileIO.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<min($0.count, limit - result.count)]))
            }
            if count < 0, errno == EAGAIN { continue }
            guard count > 0 else { break }
            result += buffer[0..<count]
            if untilNewline, buffer[0..<count].contains(UInt8(ascii: "\n")) { break }
        }
        return InputRead(bytes: result)
    }
}
