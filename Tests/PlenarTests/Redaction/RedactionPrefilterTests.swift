import Testing

@testable import PlenarKit

/// The automaton's prefilter (`RedactionAutomaton.skip`): it may pass over a position only if no
/// pattern or token prefix can start there, given the bytes up to the chunk's end (a pattern may
/// go on in the next chunk). Checked position by position against a brute-force oracle, at every
/// chunk end, for pattern sets at the limits of the sampling rules.
@Suite("Redaction: the prefilter skips only what cannot start a match")
struct RedactionPrefilterTests {
    struct PatternSet: CustomTestStringConvertible, Sendable {
        let name: String
        let patterns: [[UInt8]]
        /// What `buildFilters` must choose for these, so that each case tests the path it names.
        let stride: Int
        let confirms: Bool

        var testDescription: String { name }
    }

    static let sets: [PatternSet] = [
        PatternSet(name: "no patterns: the token prefixes alone", patterns: [], stride: 64, confirms: true),
        PatternSet(
            name: "shortest 7: stride 4, every start of a found block looked at",
            patterns: [bytes("abcdefg"), bytes("bcdefghij"), bytes("_pko_ab")], stride: 4, confirms: false),
        PatternSet(
            name: "shortest 10: stride 7, the last stride without a second look",
            patterns: [bytes("abcdefghij"), bytes("cdefghijkl"), bytes("a_pko_abcd")], stride: 7, confirms: false),
        PatternSet(
            name: "shortest 11: stride 8, found samples looked at again through 8 bytes",
            patterns: [bytes("abcdefghijk"), bytes("defghijklmnop"), bytes("ab_plt_abcd")], stride: 8, confirms: true),
        PatternSet(
            name: "shortest 16: stride 13, as for most secrets' forms",
            patterns: [bytes("abcdefghijklmnop"), bytes("ghijklmnopqrstuvwx"), bytes("abcdabcdabcdabcd"), bytes("pko_pko_pko_pko_")],
            stride: 13, confirms: true),
        PatternSet(
            name: "one pattern of 70: stride 64",
            patterns: [bytes(String(repeating: "abcdefghij", count: 7))], stride: 64, confirms: true),
    ]

    /// Pieces of patterns, token prefixes and near misses, underscores and filler.
    static func text(for patterns: [[UInt8]], length: Int, using random: inout SplitMix) -> [UInt8] {
        let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let pieces = ["pko_", "plt_", "pls_", "pke_", "p", "pk", "pl", "pko", "_", "__", "p_", "pk_", "pkx_", " ", "\n", "ab", "abcd"]
        var text: [UInt8] = []
        while text.count < length {
            switch random.next() % 8 {
            case 0 where !patterns.isEmpty:
                text += patterns[Int(random.next() % UInt64(patterns.count))]
            case 1 where !patterns.isEmpty:
                // A part of a pattern: its start, its end or its middle.
                let pattern = patterns[Int(random.next() % UInt64(patterns.count))]
                let start = Int(random.next() % UInt64(pattern.count))
                let end = start + 1 + Int(random.next() % UInt64(pattern.count - start))
                text += pattern[start..<end]
            case 2:
                text += (0..<(1 + random.next() % 40)).map { _ in alphanumerics[Int(random.next() % 62)] }
            case 3:
                text += [UInt8(truncatingIfNeeded: random.next())]
            default:
                text += bytes(pieces[Int(random.next() % UInt64(pieces.count))])
            }
        }
        return text
    }

    /// Whether a pattern or token prefix may start at each position of `text[..<count]`: all of
    /// it matches, or the chunk ends inside it and what there is matches.
    static func possibleStarts(_ text: [UInt8], count: Int, entries: [[UInt8]], fullMatch: [Bool]) -> [Bool] {
        let longest = entries.map(\.count).max() ?? 0
        return (0..<count).map { start in
            if start + longest <= count { return fullMatch[start] }
            return entries.contains { entry in
                let end = min(start + entry.count, count)
                return text[start..<end].elementsEqual(entry[..<(end - start)])
            }
        }
    }

