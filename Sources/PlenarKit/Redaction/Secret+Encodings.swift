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

    /// Each form is made in one piece, straight into its own array: ten thousand secrets make
    /// about 70,000 of them while `plenar run`'s output waits for the redactor. (The lists are
    /// array literals, not reserved: reserving looked up the array type's metadata each time.)
    static func formGroups(of value: [UInt8]) -> FormGroups {
        var groups = FormGroups(
            plain: [value],
            fragments: [
                (base64Fragment(of: value, atOffset: 0), 0), (base64Fragment(of: value, atOffset: 1), 1),
                (base64Fragment(of: value, atOffset: 2), 2),
            ])
        for fragment in groups.fragments { appendSplitForms(of: fragment.bytes, atOffset: fragment.offset, to: &groups.plain) }
        groups.plain.append(base64(value))
        groups.plain.append(base64(value, then: UInt8(ascii: "\n")))
        // Letters, digits and `-._~` are the same in every JSON and URL form: most secrets are
        // made of them, and ten thousand of them must not delay the start (`plenar run`).
        if value.allSatisfy(isUnreserved) { return groups }
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
        base64(bytes, then: nil, padded: padded)
    }

    /// The base64 of `bytes` followed by `last` if given (`echo "$S" | base64`), with no copy of
    /// the bytes made first.
    static func base64(_ bytes: [UInt8], then last: UInt8?, padded: Bool = true) -> [UInt8] {
        let count = bytes.count + (last == nil ? 0 : 1)
        let characters = (8 * count + 5) / 6
        let length = padded ? (characters + 3) / 4 * 4 : characters
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            encode(bytes, after: 0, then: last, characters: 0..<characters, into: buffer.baseAddress!)
            for index in characters..<length { buffer[index] = UInt8(ascii: "=") }
            initialized = length
        }
    }

    /// The base64 characters fixed by the value alone when it sits `offset` bytes into a longer
    /// stream: those that depend on the bytes before or after it are left out.
    static func base64Fragment(of value: [UInt8], atOffset offset: Int) -> [UInt8] {
        let first = (8 * offset + 5) / 6
        let end = 8 * (offset + value.count) / 6
        guard first < end else { return [] }
        return [UInt8](unsafeUninitializedCapacity: end - first) { buffer, initialized in
            encode(value, after: offset, then: nil, characters: first..<end, into: buffer.baseAddress!)
            initialized = end - first
        }
    }

    /// Writes `characters` of the unpadded base64 of a stream of `offset` zero bytes, `bytes`,
    /// `last` if given, then zero bytes, to `output`: the stream is laid out in whole 3-byte
    /// groups first, so that each group is encoded with no check of where its bytes come from.
    private static func encode(
        _ bytes: [UInt8], after offset: Int, then last: UInt8?, characters: Range<Int>, into output: UnsafeMutablePointer<UInt8>
    ) {
        let firstGroup = characters.lowerBound / 4
        let groups = (characters.upperBound + 3) / 4 - firstGroup
        // The stream from the first group's first byte; bytes past the last group fix no character.
        let skipped = 3 * firstGroup
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * groups + 4 * groups) { scratch in
            let stream = UnsafeMutableBufferPointer(rebasing: scratch[..<(3 * groups)])
            stream.initialize(repeating: 0)
            bytes.withUnsafeBufferPointer { bytes in
                let from = max(skipped - offset, 0)
                let to = min(bytes.count, 3 * groups + skipped - offset)
                for index in from..<max(from, to) { stream[offset + index - skipped] = bytes[index] }
            }
            let lastIndex = offset + bytes.count - skipped
            if let last, lastIndex >= 0, lastIndex < 3 * groups { stream[lastIndex] = last }
            let encoded = scratch.baseAddress! + 3 * groups
            base64Alphabet.withUnsafeBufferPointer { alphabet in
                for group in 0..<groups {
                    let bits = UInt32(stream[3 * group]) << 16 | UInt32(stream[3 * group + 1]) << 8 | UInt32(stream[3 * group + 2])
                    encoded[4 * group] = alphabet[Int(bits >> 18)]
                    encoded[4 * group + 1] = alphabet[Int((bits >> 12) & 0x3F)]
                    encoded[4 * group + 2] = alphabet[Int((bits >> 6) & 0x3F)]
                    encoded[4 * group + 3] = alphabet[Int(bits & 0x3F)]
                }
            }
            output.initialize(from: encoded + (characters.lowerBound - 4 * firstGroup), count: characters.count)
        }
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
        var starts = [0]
        starts.reserveCapacity(2 + max(0, (count - piece - firstBreak) / 4 + 1))
        starts += stride(from: firstBreak, through: count - piece, by: 4)
        starts.append(count - piece)
        return starts
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
        var forms: [[UInt8]] = []
        appendSplitForms(of: fragment, atOffset: offset, to: &forms)
        return forms
    }

    /// `splitForms`, appended to `forms`.
    static func appendSplitForms(of fragment: [UInt8], atOffset offset: Int, to forms: inout [[UInt8]]) {
        let piece = wrappedPieceLength
        let count = fragment.count
        let start = wrappedBreakPhase(atOffset: offset)
        var split = max(count - piece + 1, 1)
        split += (start - split % 4 + 4) % 4
        while count >= piece / 2, split < min(piece, count) {
            for crlf in [false, true] {
                var form: [UInt8] = []
                form.reserveCapacity(count + 2)
                form += fragment[..<split]
                if crlf { form.append(UInt8(ascii: "\r")) }
                form.append(UInt8(ascii: "\n"))
                form += fragment[split...]
                forms.append(form)
            }
            split += 4
        }
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

    /// A letter, a digit or one of `unreservedMarks`: a byte every JSON and URL form keeps as is.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        TokenRule.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "~")
    }

    /// Every byte outside `A-Za-z0-9-._~` as `%XX`; a space optionally as `+`.
    static func urlEncoded(_ value: [UInt8], uppercaseHex: Bool, spaceAsPlus: Bool) -> [UInt8] {
        var encoded: [UInt8] = []
        for byte in value {
            if isUnreserved(byte) {
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
