import Foundation
import Testing

@testable import PlenarKit

/// Issue 17: base64 wrapped into lines, 76 columns (`base64`, MIME) or 64 (`openssl base64`,
/// PEM), with the secret anywhere in the encoded bytes. No line of the redacted output may decode
/// to `visibleLimit` bytes of the secret in a row, whatever the column and alignment.
// Serialized: one core for these, so the timing checks of other suites keep the other.
@Suite("Redaction: base64 wrapped into lines", .serialized)
struct RedactionWrappedBase64Tests {
    /// A run of fewer than `Secret.wrappedPieceLength` (16) base64 characters stays visible where
    /// a line break cuts the secret's base64; with the partial character beside it, it holds at
    /// most 11 bytes of the secret.
    static let visibleLimit = 12

    /// How the encoded stream is cut into lines.
    struct Wrapping: Sendable, CustomStringConvertible {
        var width: Int
        var lineEnd: [UInt8]

        static let all = [
            Wrapping(width: 76, lineEnd: [10]), Wrapping(width: 64, lineEnd: [10]),
            Wrapping(width: 76, lineEnd: [13, 10]), Wrapping(width: 64, lineEnd: [13, 10]),
        ]

        var description: String { "\(width) columns, \(lineEnd == [10] ? "LF" : "CRLF")" }

        /// The stream as `base64 -w WIDTH` and `openssl base64` write it: full lines, the last
        /// one shorter, each ended; nothing for no input.
        func apply(_ bytes: [UInt8]) -> [UInt8] {
            let encoded = Secret.base64(bytes)
            var output: [UInt8] = []
            var start = 0
            while start < encoded.count {
                let end = min(start + width, encoded.count)
                output += encoded[start..<end] + lineEnd
                start = end
            }
            return output
        }
    }

    @Test("the issue's case: echo \"$MY_SECRET\" | base64 with 60 letters and digits")
    func echoBase64() {
        var random = SplitMix(seed: 17)
        let secret = Self.alphanumerics(60, using: &random)
        let input = Wrapping(width: 76, lineEnd: [10]).apply(secret + [10])
        let output = Self.redact(input, secret: secret, readSize: 7)
        #expect(Self.longestVisibleRun(of: secret, in: output) < Self.visibleLimit, "\(String(decoding: output, as: UTF8.self))")
        #expect(output.starts(with: Array("***\n".utf8)))
    }

    @Test("random secrets of 1 to 200 bytes at every column and alignment, at random read sizes", arguments: 1...8)
    func randomStreams(seed: UInt64) async {
        let failures = await OffPool.run {
            var random = SplitMix(seed: 1000 + seed)
            var failures: [String] = []
            for index in 0..<60 {
                let (secret, input) = Self.randomCase(using: &random)
                let redactor = Redactor(secrets: [Secret(value: secret, kind: .other)])
                for wrapping in Wrapping.all {
                    let output = Self.redact(wrapping.apply(input), with: redactor, readSize: 1 + Int(random.next() % 200))
                    let run = Self.longestVisibleRun(of: secret, in: output)
                    if run >= Self.visibleLimit {
                        failures.append(
                            "seed \(seed) case \(index), \(wrapping), a \(secret.count)-byte secret: a line shows \(run) bytes of it")
                    }
                }
            }
            return failures
        }
        #expect(failures.isEmpty, "\(failures.prefix(10).joined(separator: "\n"))")
    }

