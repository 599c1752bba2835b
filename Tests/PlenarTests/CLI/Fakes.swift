import FoundationEssentials

@testable import PlenarKit

/// A clock that moves only when slept on or told to.
final class FakeClock: Clock, @unchecked Sendable {
    var current: Duration = .seconds(1000)
    var slept: [Duration] = []
    var wall = Date(timeIntervalSince1970: 1_800_000_000)

    func now() -> Duration { current }

    func sleep(for duration: Duration) {
        slept.append(duration)
        current += duration
    }

    func date() -> Date { wall }
}

final class Captured: TextOutput, @unchecked Sendable {
    var text = ""
    func write(_ text: String) { self.text += text }
}

struct FakeInput: ByteInput {
    var bytes: [UInt8]? = nil
    /// The writer keeps stdin open after `bytes`: a read ends by its timeout.
    var staysOpen = false
    var isTerminal: Bool { bytes == nil }
    func read(limit: Int, timeout: Duration, untilNewline: Bool) -> InputRead {
        var bytes = Array((bytes ?? []).prefix(limit))
        if untilNewline, let end = bytes.firstIndex(of: UInt8(ascii: "\n")) { bytes = Array(bytes[...end]) }
        let complete = bytes.count == limit || !staysOpen || (untilNewline && bytes.last == UInt8(ascii: "\n"))
        return InputRead(bytes: bytes, timedOut: !complete)
    }
}

/// Files in memory, below the root `/repo`.
final class FakeFiles: FileSystem, @unchecked Sendable {
    var files: [String: String] = [:]
    var failing: Set<String> = []
    /// Paths that are names of one file (hard links) share an inode here.
    var inodes: [String: UInt64] = [:]

    func append(_ text: String, to path: String) throws(FileError) {
        if failing.contains(path) { throw FileError(path: path, reason: "Permission denied") }
        files[path, default: ""] += text
    }

    func projectRoot() -> String { "/repo" }

    func read(_ path: String) throws(FileError) -> FileSnapshot {
        if failing.contains(path) { throw FileError(path: path, reason: "Permission denied") }
        let inode = inodes[path]
        return FileSnapshot(
            path: path, contents: files[path].map { Array($0.utf8) }, mode: files[path] == nil ? nil : 0o644,
            identity: inode.map { FileIdentity(device: 1, inode: $0) },
            links: inode.map { inode in inodes.values.filter { $0 == inode }.count } ?? 1
        )
    }

    /// As the real one: a file to append to that cannot be opened stops everything first.
    func update(
        _ paths: [String], under root: String, appending appends: [FileAppend], _ plan: ([FileSnapshot]) throws(Failure) -> [FileWrite]
    ) throws(Failure) {
        if let blocked = appends.first(where: { failing.contains($0.path) }) {
            throw .localFile(FileError(path: blocked.shownAs, reason: "Permission denied; no file was changed", action: "open"))
        }
        var snapshots: [FileSnapshot] = []
        for path in paths {
            do throws(FileError) { snapshots.append(try read(path)) } catch { throw .localFile(error) }
        }
        let writes = try plan(snapshots)
        if let blocked = writes.first(where: { failing.contains($0.snapshot.path) }) {
            throw .localFile(FileError(path: blocked.snapshot.path, reason: "Permission denied"))
        }
        for write in writes {
            files[write.snapshot.path] = String(decoding: write.contents, as: UTF8.self)
        }
        for append in appends {
            files[append.path, default: ""] += append.text
        }
    }

    func gitExposure(of path: String) -> GitExposure { .unknown }
}

/// Answers from a script, one reply per expected request, and fails loudly on anything else.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    struct Step {
        var expect: (method: String, url: String)
        var takes: Duration = .zero
        var answer: Result<HTTPReply, TransportError>
    }

    var steps: [Step]
    var received: [(request: HTTPRequestSpec, timeout: Duration)] = []
    let clock: FakeClock
    var unexpected: [String] = []

    init(clock: FakeClock, _ steps: [Step]) {
        self.clock = clock
        self.steps = steps
    }

    func send(_ request: HTTPRequestSpec, timeout: Duration) -> Result<HTTPReply, TransportError> {
        received.append((request, timeout))
        guard !steps.isEmpty else {
            unexpected.append("\(request.method) \(request.url)")
            return .failure(.network("unexpected request \(request.method) \(request.url)"))
        }
        let step = steps.removeFirst()
        guard step.expect.method == request.method, step.expect.url == request.url else {
            unexpected.append("\(request.method) \(request.url), expected \(step.expect.method) \(step.expect.url)")
            return .failure(.network("unexpected request"))
        }
        clock.current += min(step.takes, timeout)
        if step.takes > timeout { return .failure(.timedOut) }
        return step.answer
    }
}

/// A transport for tests that must not reach the network at all.
struct NoNetwork: HTTPTransport {
    func send(_ request: HTTPRequestSpec, timeout: Duration) -> Result<HTTPReply, TransportError> {
        fatalError("no request was expected, got \(request.method) \(request.url)")
    }
}

extension PlenarContext {
    static func fake(
        environment: [String: String] = [:], clock: FakeClock = FakeClock(), transport: any HTTPTransport = NoNetwork(),
        stdout: Captured = Captured(), stderr: Captured = Captured(), files: FakeFiles = FakeFiles(), stdin: FakeInput = FakeInput()
    ) -> PlenarContext {
        // The spool in memory: a test with HOME set never writes below the real one.
        PlenarContext(
            environment: environment, clock: clock, stdout: stdout, stderr: stderr, stdin: stdin, files: files,
            transport: transport, random: { length in String(repeating: "r", count: length) }, spool: FakeSpool()
        )
    }
}