    @Test("at every chunk end, no skipped position could start a pattern or token prefix", arguments: sets)
    func skipsOnlyImpossibleStarts(set: PatternSet) {
        let automaton = RedactionAutomaton(patterns: set.patterns.map { ($0, 0) })
        #expect(automaton.sampleStride == set.stride)
        #expect(automaton.confirmsSamples == set.confirms)
        let entries = set.patterns + TokenRule.prefixes.map(\.bytes)
        var random = SplitMix(seed: UInt64(set.stride))
        for _ in 0..<3 {
            let text = Self.text(for: set.patterns, length: 700, using: &random)
            let fullMatch = text.indices.map { start in
                entries.contains { start + $0.count <= text.count && text[start..<(start + $0.count)].elementsEqual($0) }
            }
            var failures: [String] = []
            text.withUnsafeBytes { buffer in
                for count in 0...text.count {
                    let possible = Self.possibleStarts(text, count: count, entries: entries, fullMatch: fullMatch)
                    // As `RedactingFilter.process` calls it: from increasing positions, one cursor a chunk.
                    var underscores = (from: Int.max, at: 0)
                    var from = 0
                    while from < count {
                        let found = automaton.skip(buffer.baseAddress!, from: from, count: count, underscores: &underscores)
                        if found > count || possible[from..<found].contains(true) {
                            failures.append("chunk end \(count): skipped from \(from) to \(found)")
                            break
                        }
                        from = found + 1 + Int(random.next() % 4)
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))\n\(String(decoding: text, as: UTF8.self))")
        }
    }

    @Test("stream output equals the reference at every read size, matches at every offset", arguments: sets)
    func matchesReference(set: PatternSet) {
        let patterns = set.patterns.map { (bytes: $0, replacement: 0) }
        let automaton = RedactionAutomaton(patterns: patterns)
        var random = SplitMix(seed: 100 + UInt64(set.stride))
        // Each pattern after 0 to 79 bytes of filler, so that it meets every sample and block offset.
        var input: [UInt8] = []
        for pattern in set.patterns {
            for offset in 0..<80 {
                input += Array(repeating: UInt8(ascii: "."), count: offset) + pattern + bytes("\n")
            }
        }
        input += Self.text(for: set.patterns, length: 3000, using: &random)
        let expected = ReferenceRedactor.redact(input, patterns: patterns)
        for readSize in Array(1...70) + [97, 256, 1 << 20] {
            var filter = RedactingFilter(automaton: automaton)
            let output = stream(input, through: &filter, readSize: readSize)
            #expect(output == expected, "read size \(readSize)")
            if output != expected { break }
        }
    }

    @Test("near misses of a pattern in ordinary text pass the prefilter without a stop")
    func nearMissesAreConfirmedAway() {
        // The benchmark's case: a secret sharing "abcdef" with hex digests. The samples that land
        // on "abcd", "bcde" or "cdef" are found, and the eight bytes around them are not.
        let patterns = RedactionPatterns.of([Secret("abcdefghijklmnopqrstu")])
        let automaton = RedactionAutomaton(patterns: patterns)
        #expect(automaton.confirmsSamples)
        let text = Array(String(repeating: "sha=0123456789abcdef took 12 ms\n", count: 200).utf8)
        let stops = text.withUnsafeBytes { buffer in
            var underscores = (from: Int.max, at: 0)
            var stops = 0
            var from = 0
            while from < buffer.count {
                from = automaton.skip(buffer.baseAddress!, from: from, count: buffer.count, underscores: &underscores)
                if from < buffer.count - automaton.sampleStride - 11 { stops += 1 }
                from += 1
            }
            return stops
        }
        #expect(stops == 0)
    }
}
