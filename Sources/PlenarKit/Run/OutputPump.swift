import CPosix
import Platform

/// Moves one of the child's output streams, a pipe, to one of ours through a filter: a blocking
/// loop of reads of whatever has arrived (up to 256 KiB), each processed and written at once, in
/// one call (the filter hands its output in pieces: bytes held back from the last read, the new
/// ones, replacements; writev gathers them), so output stays live and in order and costs one
/// system call a read.
///
/// Until the child exits, the pump waits for data or for `childExit` (a pipe whose write end is
/// closed when the child is gone). After that it reads what the pipe held when the exit was seen
/// (the child's last output, however slow the filter), then keeps pumping while data still comes,
/// since a background grandchild may hold the pipe open forever: it stops after `quiet` without
/// data, or `linger` after the exit in any case. Then the filter's `finish` output is written.
struct OutputPump<Filter: ByteStreamFilter> {
    static var readSize: Int { 262_144 }
    /// A piece of the read buffer smaller than this is copied rather than written from there.
    static var smallPiece: Int { 4096 }

    /// Read end of the child's stdout or stderr pipe; the pump closes it when done.
    let source: Int32
    let sink: Int32
    /// Read end of a pipe that reports end-of-file once the child has exited.
    let childExit: Int32
    let quiet: Duration
    let linger: Duration
    /// Used by this pump's thread only, until it is joined.
    let filter: UnsafeMutablePointer<Filter>

    func run() {
        plenar_forward_unblock()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 1)
        defer { buffer.deallocate() }
        var writer = FullWriter(fd: sink)
        var output: [UInt8] = []
        output.reserveCapacity(Self.readSize + 4096)
        // A read's output as spans, in order: of the read buffer (written from there) or of
        // `output` (pieces from elsewhere, copied there, since held bytes may change before the write).
        var spans: [(inBuffer: Bool, start: Int, count: Int)] = []
        var pieces: [UnsafeRawBufferPointer] = []
        var iovecs: [iovec] = []
        var exitSeen: Duration?
        // Bytes the pipe held when the exit was seen and not yet read: no deadline cuts them off.
        var owed = 0
        while waitForData(exitSeen: &exitSeen, owed: &owed) {
            let count = read(source, buffer.baseAddress, buffer.count)
            if count < 0, errno == EINTR || errno == EAGAIN { continue }
            guard count > 0 else { break }
            owed = max(0, owed - count)
            // What comes out is written in one call: pieces of the read buffer (most of it) from
            // there, unless small (then copied, as pieces from elsewhere are: held bytes and
            // replacements), so that a read full of matches is not a thousand tiny pieces.
            filter.pointee.process(UnsafeRawBufferPointer(rebasing: buffer[..<count])) { piece in
                guard !piece.isEmpty else { return }
                if piece.count >= Self.smallPiece, UnsafeRawBufferPointer(buffer).encloses(piece) {
                    spans.append((true, piece.baseAddress! - UnsafeRawPointer(buffer.baseAddress!), piece.count))
                } else if let last = spans.last, !last.inBuffer {
                    spans[spans.count - 1].count += piece.count
                    output.append(contentsOf: piece)
                } else {
                    spans.append((false, output.count, piece.count))
                    output.append(contentsOf: piece)
                }
            }
            output.withUnsafeBytes { staged in
                pieces.removeAll(keepingCapacity: true)
                for span in spans {
                    let source = span.inBuffer ? UnsafeRawBufferPointer(buffer) : staged
                    pieces.append(UnsafeRawBufferPointer(rebasing: source[span.start..<(span.start + span.count)]))
                }
                if !pieces.isEmpty { writer.write(pieces, iovecs: &iovecs) }
            }
            output.removeAll(keepingCapacity: true)
            spans.removeAll(keepingCapacity: true)
            // Our reader is gone: closing the pipe gives the child the SIGPIPE (or EPIPE) it would
            // have had writing to that reader itself, rather than letting it run on unheard.
            if writer.readerGone { break }
        }
        close(source)
        filter.pointee.finish { output.append(contentsOf: $0) }
        Self.flush(&output, to: &writer)
    }

    private static func flush(_ output: inout [UInt8], to writer: inout FullWriter) {
        guard !output.isEmpty else { return }
        output.withUnsafeBytes { writer.write($0) }
        output.removeAll(keepingCapacity: true)
    }

    /// Waits until `source` has data or end-of-file (true), or the after-exit grace ran out (false).
    /// When it first sees the exit, sets `owed` to what the pipe holds.
    private func waitForData(exitSeen: inout Duration?, owed: inout Int) -> Bool {
        let clock = LiveClock()
        if owed > 0 { return true }
        while true {
            var fds = [pollfd(fd: source, events: Int16(POLLIN), revents: 0), pollfd(fd: childExit, events: Int16(POLLIN), revents: 0)]
            var timeout: Int32 = -1
            if let exitSeen {
                let left = min(quiet, exitSeen + linger - clock.now())
                guard left > .zero else { return false }
                timeout = Int32(max(1, left.wholeMilliseconds))
            }
            let ready = poll(&fds, exitSeen == nil ? 2 : 1, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return true  // let read() report the problem
            }
            if ready == 0 { return false }
            // The exit is noted even when data is waiting too: a background process that keeps
            // writing must not hold the run open past the linger.
            if exitSeen == nil, fds[1].revents != 0 {
                exitSeen = clock.now()
                owed = FileIO.pendingBytes(source)
                if owed > 0 { return true }
            }
            if fds[0].revents != 0 {
                if let exitSeen, clock.now() >= exitSeen + linger { return false }
                return true
            }
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Whether `piece` lies within this buffer.
    func encloses(_ piece: UnsafeRawBufferPointer) -> Bool {
        guard let base = baseAddress, let start = piece.baseAddress else { return piece.isEmpty }
        return start >= base && start + piece.count <= base + count
    }
}
