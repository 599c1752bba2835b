/// Whether bytes are one JSON text (RFC 8259) in UTF-8, checked without recursion, so that
/// nesting as deep as the input is long is as valid as it is for the standard (decoders that
/// recurse stop at some depth and would call such a payload "not JSON").
enum JSONSyntax {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        var scanner = Scanner(bytes: bytes)
        return scanner.document()
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        /// Open containers, innermost last: true for an object.
        var open: [Bool] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            index += 1
            return true
        }

        mutating func document() -> Bool {
            // Expecting a value; after each complete value, a separator or a container's end.
            while true {
                skipSpace()
                switch current {
                case UInt8(ascii: "{"):
                    index += 1
                    skipSpace()
                    if take(UInt8(ascii: "}")) { break }
                    open.append(true)
                    guard member() else { return false }
                    continue
                case UInt8(ascii: "["):
                    index += 1
                    skipSpace()
                    if take(UInt8(ascii: "]")) { break }
                    open.append(false)
                    continue
                case UInt8(ascii: "\""):
                    guard string() else { return false }
                case UInt8(ascii: "t"): guard literal("true") else { return false }
                case UInt8(ascii: "f"): guard literal("false") else { return false }
                case UInt8(ascii: "n"): guard literal("null") else { return false }
                default: guard number() else { return false }
                }
                // A value ended: close containers until one continues, or the document ends.
                while true {
                    skipSpace()
                    guard let isObject = open.last else {
                        return index == bytes.count
                    }
                    if take(UInt8(ascii: ",")) {
                        if isObject { guard member() else { return false } }
                        break
                    }
                    guard take(UInt8(ascii: isObject ? "}" : "]")) else { return false }
                    open.removeLast()
                }
            }
        }

        /// `"key" :` of an object member.
        mutating func member() -> Bool {
            skipSpace()
            guard current == UInt8(ascii: "\""), string() else { return false }
            skipSpace()
            return take(UInt8(ascii: ":"))
        }

        mutating func literal(_ word: String) -> Bool {
            for byte in word.utf8 {
                guard take(byte) else { return false }
            }
            return true
        }

        mutating func string() -> Bool {
            index += 1
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return true
                case ..<0x20: return false
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { return false }
                    index += 1
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            guard let digit = current, isHexDigit(digit) else { return false }
                            index += 1
                        }
                    } else if !Array(#""\/bfnrt"#.utf8).contains(escaped) {
                        return false
                    }
                default: continue
                }
            }
            return false
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Bool {
            _ = take(UInt8(ascii: "-"))
            if !take(UInt8(ascii: "0")) {
                guard digits() else { return false }
            }
            if take(UInt8(ascii: ".")) {
                guard digits() else { return false }
            }
            if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
                if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
                guard digits() else { return false }
            }
            return true
        }

        mutating func digits() -> Bool {
            let start = index
            while let byte = current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
            return index > start
        }

        func isHexDigit(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
        }
    }
}
