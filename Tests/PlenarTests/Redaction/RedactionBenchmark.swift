import Foundation
@testable import PlenarKit

/// Throughput of the redactor on text that holds no secret (RedactionBenchmarkTests,
/// `PLENAR_BENCH=1 swift test -c release --filter RedactionBenchmark`).
enum RedactionBenchmark {
    struct Result: Sendable, CustomStringConvertible {
        let secrets: Int
        let patterns: Int
        let states: Int
        let bytes: Int
        let seconds: Double
        /// Building the automaton from the secrets.
        let buildSeconds: Double
        /// Bytes held by the automaton's tables.
        let automatonBytes: Int

        var megabytesPerSecond: Double { Double(bytes) / seconds / 1_000_000 }

        var description: String {
            let rate = Int(megabytesPerSecond.rounded())
            let kibibytes = automatonBytes / 1024
            let build = Int((buildSeconds * 1000).rounded())
            return "\(secrets) secrets (\(patterns) patterns, \(states) states, \(kibibytes) KiB, built in \(build) ms): "
                + "\(rate) MB/s over \(bytes / 1_000_000) MB"
        }
    }

    /// What the benchmark redacts: log lines, or base64 (random letters, digits, `+` and `/`,
    /// 76 to a line), the text most like the patterns.
    enum Corpus: Sendable {
        case log
        case base64
    }

    /// Redacts `megabytes` of text holding none of the `secrets` random 40-byte secrets, read
    /// `chunkSize` bytes at a time as from a pipe.
    static func run(secrets count: Int, corpus: Corpus = .log, megabytes: Int = 256, chunkSize: Int = 65_536) -> Result {
        var random = SplitMix(seed: 42)
        let secrets = (0..<count).map { _ in Secret(value: randomSecret(length: 40, using: &random), kind: .other) }
        let clock = ContinuousClock()
        let building = clock.now
        let redactor = Redactor(secrets: secrets)
        let built = clock.now
        let text = corpus == .log ? logText(bytes: 4 << 20, using: &random) : base64Text(bytes: 4 << 20, using: &random)
        var filter = redactor.makeFilter()
        var emitted = 0
        let total = megabytes * 1_000_000
        let start = clock.now
        text.withUnsafeBytes { buffer in
            var done = 0
            var offset = 0
            while done < total {
                let size = min(chunkSize, buffer.count - offset, total - done)
                filter.process(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + size)])) { emitted += $0.count }
                done += size
                offset = (offset + size) % buffer.count
            }
        }
        filter.finish { emitted += $0.count }
        let elapsed = clock.now - start
        precondition(emitted == total, "the benchmark text held a secret")
        let automaton = redactor.automaton
        return Result(
            secrets: count, patterns: automaton.patternCount, states: automaton.stateCount, bytes: total, seconds: seconds(elapsed),
            buildSeconds: seconds(built - building), automatonBytes: automaton.byteCount
        )
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func randomSecret(length: Int, using random: inout SplitMix) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=".utf8)
        return (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
    }

    static func base64Text(bytes: Int, using random: inout SplitMix) -> [UInt8] {
        let alphabet = Secret.base64Alphabet
        return (0..<bytes).map { index in
            index % 77 == 76 ? UInt8(ascii: "\n") : alphabet[Int(random.next() & 63)]
        }
    }

    /// Log-like lines: timestamps, levels, words, paths, numbers, hex ids, snake_case keys.
    static func logText(bytes: Int, using random: inout SplitMix) -> [UInt8] {
        let words = """
            the build step test compile link error warning info debug request response server client cache
            module package target source file line column function value result status done failed passed
            running started finished download upload resolve fetch checkout commit branch merge version
            """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let levels = ["INFO", "DEBUG", "WARN", "ERROR"]
        var text: [UInt8] = []
        text.reserveCapacity(bytes + 256)
        while text.count < bytes {
            var line = "2026-11-25T12:\(10 + random.next() % 50):\(10 + random.next() % 50).\(100 + random.next() % 900)Z "
            line += levels[Int(random.next() % 4)] + " "
            for _ in 0..<(4 + random.next() % 12) {
                switch random.next() % 10 {
                case 0: line += "/usr/src/app/\(words[Int(random.next() % UInt64(words.count))]).swift:\(random.next() % 900) "
                case 1: line += "id=\(String(random.next(), radix: 16)) "
                case 2: line += "\(random.next() % 100_000) "
                case 3: line += "exit_code=\(random.next() % 3) "
                default: line += words[Int(random.next() % UInt64(words.count))] + " "
                }
            }
            text += Array(line.utf8)
            text[text.count - 1] = UInt8(ascii: "\n")
        }
        return Array(text.prefix(bytes))
    }
}