    @Test("the real base64 -w 76, base64 -w 64 and openssl base64 write what the cases assume, and are masked")
    func realTools() async throws {
        let tools: [(arguments: [String], wrapping: Wrapping)] = [
            (["/usr/bin/base64", "-w", "76"], Wrapping(width: 76, lineEnd: [10])),
            (["/usr/bin/base64", "-w", "64"], Wrapping(width: 64, lineEnd: [10])),
            (["/usr/bin/openssl", "base64"], Wrapping(width: 64, lineEnd: [10])),
        ]
        var random = SplitMix(seed: 76)
        for tool in tools {
            try #require(FileManager.default.isExecutableFile(atPath: tool.arguments[0]), "\(tool.arguments[0]) is needed")
            for index in 0..<50 {
                let (secret, input) = Self.randomCase(using: &random)
                let encoded = try await ChildProcess.run(tool.arguments[0], Array(tool.arguments.dropFirst()), stdin: Data(input))
                let output = [UInt8](encoded.output)
                #expect(encoded.status == 0)
                #expect(output == tool.wrapping.apply(input), "\(tool.arguments.joined(separator: " ")) case \(index)")
                let run = Self.longestVisibleRun(
                    of: secret, in: Self.redact(output, secret: secret, readSize: 1 + Int(random.next() % 100)))
                #expect(
                    run < Self.visibleLimit,
                    "\(tool.arguments.joined(separator: " ")) case \(index): a line shows \(run) bytes of the secret")
            }
        }
    }

    @Test("a secret's wrapped forms grow linearly with its length")
    func formCount() {
        for length in [12, 30, 60, 200] {
            let value = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let forms = (0..<3).flatMap { Secret.wrappedBase64Forms(of: Secret.base64Fragment(of: value, atOffset: $0), atOffset: $0) }
            let bytes = forms.map(\.count).reduce(0, +)
            // 16-character runs every 4 characters: 16 bytes per byte of the secret (3 offsets).
            #expect(bytes <= 16 * length + 3 * 300, "\(length) bytes: \(forms.count) forms, \(bytes) bytes")
        }
    }

    /// A secret (random bytes, letters and digits, or a two-letter alphabet) between random
    /// bytes, so that it starts at any column and alignment; one case in eight is
    /// `echo "$S" | base64`: the secret first, then "\n".
    static func randomCase(using random: inout SplitMix) -> (secret: [UInt8], input: [UInt8]) {
        let length = 1 + Int(random.next() % 200)
        let secret: [UInt8] =
            switch random.next() % 3 {
            case 0: (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            case 1: alphanumerics(length, using: &random)
            default: (0..<length).map { _ in random.next() % 2 == 0 ? UInt8(ascii: "a") : UInt8(ascii: "b") }
            }
        if random.next() % 8 == 0 { return (secret, secret + [10]) }
        let prefix = (0..<(random.next() % 240)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let suffix = (0..<(random.next() % 60)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return (secret, prefix + secret + suffix)
    }

    static func alphanumerics(_ count: Int, using random: inout SplitMix) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return (0..<count).map { _ in alphabet[Int(random.next() % 62)] }
    }

    static func redact(_ input: [UInt8], secret: [UInt8], readSize: Int) -> [UInt8] {
        redact(input, with: Redactor(secrets: [Secret(value: secret, kind: .other)]), readSize: readSize)
    }

    static func redact(_ input: [UInt8], with redactor: Redactor, readSize: Int) -> [UInt8] {
        var filter = redactor.makeFilter()
        return stream(input, through: &filter, readSize: readSize)
    }

    /// The most bytes of `secret` in a row that a line of `output` decodes to: each run of base64
    /// characters on a line, decoded from each of its first four characters.
    static func longestVisibleRun(of secret: [UInt8], in output: [UInt8]) -> Int {
        var longest = 0
        for line in output.split(separator: 10) {
            // Fewer than 16 characters cannot decode to 12 bytes.
            for run in line.split(whereSeparator: { Self.sextet($0) == nil }) where run.count >= 4 * Self.visibleLimit / 3 {
                for shift in 0..<min(4, run.count) {
                    longest = max(longest, longestCommonRun(decode(run.dropFirst(shift)), secret))
                }
            }
        }
        return longest
    }

    static func sextet(_ character: UInt8) -> UInt8? {
        Secret.base64Alphabet.firstIndex(of: character).map(UInt8.init)
    }

    /// Base64 without padding: each full group of four, then one or two bytes for a trailing
    /// three or two characters.
    static func decode(_ characters: ArraySlice<UInt8>) -> [UInt8] {
        let values = characters.compactMap(sextet)
        var bytes: [UInt8] = []
        var index = 0
        while index + 1 < values.count {
            let group = (0..<4).reduce(UInt32(0)) { $0 << 6 | UInt32(index + $1 < values.count ? values[index + $1] : 0) }
            let available = min(3, (6 * min(4, values.count - index)) / 8)
            for byte in 0..<available { bytes.append(UInt8(truncatingIfNeeded: group >> (16 - 8 * UInt32(byte)))) }
            index += 4
        }
        return bytes
    }

    /// The length of the longest common contiguous run of `a` and `b`.
    static func longestCommonRun(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: b.count + 1)
        var current = previous
        var longest = 0
        for x in a {
            for (j, y) in b.enumerated() {
                current[j + 1] = x == y ? previous[j] + 1 : 0
                longest = max(longest, current[j + 1])
            }
            swap(&previous, &current)
        }
        return longest
    }
}
