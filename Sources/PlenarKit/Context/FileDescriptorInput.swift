import FoundationEssentials
import Platform

struct FileDescriptorInput: ByteInput {
    let fd: Int32

    var isTerminal: Bool { isatty(fd) == 1 }

    func read(limit: Int, timeout: Duration, untilNewline: Bool) -> InputRead {
        let clock = LiveClock()
        let deadline = clock.now() + timeout
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while result.count < limit {
            let left = deadline - clock.now()
            guard left > .zero else { return InputRead(bytes: result, timedOut: true) }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(clamping: max(1, left.wholeMilliseconds)))
            if polled < 0, errno == EINTR { continue }
            if polled == 0 { continue }
            let count = buffer.withUnsafeMutableBytes {
                FileIO.readSome(fd, into: UnsafeMutableRawBufferPointer(rebasing: $0[..<min($0.count, limit - result.count)]))
            }
            if count < 0, errno == EAGAIN { continue }
            guard count > 0 else { break }
            result += buffer[0..<count]
            if untilNewline, buffer[0..<count].contains(UInt8(ascii: "\n")) { break }
        }
        return InputRead(bytes: result)
    }
}
