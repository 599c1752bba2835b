import Foundation
import Platform
import Synchronization

/// How a step's process ended.
enum StepEnd: Sendable, Equatable {
    case exited(Int32)
    case signaled(Int32)
    /// Killed at `timeout-minutes`.
    case timedOut
    /// Could not be started, or its status could not be read; the reason.
    case failed(String)

    var succeeded: Bool { self == .exited(0) }
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
    ) -> StepEnd {
        let output: [Int32], exitPipe: [Int32]
        do throws(PlatformError) {
            let pipe = try FileIO.pipe()
            output = [pipe.read, pipe.write]
            do throws(PlatformError) {
                let exit = try FileIO.pipe()
                exitPipe = [exit.read, exit.write]
            } catch {
                close(output[0])
                close(output[1])
                throw error
            }
        } catch {
            return .failed("cannot create a pipe: \(error)")
        }

        let spawned = Self.spawn(executable, arguments, environment, directory, outputFD: output[1])
        close(output[1])
        let pid: pid_t
        switch spawned {
        case .failure(let problem):
            close(output[0])
            close(exitPipe[0])
            close(exitPipe[1])
            return .failed(problem.message)
        case .success(let child):
            pid = child
        }
        groups.append(pid)
        Self.running.withLock { _ = $0.insert(pid) }
        defer { Self.running.withLock { _ = $0.remove(pid) } }

        // A thread of its own waits for the exit, keeps the status and closes a pipe, so the
        // reading loop below can wait for output and exit together with poll(2).
        let reportFD = exitPipe[1]
        let report = ExitReport()
        Thread {
            report.status.withLock { $0 = Result { () throws(PlatformError) in try WaitStatus.reap(pid) } }
            close(reportFD)
        }.start()

        var splitter = LineSplitter()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var timedOut = false
        var outputOpen = true
        var status: Result<WaitStatus, PlatformError>?

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
            if fds[0].revents != 0 { status = report.status.withLock { $0 } }
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
        switch status {
        case .success(.exited(let code)): return .exited(code)
        case .success(.signaled(let signal)): return .signaled(signal)
        case .failure, nil: return .failed("lost the exit status of the step's process (waitpid failed)")
        }
    }

    /// Kills what is left of every step's process group: background processes a step started.
    func reapGroups() {
        for group in groups where kill(-group, 0) == 0 {
            kill(-group, SIGKILL)
        }
        groups.removeAll()
    }

    private struct SpawnError: Error {
        let message: String
    }

    /// The runner's way: a new process group, stdin from /dev/null, stdout and stderr into one
    /// pipe, nothing blocked and default dispositions (test and Dispatch threads block signals
    /// and the Swift runtime ignores SIGPIPE).
    private static func spawn(
        _ executable: String, _ arguments: [String], _ environment: [String: String], _ directory: String, outputFD: Int32
    ) -> Result<pid_t, SpawnError> {
        var spawn = Spawn(
            path: executable, arguments: [executable] + arguments,
            environment: environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        (spawn.stdin, spawn.stdout, spawn.stderr) = (.null, .fd(outputFD), .fd(outputFD))
        spawn.signals = .defaults
        spawn.newProcessGroup = true
        spawn.directory = directory
        do throws(PlatformError) {
            return .success(try spawn.start())
        } catch {
            if error.code == ENOENT, access(directory, F_OK) != 0 {
                return .failure(SpawnError(message: "the working directory \(directory) does not exist"))
            }
            return .failure(SpawnError(message: "\(executable): \(error)"))
        }
    }
}

/// The status of a step's process, from the thread that waits for it to the loop that reads its output.
private final class ExitReport: Sendable {
    let status = Mutex<Result<WaitStatus, PlatformError>?>(nil)
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
