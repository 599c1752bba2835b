import Testing

@testable import PlenarKit

/// Issue 17: building the automaton for many secrets must stay linear. Counted in steps, not
/// timed, so that a busy machine cannot fail it.
@Suite("Redaction: building the automaton")
struct RedactionBuildTests {
    static func automaton(secrets count: Int) -> (automaton: RedactionAutomaton, patternBytes: Int) {
        var random = SplitMix(seed: 17)
        let secrets = (0..<count).map { _ in
            Secret(value: RandomSecrets.make(length: 20 + Int(random.next() % 21), using: &random), kind: .other)
        }
        let patterns = RedactionPatterns.of(secrets)
        return (RedactionAutomaton(patterns: patterns), patterns.map(\.bytes.count).reduce(0, +))
    }

    @Test("failure links take work linear in the patterns' total length: 500 and 2,000 secrets of 20 to 40 bytes")
    func linearBuild() async {
        // Seconds of work in a debug build: off the cooperative pool, which in-process sandboxes need.
        let (small, large) = await OffPool.run { (Self.automaton(secrets: 500), Self.automaton(secrets: 2000)) }
        for (automaton, patternBytes) in [small, large] {
            #expect(automaton.buildSteps <= 3 * patternBytes, "\(automaton.buildSteps) steps for \(patternBytes) pattern bytes")
        }
        let ratio = Double(large.automaton.buildSteps) / Double(small.automaton.buildSteps)
        #expect(ratio < 4.5, "4 times the secrets took \(ratio) times the steps")
    }

    @Test("patterns that overlap a lot (one letter, two letters) still build in linear steps")
    func overlappingPatterns() {
        let secrets = (0..<200).map { index in
            Secret(
                value: [UInt8](repeating: UInt8(ascii: "a"), count: 20 + index % 40) + (index % 2 == 0 ? [] : Array("ab".utf8)),
                kind: .other)
        }
        let patterns = RedactionPatterns.of(secrets)
        let automaton = RedactionAutomaton(patterns: patterns)
        let patternBytes = patterns.map(\.bytes.count).reduce(0, +)
        #expect(automaton.buildSteps <= 3 * patternBytes, "\(automaton.buildSteps) steps for \(patternBytes) pattern bytes")
    }
}
