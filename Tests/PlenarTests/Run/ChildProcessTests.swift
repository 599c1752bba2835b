import CPosix
import Foundation
import Platform
import Testing

@testable import PlenarKit

/// `ChildCommand` in-process, with its output going to scratch files or pipes instead of our fd 1/2.
/// Serialized: the signal hook reaches every running child of the process.
@Suite("plenar run's child: spawn, statuses, output pumps, signal forwarding", .serialized)
struct ChildProcessTests {
    static let environment = ["PATH": "/usr/bin:/bin", "LANG": "C"]

    @Test("the child's exit code is the status", arguments: [0, 1, 42, 255] as [Int32])
    func exitStatus(code: Int32) {
        let run = Capture(["sh", "-c", "exit \(code)"])
        #expect(run.outcome.termination == .exited(code))
        #expect(run.outcome.status == code)
        #expect(run.outcome.signal == nil)
        #expect(run.outcome.problem == nil)
        #expect(run.outcome.ended >= run.outcome.started)
    }

    @Test("a child killed by signal N gives 128 + N")
    func killedBySignal() {
        let run = Capture(["sh", "-c", "kill -9 $$"])
        #expect(run.outcome.termination == .signaled(SIGKILL))
        #expect(run.outcome.status == 137)
    }

    @Test("a missing command is 127 with a shell's message; PATH is the child's environment's")
    func notFound() {
        let missing = Capture(["plenar-no-such-command"])
        #expect(missing.outcome.termination == .notFound)
        #expect(missing.outcome.status == 127)
        #expect(missing.outcome.problem == "plenar-no-such-command: command not found")
        #expect(missing.stdout.isEmpty && missing.stderr.isEmpty)

        let noFile = Capture(["/nonexistent/tool"])
        #expect(noFile.outcome.termination == .notFound)
        #expect(noFile.outcome.problem == "/nonexistent/tool: No such file or directory")

        let notOnTheirPath = Capture(["sh", "-c", "true"], environment: ["PATH": "/nonexistent:"])
        #expect(notOnTheirPath.outcome.termination == .notFound)
        #expect(Capture([""]).outcome.termination == .notFound)
    }

    @Test("found but not executable is 126; a missing #! interpreter is 127; no #! at all runs with /bin/sh, as in bash")
    func notExecutable() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let plain = try folder.file("plain", "echo hi\n", mode: 0o644)
        let garbage = try folder.file("garbage", "not a program\n", mode: 0o755)
        let badInterpreter = try folder.file("bad", "#!/nonexistent/interpreter\n", mode: 0o755)

        let denied = Capture([plain])
        #expect(denied.outcome.termination == .notExecutable(errno: EACCES))
        #expect(denied.outcome.status == 126)
        #expect(denied.outcome.problem == "\(plain): Permission denied")
        #expect(Capture(["plain"], environment: ["PATH": folder.path]).outcome.status == 126)
        #expect(Capture([folder.path]).outcome.termination == .notExecutable(errno: EACCES))

        // ENOEXEC: /bin/sh runs it, and finds no command "not" (as bash and execvp do).
        let format = Capture([garbage])
        #expect(format.outcome.termination == .exited(127))
        #expect(String(decoding: format.stderr, as: UTF8.self).contains("not found"))

