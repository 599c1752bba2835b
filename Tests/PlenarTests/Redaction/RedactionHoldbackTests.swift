import Testing

@testable import PlenarKit

/// What the streaming redactor holds back, and for how long.
@Suite("Redaction: holdback and memory")
struct RedactionHoldbackTests {
    static let token = "pko_" + String(repeating: "Ab3", count: 12)
    static let secrets = [Secret("hunter2hunter2"), Secret(token), Secret("line-one-secret\nline-two-secret")]

    /// Feeds `text` in one piece; returns what came out.
    func feed(_ text: String, to filter: inout RedactingFilter) -> String {
        var output: [UInt8] = []
        bytes(text).withUnsafeBytes { filter.process($0) { output += $0 } }
        return String(decoding: output, as: UTF8.self)
    }

    @Test("a finished line that cannot start a match comes out at once, whole")
    func linesAreNotHeld() {
        var filter = Redactor(secrets: Self.secrets).makeFilter()
        #expect(feed("hello world\n", to: &filter) == "hello world\n")
        #expect(filter.heldByteCount == 0)
        #expect(feed("password hunter2hunter2 done\n", to: &filter) == "password *** done\n")
        #expect(filter.heldByteCount == 0)
        #expect(feed("no newline, nothing partial.", to: &filter) == "no newline, nothing partial.")
        #expect(filter.heldByteCount == 0)
    }

    @Test("exactly the possible start of a match is held, and released when it fails or completes")
    func partialMatchesAreHeld() {
        var filter = Redactor(secrets: Self.secrets).makeFilter()
        #expect(feed("log: hunter2h", to: &filter) == "log: ")
        #expect(filter.heldByteCount == "hunter2h".utf8.count)
        #expect(feed("unter2", to: &filter) == "***")
        #expect(filter.heldByteCount == 0)
        #expect(feed(" and hunter2!", to: &filter) == " and hunter2!")
        #expect(feed(" then pk", to: &filter) == " then ")
        #expect(filter.heldByteCount == 2)
        #expect(feed("o_", to: &filter) == "")
        #expect(feed(String(repeating: "z", count: 31), to: &filter) == "")
        #expect(filter.heldByteCount == 35)
        #expect(feed("z", to: &filter) == "pko_…")
        #expect(filter.heldByteCount == 0)
        #expect(feed(String(repeating: "z", count: 1000), to: &filter) == "")
        #expect(feed("!", to: &filter) == "!")
        var rest: [UInt8] = []
        filter.finish { rest += $0 }
        #expect(rest.isEmpty)
    }

    @Test("holdback never passes the longest pattern − 1, at any read size", arguments: [1, 2, 3, 7, 64])
    func holdbackBound(readSize: Int) {
        var random = SplitMix(seed: UInt64(readSize))
        let secrets = (0..<6).map { _ in RedactionPropertyTests.secret(using: &random) }
        let input = RedactionPropertyTests.output(embedding: secrets, using: &random)
        let redactor = Redactor(secrets: secrets)
        let limit = redactor.automaton.longestPattern - 1
        let expected = ReferenceRedactor.redact(input, patterns: RedactionPatterns.of(secrets))
        var filter = redactor.makeFilter()
        var output: [UInt8] = []
        input.withUnsafeBytes { buffer in
            for start in stride(from: 0, to: buffer.count, by: readSize) {
                filter.process(UnsafeRawBufferPointer(rebasing: buffer[start..<min(start + readSize, buffer.count)])) { output += $0 }
                #expect(filter.heldByteCount <= limit)
                #expect(expected.starts(with: output), "emitted bytes that are not in the redacted output")
            }
        }
        filter.finish { output += $0 }
        #expect(output == expected)
    }

    @Test("64 MiB without a newline, in small reads: the buffers stay the same size")
    func constantMemory() async {
        // Seconds of work: off the cooperative pool, which in-process sandboxes of other tests need.
        let result = await OffPool.run { Self.pumpSixtyFourMiB() }
        #expect(!result.mismatch)
        #expect(result.passed == result.expected)
        #expect(result.largestHeld <= result.limit)
        #expect(result.largestBuffers <= 4 * result.limit + 256, "buffers grew to \(result.largestBuffers) bytes")
    }

