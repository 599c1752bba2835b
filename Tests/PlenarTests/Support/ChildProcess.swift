import Foundation
import Platform

/// Where the package lives, found from this file, so tests can reach scripts and the venv.
enum PackageRoot {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
}

/// Built products live beside the test bundle.
enum BuiltProducts {
    static var folder: URL {
        URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            .deletingLastPathComponent()
    }

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
}

/// A child process run to completion with its output captured.
struct ChildProcess: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
    /// stdout byte for byte (`stdout` decodes it as UTF-8).
    let output: Data

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil, directory: URL? = nil
    ) async throws -> ChildProcess {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(
                    with: Result { try runBlocking(executable, arguments, environment: environment, stdin: stdin, directory: directory) })
            }.start()
        }
    }

    /// The platform layer's spawn and plain read loops rather than Foundation's Process: the tests
    /// start hundreds of processes from many threads at once, which Process does not always survive.
    private static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String]?, stdin: Data?, directory: URL?
    ) throws -> ChildProcess {
        Signals.ignoreBrokenPipes()
        let output = try FileIO.pipe()
        let errors = try FileIO.pipe()
        let input: (read: Int32, write: Int32) = try stdin != nil ? FileIO.pipe() : (open("/dev/null", O_RDONLY | O_CLOEXEC), -1)
        var spawn = Spawn(
            path: executable, arguments: [executable] + arguments,
            environment: (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" })
        (spawn.stdin, spawn.stdout, spawn.stderr) = (.fd(input.read), .fd(output.write), .fd(errors.write))
        spawn.signals = .atStart
        spawn.directory = directory?.path
        let spawned = Result { () throws(PlatformError) in try spawn.start() }
        close(input.read)
        close(output.write)
        close(errors.write)
        let pid: pid_t
        switch spawned {
        case .success(let started):
            pid = started
        case .failure(let error):
            for fd in [input.write, output.read, errors.read] where fd >= 0 { close(fd) }
            throw error
        }
        if let stdin {
            let fd = input.write
            Thread {
                try? FileIO.writeAll(Array(stdin), to: fd)
                close(fd)
            }.start()
        }
        let errorText = ReadAll(fd: errors.read)
        let outputData = ReadAll.readAll(output.read)
        close(output.read)
        let exit = (try? WaitStatus.reap(pid))?.shellStatus ?? -1
        return ChildProcess(
            status: exit,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorText.wait(), as: UTF8.self),
            output: outputData
        )
    }
}

/// Reads a file descriptor to its end on a thread of its own, then closes it.
final class ReadAll: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(fd: Int32) {
        Thread { [self] in
            data = Self.readAll(fd)
            close(fd)
            done.signal()
        }.start()
    }

    /// Reads until end of input, retrying when a signal interrupts.
    static func readAll(_ fd: Int32) -> Data {
        Data((try? FileIO.readAll(fd)) ?? [])
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