        let interpreter = Capture([badInterpreter])
        #expect(interpreter.outcome.termination == .notExecutable(errno: ENOENT))
        #expect(interpreter.outcome.status == 127)
        #expect(interpreter.outcome.problem?.contains("required file not found") == true)
    }

    @Test("PATH lookup: the first executable match wins, argv[0] stays as typed")
    func pathLookup() throws {
        let first = try ScratchFolder(), second = try ScratchFolder()
        defer { [first, second].forEach { $0.remove() } }
        _ = try first.file("tool", "#!/bin/sh\necho first\n", mode: 0o644)
        try FileManager.default.createSymbolicLink(atPath: "\(second.path)/tool", withDestinationPath: "/bin/echo")
        let run = Capture(["tool", "second"], environment: ["PATH": "\(first.path)::\(second.path)/"])
        #expect(run.outcome.termination == .exited(0))
        #expect(run.stdoutText == "second\n")

        let cmdline = Capture(["sh", "-c", "tr '\\0' ' ' < /proc/$$/cmdline"])
        #expect(cmdline.stdoutText == "sh -c tr '\\0' ' ' < /proc/$$/cmdline ")
    }

    @Test("argv reaches the child exactly: no shell, no splitting, no expansion")
    func argvExact() {
        let arguments = ["a b", "'single'", "\"double\"", "$HOME", "", "*", "back\\slash", "tab\there", "ünïcødé", "  "]
        let run = Capture(["printf", "%s\\n"] + arguments)
        #expect(run.outcome.status == 0)
        #expect(run.stdoutText == arguments.map { $0 + "\n" }.joined())
    }

    @Test("the environment given is the child's whole environment")
    func environmentExact() {
        let environment = ["A": "1", "SPACED": "two words", "EMPTY": "", "EQUALS": "a=b=c", "PATH": "/nowhere"]
        let run = Capture(["/usr/bin/env"], environment: environment)
        #expect(run.outcome.status == 0)
        #expect(Set(run.stdoutText.split(separator: "\n").map(String.init)) == Set(environment.map { "\($0.key)=\($0.value)" }))
    }

    @Test("stdin is ours by default (same open file), or the fd given")
    func standardInput() throws {
        var ours = stat()
        try #require(fstat(0, &ours) == 0, "the test process has no fd 0")
        let run = Capture(["stat", "-L", "-c", "%d:%i", "/dev/stdin"], input: 0)
        #expect(run.stdoutText == "\(ours.st_dev):\(ours.st_ino)\n")
    }

    @Test("4 MB of random bytes through cat come out byte for byte, on stdout only")
    func binaryStream() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<(4 << 20) / 8).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
        let input = ScratchFile()
        input.write(bytes)
        let run = Capture(["cat"], input: input.fd)
        #expect(run.outcome.status == 0)
        #expect(run.stdout.count == bytes.count)
        #expect(run.stdout == bytes)
        #expect(run.stderr.isEmpty)
    }

    @Test("stderr is its own stream, with its own filter; finish output comes last")
    func separateStreams() {
        var out = MarkingFilter(mark: "<out-end>"), err = MarkingFilter(mark: "<err-end>")
        let stdout = ScratchFile(), stderr = ScratchFile(), input = ScratchFile()
        let command = ChildCommand(
            argv: ["sh", "-c", "echo out; echo err >&2; echo more"], environment: Self.environment,
            input: input.fd, output: stdout.fd, error: stderr.fd)
        let outcome = command.run(stdout: &out, stderr: &err)
        #expect(outcome.status == 0)
        #expect(stdout.text == "out\nmore\n<out-end>")
        #expect(stderr.text == "err\n<err-end>")
        #expect(out.finished == 1 && err.finished == 1)
        #expect(out.bytes == 9 && err.bytes == 4)
    }

    @Test("output is live: a line arrives while the child still waits on its stdin")
    func liveOutput() throws {
        let stdin = try PipePair(), stdout = try PipePair()
        let command = ChildCommand(
            argv: ["sh", "-c", "echo ready; read line; echo \"got $line\""], environment: Self.environment,
            input: stdin.read, output: stdout.write, error: stdout.write)
        let background = Background { command.run(stdout: &$0, stderr: &$1) }
        // The child cannot exit before it reads our line, so seeing "ready" proves liveness.
        #expect(readUntil(stdout.read, "ready\n", within: .seconds(30)) == "ready\n")
        #expect(write(stdin.write, "go\n", 3) == 3)
        let outcome = background.wait()
        stdout.closeWrite()
        #expect(outcome.status == 0)
        #expect(readUntil(stdout.read, "never", within: .seconds(30)) == "got go\n")
    }

    @Test("a background grandchild holding the pipe does not hang the run")
    func grandchildHoldsPipe() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let run = Capture(["sh", "-c", "sleep 300 & echo $!"])
        // Given up 2 s after the exit; the grandchild would hold the pipe for 300 s.
        #expect(clock.now - start < .seconds(120))
        #expect(run.outcome.status == 0)
        let grandchild = try #require(Int32(run.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(grandchild, SIGKILL)
    }

    @Test("output that still comes after the child exits is kept while it keeps coming")
    func lateOutput() {
        var command = ChildCommand(argv: ["sh", "-c", "(sleep 0.2; echo late) & echo early"], environment: Self.environment)
        command.quietAfterExit = .seconds(20)
        let run = Capture(command)
        #expect(run.outcome.status == 0)
        #expect(run.stdoutText == "early\nlate\n")
    }

    @Test("what the child wrote before it exited is all passed on, however slow the filter and short the linger")
    func slowFilterLosesNothing() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let marker = "\(folder.path)/pid"
        // 900,000 bytes, most still in the 1 MiB pipe when the child is gone: the filter holds
        // its first read until then, and the pump may linger for no time at all after the exit.
        var command = ChildCommand(
            argv: ["sh", "-c", "head -c 900000 /dev/zero | tr '\\0' a; echo $$ > \(marker).new; mv \(marker).new \(marker)"],
            environment: Self.environment)
        command.quietAfterExit = .zero
        command.lingerAfterExit = .zero
        let out = ScratchFile(), err = ScratchFile(), empty = ScratchFile()
        command.input = empty.fd
        command.output = out.fd
        command.error = err.fd
        var slow = ExitWaitingFilter(marker: marker)
        var errors = PassThroughFilter()
        let outcome = command.run(stdout: &slow, stderr: &errors)
        #expect(outcome.status == 0)
        #expect(slow.waited, "the filter saw the child gone before it let its first read go")
        #expect(out.bytes.count == 900_000)
    }

    @Test("the pipes reach the child only as its fd 1 and 2")
    func noLeakedPipes() {
        let run = Capture(["sh", "-c", "ls -l /proc/$$/fd"])
        var targets: [Int: String] = [:]
        for line in run.stdoutText.split(separator: "\n") {
            let parts = line.components(separatedBy: " -> ")
            guard parts.count == 2, let fd = Int(parts[0].split(separator: " ").last ?? "") else { continue }
            targets[fd] = parts[1]
        }
        let out = targets[1] ?? "", err = targets[2] ?? ""
        #expect(out.hasPrefix("pipe:") && err.hasPrefix("pipe:") && out != err)
        #expect(targets.filter { $0.key > 2 && ($0.value == out || $0.value == err) }.isEmpty)
    }

    @Test("SIGPIPE is the default in the child; a signal ignored when the run starts stays ignored")
    func inheritedDispositions() {
        let previous = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, previous) }
        let run = Capture(["sh", "-c", "grep SigIgn /proc/$$/status"])
        let mask = UInt64(run.stdoutText.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16) ?? 0
        #expect(mask & (1 << (SIGHUP - 1)) != 0)
        #expect(mask & (1 << (SIGPIPE - 1)) == 0)
    }

    @Test("when our reader goes away, the child gets the SIGPIPE it would have had")
    func readerGone() throws {
        signal(SIGPIPE, SIG_IGN)
        let stdout = try PipePair()
        close(stdout.read)
        let stderr = ScratchFile(), input = ScratchFile()
        var out = PassThroughFilter(), err = PassThroughFilter()
        let outcome = ChildCommand(argv: ["yes"], environment: Self.environment, input: input.fd, output: stdout.write, error: stderr.fd)
            .run(stdout: &out, stderr: &err)
        #expect(outcome.termination == .signaled(SIGPIPE))
        #expect(stderr.text.isEmpty)
    }

    @Test("a signal sent by a process is forwarded and reported; the child's death by it is the status")
    func forwardsSentSignal() throws {
        let outcome = try runUntilReady { plenar_forward_simulate(SIGTERM, Int32(SI_USER)) }
        #expect(outcome.termination == .signaled(SIGTERM))
        #expect(outcome.status == 143)
        #expect(outcome.signal == SIGTERM)
    }

    @Test("a signal from the terminal is reported but not forwarded (the child already has it)")
    func terminalSignalNotForwarded() throws {
        let outcome = try runUntilReady {
            plenar_forward_simulate(SIGINT, Int32(SI_KERNEL))
            plenar_forward_simulate(SIGTERM, Int32(SI_USER))
        }
        // Had SIGINT been forwarded too, it (the lower number) would have killed the child first.
        #expect(outcome.termination == .signaled(SIGTERM))
        #expect(outcome.signal == SIGINT)
    }

    @Test("a signal arriving before the child exists is forwarded once it does")
    func signalBeforeSpawn() throws {
        let slot = plenar_forward_begin()
        try #require(slot >= 0)
        plenar_forward_simulate(SIGTERM, Int32(SI_USER))
        var spawn = Spawn(path: "/bin/sleep", arguments: ["sleep", "30"], environment: [])
        spawn.signals = .atStart
        let pid = try spawn.start()
        plenar_forward_to(slot, pid)
        try WaitStatus.awaitExit(pid)
        #expect(plenar_forward_end(slot) == SIGTERM)
        #expect(try WaitStatus.reap(pid) == .signaled(SIGTERM))
    }

    @Test("our own signal handlers are back once the run is over")
    func handlersRestored() {
        var before = sigaction(), after = sigaction()
        sigaction(SIGTERM, nil, &before)
        _ = Capture(["true"])
        sigaction(SIGTERM, nil, &after)
        #expect(unsafeBitCast(before.__sigaction_handler, to: Int.self) == unsafeBitCast(after.__sigaction_handler, to: Int.self))
    }

    /// Runs `sh -c 'echo ready; exec sleep 30'`, calls `act` once "ready" is out, and returns the outcome.
    private func runUntilReady(_ act: () -> Void) throws -> ChildOutcome {
        let stdout = try PipePair()
        let command = ChildCommand(
            argv: ["sh", "-c", "echo ready; exec sleep 30"], environment: Self.environment, output: stdout.write, error: stdout.write)
        let background = Background { command.run(stdout: &$0, stderr: &$1) }
        #expect(readUntil(stdout.read, "ready\n", within: .seconds(30)) == "ready\n")
        act()
        let outcome = background.wait()
        stdout.closeWrite()
        return outcome
    }

}