    static func pumpSixtyFourMiB() -> (mismatch: Bool, passed: Int, expected: Int, largestHeld: Int, largestBuffers: Int, limit: Int) {
        let redactor = Redactor(secrets: Self.secrets)
        var random = SplitMix(seed: 7)
        var block: [UInt8] = []
        while block.count < 1 << 16 {
            switch random.next() % 8 {
            case 0: block += bytes("hunter2hunter2 ")
            case 1: block += bytes("hunter2hunte ")
            case 2: block += bytes("pko_" + String(repeating: "q", count: 20) + " ")
            case 3: block += bytes(Self.token + " ")
            default: block += bytes("some ordinary words of output ")
            }
        }
        let expectedBlock = ReferenceRedactor.redact(block, patterns: RedactionPatterns.of(Self.secrets))
        let longRun = bytes("plt_") + [UInt8](repeating: UInt8(ascii: "A"), count: 1 << 22)
        let blocks = ((64 << 20) - longRun.count) / block.count
        var filter = redactor.makeFilter()
        let limit = redactor.automaton.longestPattern - 1
        var largestHeld = 0
        var largestBuffers = 0
        var matchedSoFar = 0
        var mismatch = false
        func check(_ piece: UnsafeRawBufferPointer) {
            for byte in piece {
                let expected: UInt8
                if matchedSoFar < blocks * expectedBlock.count {
                    expected = expectedBlock[matchedSoFar % expectedBlock.count]
                } else {
                    let tail = bytes("plt_…")
                    expected =
                        matchedSoFar - blocks * expectedBlock.count < tail.count ? tail[matchedSoFar - blocks * expectedBlock.count] : 0
                }
                if byte != expected { mismatch = true }
                matchedSoFar += 1
            }
        }
        let readSize = 61
        let buffers = [block, longRun]
        for (index, buffer) in buffers.enumerated() {
            let repeats = index == 0 ? blocks : 1
            buffer.withUnsafeBytes { raw in
                for _ in 0..<repeats {
                    for start in stride(from: 0, to: raw.count, by: readSize) {
                        filter.process(UnsafeRawBufferPointer(rebasing: raw[start..<min(start + readSize, raw.count)]), emit: check)
                        largestHeld = max(largestHeld, filter.heldByteCount)
                        largestBuffers = max(largestBuffers, filter.bufferCapacity)
                    }
                }
            }
        }
        filter.finish(emit: check)
        return (mismatch, matchedSoFar, blocks * expectedBlock.count + "plt_…".utf8.count, largestHeld, largestBuffers, limit)
    }

    @Test("separate matches that never let the automaton rest: still a few regions, in one large read")
    func manyRegions() {
        // After "abcdabc" the automaton falls back to "abcd", never to the root: "abc" matches
        // every four bytes, with a gap between.
        let redactor = Redactor(secrets: [Secret(value: bytes("abc"), kind: .other), Secret(value: bytes("abcdabce"), kind: .other)])
        let input = bytes(String(repeating: "abcd", count: 100_000))
        var filter = redactor.makeFilter()
        var output: [UInt8] = []
        input.withUnsafeBytes { filter.process($0) { output += $0 } }
        #expect(filter.regions.count <= RedactingFilter.regionLimit + 1)
        #expect(filter.bufferCapacity < 1024)
        filter.finish { output += $0 }
        #expect(output == bytes(String(repeating: "***d", count: 100_000)))
    }

    // About 16 bytes a state; the runs of wrapped base64 (`Secret.wrappedBase64Forms`) take
    // 2/3 of the states of a 40-byte secret.
    @Test("memory of the automaton: 1,000 secrets of 40 bytes in a few MB")
    func automatonSize() {
        var random = SplitMix(seed: 1000)
        let secrets = (0..<1000).map { _ in Secret(value: RandomSecrets.make(length: 40, using: &random), kind: .other) }
        let redactor = Redactor(secrets: secrets)
        #expect(redactor.automaton.byteCount < 14 << 20, "\(redactor.automaton.byteCount) bytes")
        #expect(redactor.automaton.longestPattern >= 56)
    }
}
