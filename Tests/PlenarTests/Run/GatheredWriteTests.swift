import Platform
import Testing

/// `FileIO.writeAll(_:to:iovecs:)`, the writev behind `OutputPump`: pieces from separate
/// allocations, more than one call takes (1,024), through a pipe that fills up.
@Suite("Gathered writes (writev)")
struct GatheredWriteTests {
    /// 3,000 pieces of 0 to 4 KiB, each in its own allocation.
    static func pieces(seed: UInt64) -> [[UInt8]] {
        var random = SplitMix(seed: seed)
        return (0..<3000).map { _ in (0..<Int(random.next() % 4097)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
    }

    @Test("3,000 pieces through a non-blocking pipe that fills: short writes, full pipe, every byte once and in order")
    func shortWritesAndFullPipe() async throws {
        let (readEnd, writeEnd) = try FileIO.pipe()
        _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK)
        // The reader takes 997 bytes a read, far less than the writer gives: the pipe fills, so
        // writev writes part of a piece and then finds the pipe full (EAGAIN).
        let expected = Self.pieces(seed: 5).flatMap { $0 }
        let limit = expected.count
        async let received = OffPool.run {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 997)
            // Past the expected count, the reader goes: a writer that repeats itself gets EPIPE
            // rather than running on.
            while received.count <= limit {
                let count = buffer.withUnsafeMutableBytes { FileIO.readSome(readEnd, into: $0) }
                guard count > 0 else { break }
                received += buffer[..<count]
            }
            close(readEnd)
            return received
        }
        let failure = await OffPool.run { () -> String? in
            defer { close(writeEnd) }
            Self.blockSIGPIPE()
            let buffers = Self.pieces(seed: 5).map { piece in
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: piece.count, alignment: 1)
                buffer.copyBytes(from: piece)
                return buffer
            }
            defer { buffers.forEach { $0.deallocate() } }
            var iovecs: [iovec] = []
            do throws(PlatformError) {
                try FileIO.writeAll(buffers.map(UnsafeRawBufferPointer.init), to: writeEnd, iovecs: &iovecs)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(failure == nil)
        let got = await received
        // Compared outside #expect, which would print six million bytes of each on a failure.
        let firstDifference = zip(got, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(got.count == expected.count)
        #expect(firstDifference == nil)
    }

    /// A write to a pipe without a reader raises SIGPIPE, which would end the test process: it
    /// is blocked on the writing thread (pending there, it goes when the thread does).
    static func blockSIGPIPE() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
    }

    @Test("a reader gone mid-write: EPIPE, not a hang or a crash")
    func readerGone() async throws {
        let (readEnd, writeEnd) = try FileIO.pipe()
        close(readEnd)
        let failure = await OffPool.run { () -> Int32? in
            defer { close(writeEnd) }
            Self.blockSIGPIPE()
            let piece = [UInt8](repeating: 7, count: 100)
            var iovecs: [iovec] = []
            return piece.withUnsafeBytes { bytes in
                do throws(PlatformError) {
                    try FileIO.writeAll([bytes, bytes], to: writeEnd, iovecs: &iovecs)
                    return nil
                } catch {
                    return error.code
                }
            }
        }
        #expect(failure == EPIPE)
    }
}
