import CPosix

/// Reads and writes on file descriptors, through EINTR and short counts.
public enum FileIO {
    /// Writes every byte, retrying EINTR and short writes, and waiting on a non-blocking fd that
    /// is full. `progress` counts the bytes written, also when it fails. A write that writes
    /// nothing fails with EIO.
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, progress: inout Int) throws(PlatformError) {
        guard let base = bytes.baseAddress else { return }
        while progress < bytes.count {
            let written = write(fd, base + progress, bytes.count - progress)
            if written > 0 {
                progress += written
                continue
            }
            try awaitWritable(fd, after: written)
        }
    }

    /// After a write that wrote nothing (`written` ≤ 0): returns to retry on EINTR, or once a
    /// full non-blocking fd takes data again; else throws (EIO for a write of nothing).
    private static func awaitWritable(_ fd: Int32, after written: Int) throws(PlatformError) {
        let failure = written < 0 ? errno : EIO
        switch failure {
        case EINTR:
            return
        case EAGAIN:
            var wait = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&wait, 1, -1)
        default:
            throw PlatformError(failure)
        }
    }

    /// Writes every byte of `pieces`, in order, with as few system calls as writev(2) allows
    /// (1,024 pieces a call), retrying EINTR and short writes, and waiting on a non-blocking fd
    /// that is full. `iovecs` is scratch space, reused from call to call.
    public static func writeAll(
        _ pieces: [UnsafeRawBufferPointer], to fd: Int32, iovecs: inout [iovec]
    ) throws(PlatformError) {
        iovecs.removeAll(keepingCapacity: true)
        for piece in pieces where !piece.isEmpty {
            iovecs.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: piece.baseAddress), iov_len: piece.count))
        }
        var first = 0
        while first < iovecs.count {
            let count = min(iovecs.count - first, 1024)
            let written = iovecs.withUnsafeMutableBufferPointer { writev(fd, $0.baseAddress! + first, Int32(count)) }
            if written > 0 {
                // Past the pieces written whole, into the one written in part.
                var left = written
                while first < iovecs.count, left >= iovecs[first].iov_len {
                    left -= iovecs[first].iov_len
                    first += 1
                }
                if left > 0 {
                    iovecs[first].iov_base += left
                    iovecs[first].iov_len -= left
                }
                continue
            }
            try awaitWritable(fd, after: written)
        }
    }

    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) throws(PlatformError) {
        var progress = 0
        try writeAll(bytes, to: fd, progress: &progress)
    }

    public static func writeAll(_ bytes: [UInt8], to fd: Int32, progress: inout Int) throws(PlatformError) {
        var done = progress
        defer { progress = done }
        // withUnsafeBytes rethrows untyped errors: the failure comes out as a value.
        let failure = bytes.withUnsafeBytes { buffer -> PlatformError? in
            do throws(PlatformError) {
                try writeAll(buffer, to: fd, progress: &done)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    public static func writeAll(_ bytes: [UInt8], to fd: Int32) throws(PlatformError) {
        var progress = 0
        try writeAll(bytes, to: fd, progress: &progress)
    }

    /// Writes `bytes` at offset 0 of an open file (pwrite, so the file's offset does not matter).
    public static func writeAll(_ bytes: [UInt8], toStartOf fd: Int32) throws(PlatformError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + offset, $0.count - offset, off_t(offset)) }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw written < 0 ? .current : PlatformError(EIO) }
            offset += written
        }
    }

    /// One read(2) into `buffer`, retried on EINTR: the count (0 at end of input), or -1 with
    /// errno set (EAGAIN on a non-blocking fd).
    public static func readSome(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0, errno == EINTR { continue }
            return count
        }
    }

    /// Reads until end of input, or until more than `limit` bytes have come (the caller tells by
    /// the count); retries EINTR.
    public static func readAll(_ fd: Int32, limit: Int = .max) throws(PlatformError) -> [UInt8] {
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while contents.count <= limit {
            let count = buffer.withUnsafeMutableBytes { readSome(fd, into: $0) }
            guard count >= 0 else { throw .current }
            if count == 0 { break }
            contents += buffer[0..<count]
        }
        return contents
    }

    /// A pipe whose ends are close-on-exec and numbered 3 or above (so they never collide with a
    /// child's 0-2, even when ours are closed).
    public static func pipe() throws(PlatformError) -> (read: Int32, write: Int32) {
        var fds: [Int32] = [-1, -1]
        let failure = plenar_pipe(&fds)
        guard failure == 0 else { throw PlatformError(failure) }
        return (fds[0], fds[1])
    }

    /// How many bytes the pipe of `fd` holds now, not yet read (0 where that cannot be told).
    public static func pendingBytes(_ fd: Int32) -> Int {
        max(0, Int(plenar_pipe_pending(fd)))
    }

    /// Asks for a buffer of `bytes` for the pipe of `fd` (Linux); where that is refused or
    /// unsupported the pipe keeps its default (64 KiB on Linux). Returns the size granted.
    @discardableResult
    public static func growPipe(_ fd: Int32, to bytes: Int) -> Int? {
        let granted = plenar_pipe_grow(fd, Int32(clamping: bytes))
        return granted > 0 ? Int(granted) : nil
    }
}
