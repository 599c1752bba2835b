import PlenarAPI
import Testing

@testable import PlenarKit

/// A redactor with no secrets skips its automaton for text that holds no token (a tokenless
/// `plenar signal` builds none); what it prints must be what the automaton would have made.
@Suite("Redaction: no secrets, the token rule alone")
struct RedactionTokenRuleOnlyTests {
    static func automatonOnly(_ bytes: [UInt8]) -> [UInt8] {
        var filter = RedactingFilter(automaton: RedactionAutomaton(patterns: []))
        var output: [UInt8] = []
        bytes.withUnsafeBytes { filter.process($0) { output.append(contentsOf: $0) } }
        filter.finish { output.append(contentsOf: $0) }
        return output
    }

    @Test("random text around token prefixes: the same as the automaton's, and tokens masked")
    func sameAsAutomaton() {
        var random = SplitMix(seed: 1818)
        let pieces: [[UInt8]] =
            TokenKind.allCases.map { Array($0.prefix.utf8) } + [
                Array("p".utf8), Array("pk".utf8), Array("_".utf8), Array(" ".utf8), Array("\n".utf8), Array("é".utf8), [0xFF],
                Array(String(repeating: "a", count: 31).utf8), Array(String(repeating: "Z9", count: 16).utf8), Array("x1".utf8),
            ]
        let redactor = Redactor(secrets: [String]())
        var masked = 0
        for _ in 0..<2000 {
            let bytes = (0..<Int(random.next() % 12)).flatMap { _ in pieces.randomElement(using: &random)! }
            let expected = Self.automatonOnly(bytes)
            #expect(redactor.redact(bytes: bytes) == expected, "\(bytes)")
            #expect(TokenRule.occurs(in: bytes) || expected == bytes)
            if expected != bytes { masked += 1 }
        }
        #expect(masked > 50)
    }

    @Test("the tokenless warning, which names the prefixes, passes unchanged")
    func prefixesInAMessage() {
        let text = "PLENAR_TOKEN is not set: export PLENAR_TOKEN=<key> (an org key pko_… or a personal token plt_…)"
        #expect(!TokenRule.occurs(in: Array(text.utf8)))
        #expect(Redactor(secrets: [String]()).redact(text) == text)
        let token = "pko_" + String(repeating: "A1", count: 16)
        #expect(Redactor(secrets: [String]()).redact("key \(token) here") == "key pko_… here")
    }
}
