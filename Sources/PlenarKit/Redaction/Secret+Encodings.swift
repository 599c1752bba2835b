import JSONText

extension Secret {
    /// Every form in which the value may show up in output, each masked like the value itself:
    /// the raw bytes; base64 as it appears inside a longer base64 stream at byte offsets 0, 1 and 2
    /// (only the characters fixed by the value's own bytes), also wrapped into lines
    /// (`wrappedBase64Forms`); the complete padded base64 of the value and of the value followed
    /// by "\n" (`echo "$S" | base64`); JSON-string escapes; URL encodings. A multi-line value adds
    /// the same forms for each of its lines of 6 bytes or more. Works on any bytes, UTF-8 or not.
    /// May hold duplicates and forms too short to mask.
    var forms: [[UInt8]] {
        let groups = formGroups
        var forms = groups.plain
        for fragment in groups.fragments {
            forms.append(fragment.bytes)
            forms += Self.wrappedBase64Forms(of: fragment.bytes, atOffset: fragment.offset)
        }
        return forms
    }

    /// `forms` as the long-pattern index takes them: each base64 fragment whole, beside the
    /// forms that are not its runs (`plain`, which holds the split forms of wrapping too).
    struct FormGroups {
        var plain: [[UInt8]] = []
        var fragments: [(bytes: [UInt8], offset: Int)] = []
    }

    var formGroups: FormGroups {
        var groups = Self.formGroups(of: value)
        if value.contains(UInt8(ascii: "\n")) {
            for line in Self.lines(of: value) where line.count >= RedactionPolicy.minimumGuessedLength {
                let lineGroups = Self.formGroups(of: line)
                groups.plain += lineGroups.plain
                groups.fragments += lineGroups.fragments
            }
        }
        return groups
    }

    static func formGroups(of value: [UInt8]) -> FormGroups {
        var groups = FormGroups(plain: [value])
        for offset in 0..<3 {
            let fragment = base64Fragment(of: value, atOffset: offset)
            groups.fragments.append((fragment, offset))
            groups.plain += splitForms(of: fragment, atOffset: offset)
        }
        groups.plain.append(base64(value))
        groups.plain.append(base64(value + [UInt8(ascii: "\n")]))
        // Letters, digits and `-._~` are the same in every JSON and URL form: most secrets are
        // made of them, and ten thousand of them must not delay the start (`plenar run`).
        if value.allSatisfy({ TokenRule.isAlphanumeric($0) || unreservedMarks.contains($0) }) { return groups }
        for escapeSlash in [false, true] {
            for uppercase in [false, true] {
                groups.plain.append(jsonEscaped(value, escapeSlash: escapeSlash, uppercaseHex: uppercase))
            }
        }
        // What other encoders write: `<`, `>`, `&` as `\u00XX` (Go's encoding/json), non-ASCII as
        // UTF-16 `\uXXXX` (Python's json.dumps), or both.
        for (htmlSafe, asciiOnly) in [(true, false), (false, true), (true, true)] {
            for uppercase in [false, true] {
                groups.plain.append(
                    jsonEscaped(value, escapeSlash: false, uppercaseHex: uppercase, htmlSafe: htmlSafe, asciiOnly: asciiOnly))
            }
        }
        for spaceAsPlus in [false, true] {
            for uppercase in [true, false] {
                groups.plain.append(urlEncoded(value, uppercaseHex: uppercase, spaceAsPlus: spaceAsPlus))
            }
        }
        return groups
    }

    /// The lines of a value, each without its "\n" and a trailing "\r".
    static func lines(of value: [UInt8]) -> [[UInt8]] {
        value.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            Array(line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
        }
    }

