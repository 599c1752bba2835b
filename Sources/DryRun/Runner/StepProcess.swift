import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a step's process ended.
public enum Termination: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
    /// Killed at `timeout-minutes`.
    case timedOut
    /// Could not be started, or its status could not be read; the reason.
    case failed(String)

    public var succeeded: Bool { self == .exited(0) }
}

/// Runs a step's process the way the runner does, as the leader of a new process group, with
/// stdin from /dev/null and stdout and stderr into one pipe, so lines keep the order they were
/// written in.
///
/// Lines go to `onLine` as they arrive (a last line without a newline too); nothing is held
/// back. At the time limit the whole process group is killed (SIGKILL). The step ends when its
/// process exits: output already in the pipe is read, and anything a background process writes
/// later is discarded. Background processes keep running until the job ends, as on GitHub;
/// ``reapGroups()`` then kills what is left of each step's group.
final class StepProcess {
    private var groups: [pid_t] = []

    /// The process groups of the steps running now, in any dry run of this process.
    private static let running = Mutex<Set<pid_t>>([])
    /// How many times ``interrupt()`` was called.
    private static let interruptions = Atomic<Int>(0)

    /// Whether the dry run was interrupted: no further step starts.
    static var interrupted: Bool { interruptions.load(ordering: .relaxed) > 0 }

    /// Stops the running steps from outside (Ctrl-C): SIGINT to their process groups the first
    /// time, as the runner's cancellation does, SIGKILL after that.
    static func interrupt() {
        let count = interruptions.add(1, ordering: .relaxed).newValue
        let groups = running.withLock { $0 }
        for group in groups { kill(-group, count == 1 ? SIGINT : SIGKILL) }
    }

    func run(
        executable: String, arguments: [String], environment: [String: String], directory: String,
        timeout: Duration?, onLine: (String) -> Void
    ) -> Termination {
        var output: [Int32] = [-1, -1]
        var exitPipe: [Int32] = [-1, -1]
        guard Self.makePipe(&output) == 0 else { return .failed("cannot create a pipe: \(String(cString: strerror(errno)))") }
        guard Self.makePipe(&exitPipe) == 0 else {
            close(output[0]); close(output[1])
            return .failed("cannot create a pipe: \(String(cString: strerror(errno)))")
        }

        let spawned = Self.spawn(executable, arguments, environment, directory, outputFD: output[1])
        close(output[1])
        let pid: pid_t
        switch spawned {
        case .failure(let problem):
            close(output[0]); close(exitPipe[0]); close(exitPipe[1])
            return .failed(problem.message)
        case .success(let child):
            pid = child
        }
        groups.append(pid)
        Self.running.withLock { _ = $0.insert(pid) }
        defer { Self.running.withLock { _ = $0.remove(pid) } }

        // A thread of its own waits for the exit and reports the status through a pipe, so the
        // reading loop below can wait for output and exit together with poll(2).
        let reportFD = exitPipe[1]
        Thread {
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
            if result < 0 { status = Int32.min }
            withUnsafeBytes(of: &status) { _ = write(reportFD, $0.baseAddress, 4) }
            close(reportFD)
        }.start()

        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var timedOut = false
        var outputOpen = true
        var status: Int32?

        func readOutput() {
            let count = buffer.withUnsafeMutableBytes { read(output[0], $0.baseAddress, $0.count) }
            if count > 0 {
                for line in splitter.feed(buffer[0..<count]) { onLine(line) }
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                outputOpen = false
            }
        }

        while status == nil {
            var fds = [pollfd(fd: exitPipe[0], events: Int16(POLLIN), revents: 0)]
            if outputOpen { fds.append(pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)) }
            var wait: Int32 = -1
            if let deadline, !timedOut {
                let left = deadline - ContinuousClock.now
                wait = Int32(clamping: max(0, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1))
            }
            let ready = poll(&fds, nfds_t(fds.count), wait)
            if ready < 0, errno == EINTR { continue }
            if fds.count > 1, fds[1].revents != 0 { readOutput() }
            if fds[0].revents != 0 {
                var reported: Int32 = 0
                let count = withUnsafeMutableBytes(of: &reported) { read(exitPipe[0], $0.baseAddress, 4) }
                if count == 4 { status = reported }
            }
            if status == nil, let deadline, !timedOut, ContinuousClock.now >= deadline {
                timedOut = true
                kill(-pid, SIGKILL)
            }
        }
        close(exitPipe[0])

        // The process has exited: take what is already in the pipe, then stop listening.
        var drained = 0
        while outputOpen, drained < 4096 {
            var fd = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
            guard poll(&fd, 1, 0) > 0 else { break }
            readOutput()
            drained += 1
        }
        if let last = splitter.finish() { onLine(last) }
        if outputOpen {
            let readFD = output[0]
            Thread {
                var sink = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = sink.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                    if count > 0 || (count < 0 && errno == EINTR) { continue }
                    break
                }
                close(readFD)
            }.start()
        } else {
            close(output[0])
        }

        if timedOut { return .timedOut }
        let code = status ?? 0
        if code == Int32.min { return .failed("lost the exit status of the step's process (waitpid failed)") }
        if code & 0x7f == 0 { return .exited((code >> 8) & 0xff) }
        return .signaled(code & 0x7f)
    }

    /// Kills what is left of every step's process group: background processes a step started.
    func reapGroups() {
        for group in groups where kill(-group, 0) == 0 {
            kill(-group, SIGKILL)
        }
        groups.removeAll()
    }

    /// A pipe whose ends children do not inherit. pipe2(O_CLOEXEC) where the C library has it
    /// (Linux), so that a step started by another thread at the same moment cannot inherit them.
    private static func makePipe(_ fds: inout [Int32]) -> Int32 {
        if let pipe2 = CLibrary.pipe2 { return pipe2(&fds, O_CLOEXEC) }
        guard pipe(&fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    private struct SpawnError: Error {
        let message: String
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ directory: String, outputFD: Int32
    ) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        guard let addChdir = CLibrary.addChdir else {
            return .failure(SpawnError(message: "this C library has no posix_spawn_file_actions_addchdir_np"))
        }
        _ = addChdir(&actions, directory)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Test and Dispatch threads block signals and the Swift runtime ignores SIGPIPE; a step
        // starts as a runner's would, with nothing blocked and default dispositions.
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            let reason = String(cString: strerror(result))
            if result == ENOENT, !FileManager.default.fileExists(atPath: directory) {
                return .failure(SpawnError(message: "the working directory \(directory) does not exist"))
            }
            return .failure(SpawnError(message: "\(executable): \(reason)"))
        }
        return .success(pid)
    }
}

/// C functions the Swift module of the C library does not show (Glibc hides GNU extensions),
/// looked up in the running process.
private enum CLibrary {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    static let pipe2: Pipe2? = symbol("pipe2")
    static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        guard let process = dlopen(nil, RTLD_NOW), let address = dlsym(process, name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
}

/// Cuts a byte stream into lines at `\n`, dropping a `\r` before it.
struct LineSplitter {
    private var pending: [UInt8] = []

    /// The lines these bytes complete.
    mutating func feed(_ bytes: ArraySlice<UInt8>) -> [String] {
        var lines: [String] = []
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            pending += bytes[start..<newline]
            lines.append(take())
            start = newline + 1
        }
        pending += bytes[start...]
        return lines
    }

    /// A last line that had no newline.
    mutating func finish() -> String? {
        pending.isEmpty ? nil : take()
    }

    private mutating func take() -> String {
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        defer { pending.removeAll(keepingCapacity: true) }
        return String(decoding: pending, as: UTF8.self)
    }
}
