import Foundation
import Platform

/// A child started the way a CI runner starts a step: no signal blocked, default dispositions.
/// (Test threads block some signals, and Foundation's Process passes that mask on.)
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    /// The child's stdout, read end.
    let output: FileHandle
    /// The child's stdin, write end, when asked for (else it reads /dev/null).
    let input: FileHandle?

    init(_ executable: String, _ arguments: [String], environment: [String: String], withInput: Bool = false) throws {
        let pipe = try FileIO.pipe()
        let inputPipe: (read: Int32, write: Int32)? = withInput ? try FileIO.pipe() : nil
        var spawn = Spawn(path: executable, arguments: [executable] + arguments, environment: environment.map { "\($0.key)=\($0.value)" })
        (spawn.stdin, spawn.stdout, spawn.stderr) = (inputPipe.map { .fd($0.read) } ?? .null, .fd(pipe.write), .null)
        spawn.signals = .defaults
        let started = Result { () throws(PlatformError) in try spawn.start() }
        close(pipe.write)
        if let inputPipe { close(inputPipe.read) }
        switch started {
        case .success(let pid):
            self.pid = pid
        case .failure(let error):
            close(pipe.read)
            if let inputPipe { close(inputPipe.write) }
            throw error
        }
        output = FileHandle(fileDescriptor: pipe.read, closeOnDealloc: true)
        input = inputPipe.map { FileHandle(fileDescriptor: $0.write, closeOnDealloc: true) }
    }

    /// Reads byte by byte up to a newline (so nothing after it is consumed); nil at end of input.
    func line() -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let count = read(output.fileDescriptor, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
    }

    /// Waits for the exit and returns the status as a shell reports it (128+N for signal N).
    func wait() -> Int32 {
        (try? WaitStatus.reap(pid))?.shellStatus ?? -1
    }

    /// Waits for the exit: its exit code, and the signal that killed it (0 if none).
    func waitRaw() -> (code: Int32, signal: Int32) {
        switch try? WaitStatus.reap(pid) {
        case .exited(let code)?: (code, 0)
        case .signaled(let signal)?: (0, signal)
        case nil: (-1, 0)
        }
    }
}
