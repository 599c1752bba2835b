import PlenarAPI

/// The one place text that could hold a secret passes before anyone sees it: every form of each
/// known secret (`Secret.forms`: raw, base64, JSON-escaped, URL-encoded, line by line) and
/// anything shaped like a Plenar token is masked, a token as its prefix and an ellipsis (`pko_…`),
/// anything else as `***`. Messages, request bodies and `plenar run`'s output (`makeFilter()`)
/// all go through the same automaton.
public struct Redactor: Sendable {
    /// The automaton of this redactor's secrets; nil when there are none to look for.
    private let own: RedactionAutomaton?

    /// With no secrets only the token rule is left: one automaton for that, built once, when a text
    /// first holds a token or a filter is made (a tokenless `plenar signal` never builds one).
    private static let tokenRule = RedactionAutomaton(patterns: [])

    var automaton: RedactionAutomaton { own ?? Self.tokenRule }

    public init(secrets: [String]) {
        self.init(secrets: secrets.filter { $0.count >= RedactionPolicy.minimumGuessedLength }.map { Secret($0) })
    }

    public init(secrets: [Secret]) {
        self.init(secrets: secrets, indexingFrom: Self.longPatternIndexBytes)
    }

    /// From this many bytes of secrets, the long patterns go to a `LongPatternIndex`: about 300
    /// secrets, where the automaton's states (16 bytes each, one per byte of every form) pass
    /// 2 MB. Below it the automaton alone is as fast and holds back only exact partial matches.
    static let longPatternIndexBytes = 8192

    /// `threshold`: see `longPatternIndexBytes` (tests set 0 to use the index for any set).
    init(secrets: [Secret], indexingFrom threshold: Int) {
        if secrets.reduce(0, { $0 + $1.value.count }) >= threshold {
            let (short, long) = RedactionPatterns.split(secrets)
            own = short.isEmpty && long == nil ? nil : RedactionAutomaton(patterns: short, longPatterns: long)
        } else {
            let patterns = RedactionPatterns.of(secrets)
            own = patterns.isEmpty ? nil : RedactionAutomaton(patterns: patterns)
        }
    }

    /// A streaming redactor over the same patterns, for output that arrives in pieces.
    public func makeFilter() -> RedactingFilter {
        RedactingFilter(automaton: automaton)
    }

    /// Every string (and key) of a JSON value, redacted: what is sent is held to the same rule as what is printed.
    public func redact(json value: JSONValue) -> JSONValue {
        switch value {
        case let .string(text):
            return .string(redact(text))
        case let .array(items):
            return .array(items.map { (item: JSONValue) -> JSONValue in redact(json: item) })
        case let .object(members):
            var redacted: [String: JSONValue] = [:]
            for (key, member) in members {
                redacted[redact(key)] = redact(json: member)
            }
            return .object(redacted)
        default:
            return value
        }
    }

    public func redact(_ text: String) -> String {
        String(decoding: redact(bytes: Array(text.utf8)), as: UTF8.self)
    }

    /// Bytes that need not be UTF-8 (an argument of `plenar run`'s command).
    public func redact(bytes: [UInt8]) -> [UInt8] {
        // Without secrets only a token can be masked: text that holds none passes as it is.
        if own == nil, !TokenRule.occurs(in: bytes) { return bytes }
        var filter = makeFilter()
        var output: [UInt8] = []
        bytes.withUnsafeBytes { filter.process($0) { output.append(contentsOf: $0) } }
        filter.finish { output.append(contentsOf: $0) }
        return output
    }
}
