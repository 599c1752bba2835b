/// JSON strings: the one decoder of a string's escapes, and the one writer of them, in the
/// styles the package needs (its own files, and what other encoders write, for redaction).
public enum JSONString {
    /// How a string is escaped. Always: `"` and `\`, line feed, carriage return and tab as
    /// `\"`, `\\`, `\n`, `\r`, `\t`, the other control characters as `\u00XX`.
    public struct Style: Sendable {
        /// `/` as `\/`.
        public var escapesSlash = false
        /// `\u00AB` rather than `\u00ab`.
        public var uppercaseHex = false
        /// Backspace and form feed as `\b` and `\f`, not `\u0008` and `\u000c`.
        public var shortBackspaceAndFormFeed = true
        /// DEL as `\u007f`.
        public var escapesDelete = false
        /// `<`, `>` and `&` as `\u00XX`, and each byte that is not UTF-8 as `\ufffd` (Go's
        /// encoding/json).
        public var htmlSafe = false
        /// Every non-ASCII character as UTF-16 `\uXXXX`, and (without `htmlSafe`) each byte that
        /// is not UTF-8 as `\udcXX` (Python's `json.dumps`, of a value read with `surrogateescape`).
        public var asciiOnly = false

        public init(
            escapesSlash: Bool = false, uppercaseHex: Bool = false, shortBackspaceAndFormFeed: Bool = true,
            escapesDelete: Bool = false, htmlSafe: Bool = false, asciiOnly: Bool = false
        ) {
            self.escapesSlash = escapesSlash
            self.uppercaseHex = uppercaseHex
            self.shortBackspaceAndFormFeed = shortBackspaceAndFormFeed
            self.escapesDelete = escapesDelete
            self.htmlSafe = htmlSafe
            self.asciiOnly = asciiOnly
        }
    }

    /// `text` in double quotes, escaped in `style`.
    public static func quoted(_ text: String, _ style: Style = Style()) -> String {
        "\"" + String(decoding: escaped(Array(text.utf8), style), as: UTF8.self) + "\""
    }

    /// The inside of a JSON string holding `value`. Bytes that are not UTF-8 pass as they are,
    /// except where `style` follows an encoder that checks (`htmlSafe`, `asciiOnly`).
    public static func escaped(_ value: [UInt8], _ style: Style = Style()) -> [UInt8] {
        var escaped: [UInt8] = []
        func unicode(_ unit: UInt16) {
            escaped += Array(#"\u"#.utf8) + hex(UInt8(unit >> 8), style.uppercaseHex) + hex(UInt8(unit & 0xFF), style.uppercaseHex)
        }
        func ascii(_ byte: UInt8) {
            switch byte {
            case 0x22, 0x5C: escaped += [UInt8(ascii: "\\"), byte]
            case 0x2F where style.escapesSlash: escaped += Array(#"\/"#.utf8)
            case 0x0A: escaped += Array(#"\n"#.utf8)
            case 0x0D: escaped += Array(#"\r"#.utf8)
            case 0x09: escaped += Array(#"\t"#.utf8)
            case 0x08 where style.shortBackspaceAndFormFeed: escaped += Array(#"\b"#.utf8)
            case 0x0C where style.shortBackspaceAndFormFeed: escaped += Array(#"\f"#.utf8)
            case ..<0x20: unicode(UInt16(byte))
            case 0x7F where style.escapesDelete: unicode(UInt16(byte))
            case 0x3C where style.htmlSafe, 0x3E where style.htmlSafe, 0x26 where style.htmlSafe: unicode(UInt16(byte))
            default: escaped.append(byte)
            }
        }
        guard style.htmlSafe || style.asciiOnly, value.contains(where: { $0 >= 0x80 }) else {
            for byte in value { ascii(byte) }
            return escaped
        }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = value.makeIterator()
        var position = 0
        while true {
            switch parser.parseScalar(from: &bytes) {
            case let .valid(encoded):
                let scalar = Unicode.UTF8.decode(encoded).value
                if scalar < 0x80 {
                    ascii(UInt8(scalar))
                } else if !style.asciiOnly {
                    escaped += value[position..<(position + encoded.count)]
                } else if scalar < 0x1_0000 {
                    unicode(UInt16(scalar))
                } else {
                    unicode(UInt16(0xD800 + ((scalar - 0x1_0000) >> 10)))
                    unicode(UInt16(0xDC00 + ((scalar - 0x1_0000) & 0x3FF)))
                }
                position += encoded.count
            case let .error(length):
                for byte in value[position..<(position + length)] { unicode(style.htmlSafe ? 0xFFFD : (0xDC00 | UInt16(byte))) }
                position += length
            case .emptyInput:
                return escaped
            }
        }
    }

    /// The text of the string at `range` of `bytes`, its quotes included, as a `JSONReader`
    /// found it. A surrogate pair is one character; a lone surrogate becomes U+FFFD; a high
    /// surrogate followed by a `\u` escape that is no low one is an error.
    public static func unescape(_ bytes: [UInt8], _ range: Range<Int>) throws(JSONTextError) -> String {
        let end = range.upperBound - 1
        var scalars = String.UnicodeScalarView()
        var index = range.lowerBound + 1
        var run = index
        while index < end {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < end else {
                index += 1
                continue
            }
            scalars.append(contentsOf: String(decoding: bytes[run..<index], as: UTF8.self).unicodeScalars)
            index += 1
            switch bytes[index] {
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"):
                var code = try hex4(bytes, after: index, before: end)
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 2 < end, bytes[index + 1] == UInt8(ascii: "\\"),
                    bytes[index + 2] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try hex4(bytes, after: index, before: end)
                    index += 4
                    guard (0xDC00..<0xE000).contains(low) else { throw JSONTextError(at: index, "an unpaired surrogate in a \\u escape") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: scalars.append(Unicode.Scalar(bytes[index]))
            }
            index += 1
            run = index
        }
        scalars.append(contentsOf: String(decoding: bytes[run..<max(run, end)], as: UTF8.self).unicodeScalars)
        return String(scalars)
    }

    /// The four hex digits after the `u` at `index`.
    private static func hex4(_ bytes: [UInt8], after index: Int, before end: Int) throws(JSONTextError) -> UInt32 {
        guard index + 4 < end, let code = code(bytes, at: index + 1) else {
            throw JSONTextError(at: index, "a \\u escape needs four hex digits")
        }
        return code
    }

    /// The number the four hex digits at `start` write, if they are four hex digits.
    static func code(_ bytes: [UInt8], at start: Int) -> UInt32? {
        guard start + 4 <= bytes.count else { return nil }
        var code: UInt32 = 0
        for byte in bytes[start..<(start + 4)] {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): code = code << 4 | UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): code = code << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): code = code << 4 | UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return code
    }

    private static func hex(_ byte: UInt8, _ uppercase: Bool) -> [UInt8] {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}
