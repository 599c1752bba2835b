import Foundation

/// Writes an executable file (a fake tool, a script) that a test then runs.
///
/// Through a close-on-exec descriptor: a child that another test spawns while this one writes must
/// not inherit the file open for writing, or running it fails with ETXTBSY ("text file busy"),
/// which Foundation's `Data.write` (no `O_CLOEXEC`) let happen under a busy parallel run.
enum ExecutableFile {
    static func write(_ content: String, to path: String, mode: mode_t = 0o755) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw TestFailure("cannot create \(path): errno \(errno)") }
        let bytes = Array(content.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count else { throw TestFailure("cannot write \(path)") }
        // open's mode is masked by the umask; the test asked for exactly this one.
        guard chmod(path, mode) == 0 else { throw TestFailure("cannot chmod \(path): errno \(errno)") }
    }
}
