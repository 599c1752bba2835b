import FoundationEssentials
import Platform

/// Unbuffered writes to a file descriptor: each message is out before the next thing happens.
struct FileDescriptorOutput: TextOutput {
    let fd: Int32

    func write(_ text: String) {
        var writer = FullWriter(fd: fd)
        Array(text.utf8).withUnsafeBytes { writer.write($0) }
    }
}
