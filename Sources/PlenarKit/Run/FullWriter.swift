import CPosix
import Platform

/// Writes every byte it is given to `fd`, through EINTR, partial writes and a non-blocking fd.
/// After EPIPE it stops writing and says so; after another error it quietly discards.
struct FullWriter {
    let fd: Int32
    private(set) var readerGone = false
    private var failed = false

    init(fd: Int32) {
        self.fd = fd
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        guard !readerGone, !failed else { return }
        do throws(PlatformError) {
            try FileIO.writeAll(bytes, to: fd)
        } catch {
            note(error)
        }
    }

    /// `pieces` in order, gathered by the system (writev): none is copied.
    mutating func write(_ pieces: [UnsafeRawBufferPointer], iovecs: inout [iovec]) {
        guard !readerGone, !failed else { return }
        do throws(PlatformError) {
            try FileIO.writeAll(pieces, to: fd, iovecs: &iovecs)
        } catch {
            note(error)
        }
    }

    private mutating func note(_ error: PlatformError) {
        if error.code == EPIPE { readerGone = true } else { failed = true }
    }
}
