import Foundation

/// The built `plenar-sandbox` executable, running as a child process.
final class SandboxProcess: @unchecked Sendable {
    private let process: Process
    private let output = LockedData()
    private let firstLine = DispatchSemaphore(value: 0)
    private let outputDone = DispatchSemaphore(value: 0)
    private let errors: ReadAll

    static var executable: String { BuiltProducts.path("plenar-sandbox") }

    init(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        errors = ReadAll(err.fileHandleForReading)
        let reader = out.fileHandleForReading
        Thread { [output, firstLine, outputDone] in
            var signalled = false
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                let hasNewline = output.withLock { data in
                    data.append(chunk)
                    return data.contains(UInt8(ascii: "\n"))
                }
                if hasNewline, !signalled {
                    signalled = true
                    firstLine.signal()
                }
            }
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
    func stop(_ signal: Int32 = SIGTERM) async -> (status: Int32, reason: Process.TerminationReason, stdout: String, stderr: String) {
        kill(process.processIdentifier, signal)
        return await finished()
    }

    /// Waits for the process to exit by itself.
    func finished() async -> (status: Int32, reason: Process.TerminationReason, stdout: String, stderr: String) {
        return await withCheckedContinuation { continuation in
            Thread { [self] in
                process.waitUntilExit()
                outputDone.wait()
                let stderr = String(decoding: errors.wait(), as: UTF8.self)
                let stdout = output.withLock { String(decoding: $0, as: UTF8.self) }
                continuation.resume(returning: (process.terminationStatus, process.terminationReason, stdout, stderr))
            }.start()
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
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