// MARK: - Helpers

/// Passes bytes on unchanged, but holds its first read until the child is gone: its pid, in
/// `marker`, names no process or a zombie (checked every 10 ms, for at most 60 s).
private struct ExitWaitingFilter: ByteStreamFilter {
    let marker: String
    var waited = false

    mutating func process(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        if !waited {
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(60)
            while clock.now < deadline, !Self.gone(marker) { usleep(10_000) }
            waited = Self.gone(marker)
        }
        emit(bytes)
    }

    mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {}

    static func gone(_ marker: String) -> Bool {
        guard let text = try? String(contentsOfFile: marker, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        // The state follows the command's name in parentheses: Z for a zombie.
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}

/// A run with stdin from an empty file and both outputs captured in scratch files.
private struct Capture {
    let outcome: ChildOutcome
    let stdout: [UInt8]
    let stderr: [UInt8]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    init(_ argv: [String], environment: [String: String] = ChildProcessTests.environment, input: Int32? = nil) {
        self.init(ChildCommand(argv: argv, environment: environment), input: input)
    }

    init(_ command: ChildCommand, input: Int32? = nil) {
        let empty = ScratchFile(), out = ScratchFile(), err = ScratchFile()
        var command = command
        command.input = input ?? empty.fd
        command.output = out.fd
        command.error = err.fd
        var outFilter = PassThroughFilter(), errFilter = PassThroughFilter()
        var outcome = command.run(stdout: &outFilter, stderr: &errFilter)
        // A script a test has just written is "busy" while a process another test forks at that
        // moment still holds the writing fd (until its exec): try again.
        for _ in 0..<50 where outcome.termination == .notExecutable(errno: ETXTBSY) {
            usleep(10_000)
            outcome = command.run(stdout: &outFilter, stderr: &errFilter)
        }
        self.outcome = outcome
        stdout = out.bytes
        stderr = err.bytes
    }
}

/// Counts what it passes on, and marks the end of the stream in `finish`.
private struct MarkingFilter: ByteStreamFilter {
    let mark: String
    var bytes = 0
    var finished = 0

    mutating func process(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        self.bytes += bytes.count
        emit(bytes)
    }

    mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {
        finished += 1
        Array(mark.utf8).withUnsafeBytes(emit)
    }
}

/// An unlinked temporary file, read back from the start.
private final class ScratchFile {
    let fd: Int32

    init() {
        var template = Array("\(NSTemporaryDirectory())/plenar-run-XXXXXX".utf8CString)
        fd = mkstemp(&template)
        precondition(fd >= 0, "mkstemp failed")
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        unlink(template)
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            precondition(written > 0)
            offset += written
        }
        lseek(fd, 0, SEEK_SET)
    }

    var bytes: [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset: off_t = 0
        while true {
            let count = pread(fd, &buffer, buffer.count, offset)
            guard count > 0 else { return result }
            result += buffer[0..<count]
            offset += off_t(count)
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

private struct ScratchFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Removes the folder: called from a `defer` in the test, after the children that used it.
    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String, _ content: String, mode: Int) throws -> String {
        let file = "\(path)/\(name)"
        try ExecutableFile.write(content, to: file, mode: mode_t(mode))
        return file
    }
}

/// A close-on-exec pipe, so it reaches no child except through the fds handed over.
private final class PipePair: @unchecked Sendable {
    let read: Int32
    let write: Int32
    private var writeOpen = true

    init() throws {
        (read, write) = try FileIO.pipe()
    }

    func closeWrite() {
        if writeOpen { close(write) }
        writeOpen = false
    }

    deinit {
        close(read)
        closeWrite()
    }
}

/// Reads `fd` until the text read contains `marker`, end-of-file, or the deadline.
private func readUntil(_ fd: Int32, _ marker: String, within limit: Duration) -> String {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    var text = ""
    var buffer = [UInt8](repeating: 0, count: 4096)
    while !text.contains(marker), clock.now < deadline {
        var wait = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&wait, 1, Int32((deadline - clock.now).components.seconds * 1000 + 1)) > 0 else { break }
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { break }
        text += String(decoding: buffer[0..<count], as: UTF8.self)
    }
    return text
}

/// A run on a thread of its own, for tests that talk to the child meanwhile.
private final class Background: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var outcome: ChildOutcome?

    init(_ body: @escaping @Sendable (inout PassThroughFilter, inout PassThroughFilter) -> ChildOutcome) {
        Thread { [self] in
            var out = PassThroughFilter(), err = PassThroughFilter()
            outcome = body(&out, &err)
            done.signal()
        }.start()
    }

    func wait() -> ChildOutcome {
        done.wait()
        return outcome!
    }
}
