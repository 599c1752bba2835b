import PlenarAPI

/// Masking that needs no secret list: `pko_` or `plt_` followed by 32 or more ASCII letters and
/// digits is a Plenar token wherever it stands, and the whole run of letters and digits goes.
enum TokenRule {
    /// Each prefix with the `Secret.replacements` index of its kind.
    static let prefixes: [(bytes: [UInt8], replacement: Int)] = TokenKind.allCases.map { kind in
        (Array(kind.prefix.utf8), Secret(value: [], kind: .token(kind)).replacementIndex)
    }
    static let prefixLength = 4
    static let minimumBodyLength = TokenShape.minimumBodyLength
    /// The shortest token-shaped text; it counts as a pattern of this length for the holdback.
    static let minimumLength = prefixLength + minimumBodyLength

    /// Whether `bytes` holds a token: a prefix followed by at least `minimumBodyLength` letters or
    /// digits. Where none does, the rule has nothing to mask (`Redactor` then skips its automaton).
    static func occurs(in bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            for start in buffer.indices {
                for prefix in prefixes where start + prefix.bytes.count + minimumBodyLength <= buffer.count {
                    let body = start + prefix.bytes.count
                    if buffer[start..<body].elementsEqual(prefix.bytes),
                        buffer[body..<(body + minimumBodyLength)].allSatisfy(isAlphanumeric)
                    {
                        return true
                    }
                }
            }
            return false
        }
    }

    @inline(__always)
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (byte &- 0x30) < 10 || (lower &- 0x61) < 26
    }
}
