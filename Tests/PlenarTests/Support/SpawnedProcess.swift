import CPosix
import Foundation

/// A child started the way a CI runner starts a step: no signal blocked, default dispositions.
/// (Test threads block some signals, and Foundation's Process passes that mask on.)
final class SpawnedProcess: @unchecked Sendable {
    let pid: pid_t
    /// The child's stdout, read end.
    let output: FileHandle
    /// The child's stdin, write end, when asked for (else it reads /dev/null).
    let input: FileHandle?

    init(_ executable: String, _ arguments: [String], environment: [String: String], withInput: Bool = false) throws {
        var pipeFDs: [Int32] = [-1, -1]
        var inputFDs: [Int32] = [-1, -1]
        guard plenar_pipe(&pipeFDs) == 0, !withInput || plenar_pipe(&inputFDs) == 0 else { throw POSIXError(.EMFILE) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if withInput {
            posix_spawn_file_actions_adddup2(&actions, inputFDs[0], 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(pipeFDs[1])
        if withInput { close(inputFDs[0]) }
        guard result == 0 else {
            close(pipeFDs[0])
            if withInput { close(inputFDs[1]) }
            throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
        }
        self.pid = pid
        output = FileHandle(fileDescriptor: pipeFDs[0], closeOnDealloc: true)
        input = withInput ? FileHandle(fileDescriptor: inputFDs[1], closeOnDealloc: true) : nil
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
        let (code, signal) = waitRaw()
        return signal == 0 ? code : 128 + signal
    }

    /// Waits for the exit: its exit code, and the signal that killed it (0 if none).
    func waitRaw() -> (code: Int32, signal: Int32) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return status & 0x7F == 0 ? ((status >> 8) & 0xFF, 0) : (0, status & 0x7F)
    }
}
