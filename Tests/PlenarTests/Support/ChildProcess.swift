import CPosix
import Foundation

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
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment, stdin: stdin, directory: directory) })
            }.start()
        }
    }

    /// posix_spawn and plain read loops rather than Foundation's Process: the tests start hundreds
    /// of processes from many threads at once, which Process does not always survive.
    private static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String]?, stdin: Data?, directory: URL?
    ) throws -> ChildProcess {
        signal(SIGPIPE, SIG_IGN)
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        var input: [Int32] = [-1, -1]
        guard plenar_pipe(&output) == 0, plenar_pipe(&errors) == 0 else { throw POSIXError(.EMFILE) }
        if stdin != nil {
            guard plenar_pipe(&input) == 0 else { throw POSIXError(.EMFILE) }
        } else {
            input[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)
        }
        var argv = [executable] + arguments
        if let directory { argv = ["/usr/bin/env", "--chdir=\(directory.path)"] + argv }
        let path = argv[0]
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let cEnvironment = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        let spawned = plenar_spawn(&pid, path, cArguments, cEnvironment, input[0], output[1], errors[1])
        close(input[0])
        close(output[1])
        close(errors[1])
        guard spawned == 0 else {
            for fd in [input[1], output[0], errors[0]] where fd >= 0 { close(fd) }
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
        }
        if let stdin {
            let fd = input[1]
            Thread {
                stdin.withUnsafeBytes { bytes in
                    var offset = 0
                    while offset < bytes.count {
                        let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                        if written < 0, errno == EINTR { continue }
                        guard written > 0 else { break }
                        offset += written
                    }
                }
                close(fd)
            }.start()
        }
        let errorText = ReadAll(fd: errors[0])
        let outputData = ReadAll.readAll(output[0])
        close(output[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exit = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
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
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