    static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64, padded with "=" unless `padded` is false.
    static func base64(_ bytes: [UInt8], padded: Bool = true) -> [UInt8] {
        var encoded: [UInt8] = []
        encoded.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for character in 0..<4 {
                if character <= count {
                    encoded.append(base64Alphabet[Int((group >> (18 - 6 * UInt32(character))) & 0x3F)])
                } else if padded {
                    encoded.append(UInt8(ascii: "="))
                }
            }
            index += 3
        }
        return encoded
    }

    /// The base64 characters fixed by the value alone when it sits `offset` bytes into a longer
    /// stream: those that depend on the bytes before or after it are left out.
    static func base64Fragment(of value: [UInt8], atOffset offset: Int) -> [UInt8] {
        let encoded = base64([UInt8](repeating: 0, count: offset) + value + [0, 0], padded: false)
        let first = (8 * offset + 5) / 6
        let end = 8 * (offset + value.count) / 6
        return first < end ? Array(encoded[first..<end]) : []
    }

    /// The shortest run of a secret's base64 masked on a line of its own: 16 characters, 12
    /// bytes of the secret. A line break can leave a shorter run at either end of the secret's
    /// base64 visible (11 bytes of it at most). Shorter runs would be patterns likelier to turn
    /// up by chance in other base64, and the prefilter samples text every (shortest pattern − 3)
    /// bytes at most: 16 keeps that at 13.
    static let wrappedPieceLength = 16

    /// What masks a `base64Fragment` at `offset` in base64 wrapped into lines of any multiple of 4
    /// characters (76: `base64`, MIME; 64: `openssl base64`, PEM), wherever on a line it starts,
    /// with "\n" or "\r\n" line ends.
    ///
    /// A wrapped stream breaks every 4 characters at most, and the offset fixes where: before the
    /// fragment's characters `start`, `start + 4`, … So each 16-character run of the fragment
    /// beginning there is a form, and the first and the last 16 characters: every part of
    /// the fragment that a line holds, if 16 characters or longer, is the union of such runs.
    /// A break that leaves less than 16 characters on both sides (a fragment of 8 to 31)
    /// would leave all of it visible on two lines: the fragment split there, with either line
    /// end, is a form too (not for a shorter fragment: `h\nZ` would mask ordinary text).
    /// One 16-byte pattern per 4 characters of the fragment, so linear in the secret's length,
    /// where the split forms for each line width and column (2 × 76 × 3 per secret, each as long
    /// as the secret) would be quadratic, and would miss widths other than 64 and 76.
    static func wrappedBase64Forms(of fragment: [UInt8], atOffset offset: Int) -> [[UInt8]] {
        wrappedRunStarts(count: fragment.count, atOffset: offset).map { Array(fragment[$0..<($0 + wrappedPieceLength)]) }
            + splitForms(of: fragment, atOffset: offset)
    }

    /// Where the 16-character runs of `wrappedBase64Forms` start in a fragment of `count`
    /// characters: at 0, at every break a wrapping may put before the fragment's characters, and
    /// at `count - 16`. None for a fragment of 16 characters or fewer.
    static func wrappedRunStarts(count: Int, atOffset offset: Int) -> [Int] {
        wrappedRunStarts(count: count, firstBreak: firstWrappedBreak(atOffset: offset))
    }

    static func wrappedRunStarts(count: Int, firstBreak: Int) -> [Int] {
        let piece = wrappedPieceLength
        guard count > piece else { return [] }
        return [0] + Array(stride(from: firstBreak, through: count - piece, by: 4)) + [count - piece]
    }

    /// The first place after the start where a wrapping may break a fragment at `offset`.
    static func firstWrappedBreak(atOffset offset: Int) -> Int {
        let phase = wrappedBreakPhase(atOffset: offset)
        return phase == 0 ? 4 : phase
    }

    /// Where, modulo 4, a wrapping may break a fragment at `offset`: the fragment's first
    /// character sits that many characters before a 4-character group of the stream ends.
    static func wrappedBreakPhase(atOffset offset: Int) -> Int {
        (4 - (8 * offset + 5) / 6 % 4) % 4
    }

    /// The fragment split by a line end where both lines would keep less than 16 characters.
    static func splitForms(of fragment: [UInt8], atOffset offset: Int) -> [[UInt8]] {
        let piece = wrappedPieceLength
        let count = fragment.count
        let start = wrappedBreakPhase(atOffset: offset)
        var forms: [[UInt8]] = []
        var split = max(count - piece + 1, 1)
        split += (start - split % 4 + 4) % 4
        while count >= piece / 2, split < min(piece, count) {
            for lineEnd in [[UInt8(ascii: "\n")], [UInt8(ascii: "\r"), UInt8(ascii: "\n")]] {
                forms.append(fragment[..<split] + lineEnd + fragment[split...])
            }
            split += 4
        }
        return forms
    }

    /// The value inside a JSON string as the encoders in the wild write it (`JSONString.Style`):
    /// `/` optionally as `\/`, `\u00XX` in either case; `htmlSafe` as Go, `asciiOnly` as Python.
    static func jsonEscaped(
        _ value: [UInt8], escapeSlash: Bool, uppercaseHex: Bool, htmlSafe: Bool = false, asciiOnly: Bool = false
    ) -> [UInt8] {
        JSONString.escaped(
            value, JSONString.Style(escapesSlash: escapeSlash, uppercaseHex: uppercaseHex, htmlSafe: htmlSafe, asciiOnly: asciiOnly))
    }

    static let unreservedMarks = Array("-._~".utf8)

    /// Every byte outside `A-Za-z0-9-._~` as `%XX`; a space optionally as `+`.
    static func urlEncoded(_ value: [UInt8], uppercaseHex: Bool, spaceAsPlus: Bool) -> [UInt8] {
        var encoded: [UInt8] = []
        for byte in value {
            if TokenRule.isAlphanumeric(byte) || unreservedMarks.contains(byte) {
                encoded.append(byte)
            } else if byte == UInt8(ascii: " "), spaceAsPlus {
                encoded.append(UInt8(ascii: "+"))
            } else {
                encoded += [UInt8(ascii: "%")] + hex(byte, uppercase: uppercaseHex)
            }
        }
        return encoded
    }

    static func hex(_ byte: UInt8, uppercase: Bool) -> [UInt8] {
        let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}
