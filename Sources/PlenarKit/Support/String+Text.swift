extension String {
    /// Without leading and trailing spaces, tabs and line breaks.
    var trimmed: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    /// Each scalar `escapes` names written as its replacement, the rest as they are: the escaping
    /// of a CI's log commands (`::add-mask::`, `##vso[…]`). On scalars: "\r\n" is one Character
    /// in Swift, and must still become two escapes. A few pairs, searched in order: as cheap as a
    /// switch for the masks `plenar run` announces before its command starts.
    func escapingScalars(_ escapes: KeyValuePairs<Unicode.Scalar, String>) -> String {
        var escaped = ""
        for scalar in unicodeScalars {
            if let pair = escapes.first(where: { $0.key == scalar }) {
                escaped += pair.value
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Text from elsewhere (a server's message, a name it holds) made safe to print on one line:
    /// line breaks, escape sequences and every other control character (C0, DEL, C1, and the
    /// bidirectional overrides that reorder what a terminal shows) are written as `\n`, `\r`,
    /// `\t` or `\u{XX}`, so the text can neither forge a line, nor a workflow command, nor move
    /// the cursor.
    public var printable: String {
        guard unicodeScalars.contains(where: Self.isControl) else { return self }
        var shown = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            case _ where Self.isControl(scalar): shown += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
