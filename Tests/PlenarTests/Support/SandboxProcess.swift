import Foundation
import Platform

@testable import PlenarKit

/// The built `plenar-sandbox` executable, running as a child process (posix_spawn, like
/// `ChildProcess`: Foundation's Process does not always survive many concurrent starts).
final class SandboxProcess: @unchecked Sendable {
    enum Ending: Equatable {
        case exit
        case uncaughtSignal
    }

    private let pid: pid_t
    private let output = LockedData()
    private let firstLine = DispatchSemaphore(value: 0)
    private let outputDone = DispatchSemaphore(value: 0)
    private let errors: ReadAll
    private let reaped = LockedData()

    static var executable: String { BuiltProducts.path("plenar-sandbox") }

    init(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        Signals.ignoreBrokenPipes()
        let out = try FileIO.pipe()
        let err = try FileIO.pipe()
        var spawn = Spawn(
            path: Self.executable, arguments: [Self.executable] + arguments, environment: environment.map { "\($0.key)=\($0.value)" })
        (spawn.stdin, spawn.stdout, spawn.stderr) = (.null, .fd(out.write), .fd(err.write))
        spawn.signals = .atStart
        let spawned = Result { () throws(PlatformError) in try spawn.start() }
        close(out.write)
        close(err.write)
        switch spawned {
        case .success(let pid):
            self.pid = pid
        case .failure(let error):
            close(out.read)
            close(err.read)
            throw TestFailure("cannot start plenar-sandbox: \(error)")
        }
        errors = ReadAll(fd: err.read)
        let reader = out.read
        Thread { [output, firstLine, outputDone] in
            var signalled = false
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(reader, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let hasNewline = output.withLock { data in
                    data.append(contentsOf: buffer[0..<count])
                    return data.contains(UInt8(ascii: "\n"))
                }
                if hasNewline, !signalled {
                    signalled = true
                    firstLine.signal()
                }
            }
            close(reader)
            if !signalled { firstLine.signal() }
            outputDone.signal()
        }.start()
    }

    /// The first line on stdout (the ready line), waiting up to `timeout`.
    func readyLine(timeout: Duration = .seconds(60)) async throws -> String {
        let semaphore = firstLine
        let arrived = await withCheckedContinuation { continuation in
            Thread {
                let arrived = semaphore.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000))) == .success
                if arrived { semaphore.signal() }  // stays signalled for later callers
                continuation.resume(returning: arrived)
            }.start()
        }
        let text = output.withLock { String(decoding: $0, as: UTF8.self) }
        guard arrived, let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, text.contains("\n") else {
            throw TestFailure("no ready line from plenar-sandbox; stdout: \(text)")
        }
        return String(line)
    }

    func port() async throws -> Int {
        let line = try await readyLine()
        guard let port = line.split(separator: ":").last?.split(separator: "/").first.flatMap({ Int($0) }) else {
            throw TestFailure("unexpected ready line \(line)")
        }
        return port
    }

    /// Sends `signal` and waits for the exit; returns (status, stdout, stderr).
    func stop(_ signal: Int32 = SIGTERM) async -> (status: Int32, reason: Ending, stdout: String, stderr: String) {
        kill(pid, signal)
        return await finished()
    }

    /// Waits for the process to exit by itself: its exit code, or the signal that killed it.
    func finished() async -> (status: Int32, reason: Ending, stdout: String, stderr: String) {
        return await withCheckedContinuation { continuation in
            Thread { [self] in
                let status = (try? WaitStatus.reap(pid)) ?? .exited(-1)
                reaped.withLock { $0 = Data([1]) }
                outputDone.wait()
                let stderr = String(decoding: errors.wait(), as: UTF8.self)
                let stdout = output.withLock { String(decoding: $0, as: UTF8.self) }
                switch status {
                case .exited(let code): continuation.resume(returning: (code, .exit, stdout, stderr))
                case .signaled(let signal): continuation.resume(returning: (signal, .uncaughtSignal, stdout, stderr))
                }
            }.start()
        }
    }

    deinit {
        if reaped.withLock({ $0.isEmpty }) {
            kill(pid, SIGKILL)
            _ = try? WaitStatus.reap(pid)
        }
    }
}

/// Bytes shared between a reader thread and the test.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func withLock<T>(_ body: (inout Data) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&data)
    }
}
