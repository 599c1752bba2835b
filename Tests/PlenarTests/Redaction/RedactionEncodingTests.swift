import Testing

@testable import PlenarKit

@Suite("Redaction: each form of a secret, token shapes, overlaps, binary")
struct RedactionEncodingTests {
    static let token = "pko_" + String(repeating: "Ab3", count: 12)

    /// Redacts `input` at every read size from 1 to its length; all must agree.
    func redacted(_ input: [UInt8], _ secrets: [Secret]) -> [UInt8] {
        let redactor = Redactor(secrets: secrets)
        var filter = redactor.makeFilter()
        let whole = stream(input, through: &filter, readSize: max(input.count, 1))
        for readSize in 1..<max(input.count, 1) {
            let output = stream(input, through: &filter, readSize: readSize)
            #expect(output == whole, "read size \(readSize)")
        }
        return whole
    }

    func redacted(_ input: String, _ secrets: [String]) -> String {
        String(decoding: redacted(bytes(input), secrets.map { Secret($0) }), as: UTF8.self)
    }

    @Test("base64 at offsets 0, 1 and 2 of a longer base64 stream: only the characters the secret fixes")
    func base64Offsets() {
        // base64("hunter2hunter2!!"), base64("x" + … + "!!"), base64("xy" + … + "!!")
        #expect(redacted("aHVudGVyMmh1bnRlcjIhIQ==", ["hunter2hunter2"]) == "***IhIQ==")
        #expect(redacted("eGh1bnRlcjJodW50ZXIyISE=", ["hunter2hunter2"]) == "eG***ISE=")
        #expect(redacted("eHlodW50ZXIyaHVudGVyMiEh", ["hunter2hunter2"]) == "eHl***iEh")
        #expect(Secret.base64Fragment(of: bytes("hunter2hunter2"), atOffset: 1) == bytes("h1bnRlcjJodW50ZXIy"))
    }

    @Test("the complete base64 of the secret, and of the secret and a newline (echo | base64)")
    func completeBase64() {
        #expect(redacted("echo: aHVudGVyMmh1bnRlcjIK.", ["hunter2hunter2"]) == "echo: ***.")
        #expect(redacted("raw: aHVudGVyMmh1bnRlcjI=.", ["hunter2hunter2"]) == "raw: ***.")
        #expect(Secret.base64(bytes("hunter2hunter2\n")) == bytes("aHVudGVyMmh1bnRlcjIK"))
        #expect(Secret.base64(bytes("ab")) == bytes("YWI="))
        #expect(Secret.base64(bytes("ab"), padded: false) == bytes("YWI"))
    }

    @Test("JSON-escaped: quotes, backslashes, both slash forms, control characters in both hex cases")
    func jsonEscaped() {
        let secret = "pa\"ss\\wo/rd\n\u{1B}x"
        #expect(redacted(#"{"v":"pa\"ss\\wo/rd\n\u001bx"}"#, [secret]) == #"{"v":"***"}"#)
        #expect(redacted(#"{"v":"pa\"ss\\wo\/rd\n\u001Bx"}"#, [secret]) == #"{"v":"***"}"#)
        #expect(redacted("tab\tand\u{8}\u{C}\r!", ["tab\tand\u{8}\u{C}\r"]) == "***!")
        #expect(redacted(#"tab\tand\b\f\r!"#, ["tab\tand\u{8}\u{C}\r"]) == "***!")
    }

    @Test("JSON as Go writes it (<, >, & as \\u00XX) and as Python writes it (non-ASCII as \\uXXXX, surrogates too)")
    func otherJSONEncoders() {
        let secret = "p&ss<w>ö𝄞rd1"
        let redactor = Redactor(secrets: [Secret(secret)])
        for form in [#"p\u0026ss\u003cw\u003eö𝄞rd1"#, #"p&ss<w>\u00f6\ud834\udd1erd1"#, #"p\u0026ss\u003Cw\u003E\u00F6\uD834\uDD1Erd1"#] {
            #expect(redactor.redact("{\"v\":\"\(form)\"}") == "{\"v\":\"***\"}", "\(form)")
        }
    }

    @Test("URL-encoded with upper and lower hex, and with + for a space")
    func urlEncoded() {
        let secret = "p@ss w/rd!"
        #expect(redacted("?pw=p%40ss%20w%2Frd%21&x", [secret]) == "?pw=***&x")
        #expect(redacted("?pw=p%40ss%20w%2frd%21&x", [secret]) == "?pw=***&x")
        #expect(redacted("?pw=p%40ss+w%2Frd%21&x", [secret]) == "?pw=***&x")
        #expect(redacted("?pw=p%40ss+w%2frd%21&x", [secret]) == "?pw=***&x")
        #expect(redacted("-._~ stays -._~", ["-._~ st"]) == "***ays -._~")
    }

    @Test("a multi-line secret: whole, and each line of 6 bytes or more on its own")
    func multiLine() {
        let key = "-----BEGIN KEY-----\r\nMIIEvQIBADANBg\nok\n-----END KEY-----"
        #expect(redacted("key:\n\(key)\n", [key]) == "key:\n***\n")
        #expect(redacted("> MIIEvQIBADANBg <", [key]) == "> *** <")
        #expect(redacted("> -----BEGIN KEY-----\r <", [key]) == "> ***\r <")
        #expect(redacted("ok, ok and } stay", [key]) == "ok, ok and } stay")
        #expect(redacted("json: \"-----BEGIN KEY-----\\r\\nMIIEvQIBADANBg\\nok\\n-----END KEY-----\"", [key]) == "json: \"***\"")
    }

    @Test("token-shaped text is masked with its prefix whether or not it is a known secret, and the whole run goes")
    func tokenShapes() {
        let body31 = String(repeating: "x", count: 31)
        #expect(redacted("pko_\(body31) stays", []) == "pko_\(body31) stays")
        #expect(redacted("pko_\(body31)y goes", []) == "pko_… goes")
        #expect(redacted("plt_\(String(repeating: "Z9", count: 500))!", []) == "plt_…!")
        #expect(redacted("xpko_\(body31)y_end", []) == "xpko_…_end")
        #expect(redacted("pko_pko_\(body31)yy", []) == "pko_pko_…")
        #expect(redacted("pko_short and plt_ and pko_… and pk", []) == "pko_short and plt_ and pko_… and pk")
        #expect(redacted("key \(Self.token) used", [Self.token]) == "key pko_… used")
        #expect(redacted("b64 \(String(decoding: Secret.base64(bytes(Self.token)), as: UTF8.self)).", [Self.token]) == "b64 pko_….")
        #expect(Secret(Self.token).kind == .token(.org))
        #expect(Secret("pko_short").kind == .other)
    }

    @Test("overlapping and adjacent matches make one region with the replacement of the leftmost")
    func overlaps() {
        #expect(redacted("abcdefghi", ["abcdef", "defghi"]) == "***")
        #expect(redacted("[abcdefdefghi]", ["abcdef", "defghi"]) == "[***]")
        #expect(redacted("[abcdef-defghi]", ["abcdef", "defghi"]) == "[***-***]")
        #expect(redacted("(bcdefgh)", ["bcdefg", "abcdefgh", "cdefgh"]) == "(***)")
        let other = "prefix-pko_Ab3"
        #expect(redacted("=prefix-\(Self.token)=", [other, Self.token]) == "=***=")
        #expect(redacted("=\(Self.token)Ab3-tail=", [Self.token, "Ab3Ab3-tail"]) == "=pko_…=")
        // Two matches starting on one byte: the first to complete gives the replacement.
        #expect(redacted("<\(Self.token)>", [Self.token, "pko_Ab3Ab3"]) == "<***>")
        #expect(redacted("<\(Self.token)>", ["pko_Ab3Ab3", Self.token]) == "<***>")
        #expect(redacted("<\(Self.token)Ab3-x>", [Self.token + "Ab3-x"]) == "<pko_…>")
        // Patterns of one secret can end inside another's; the union still covers both.
        #expect(redacted("xaaaaaaaaay", ["aaaaaa"]) == "x***y")
        #expect(redacted("abababababab", ["bababa"]) == "a***b")
    }

    @Test("binary output passes byte for byte; binary secrets are found in it")
    func binary() {
        let secret: [UInt8] = [0xFF, 0x00, 0xFE, 0x80, 0x81, 0xC3]
        let input: [UInt8] = [0xC3, 0x28, 0x00, 0xFF] + secret + [0xF0, 0x9F, 0x98] + secret.dropLast() + [0xFF]
        let expected: [UInt8] = [0xC3, 0x28, 0x00, 0xFF] + bytes("***") + [0xF0, 0x9F, 0x98] + secret.dropLast() + [0xFF]
        #expect(redacted(input, [Secret(value: secret, kind: .other)]) == expected)
        let noise = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 3) }
        #expect(redacted(noise, [Secret("hunter2hunter2")]) == noise)
    }

    @Test("forms shorter than 3 bytes are dropped; --mask values of 3 bytes work")
    func shortPatterns() {
        #expect(RedactionPatterns.of([Secret(value: bytes("ab"), kind: .other)]).map(\.bytes) == [bytes("YWI="), bytes("YWIK")])
        #expect(redacted("abc abd", ["abc"]) == "*** abd")
        #expect(
            RedactionPatterns.of([Secret("hunter2hunter2"), Secret("hunter2hunter2")]).count
                == RedactionPatterns.of([Secret("hunter2hunter2")]).count)
    }

    @Test("a partial match that never completes is released as it is at the end")
    func partialAtEnd() {
        #expect(redacted("tail hunter2hunte", ["hunter2hunter2"]) == "tail hunter2hunte")
        #expect(redacted("tail pko_\(String(repeating: "a", count: 20))", []) == "tail pko_\(String(repeating: "a", count: 20))")
    }

    @Test("the CLI redactor: the same engine for messages and bodies")
    func redactorStrings() {
        let redactor = Redactor(secrets: ["hunter2hunter2", "short"])
        #expect(redactor.redact("pw hunter2hunter2, short, aHVudGVyMmh1bnRlcjI=") == "pw ***, short, ***")
        #expect(redactor.redact("ünïcödé \(Self.token)") == "ünïcödé pko_…")
        #expect(redactor.redact("") == "")
    }

    /// How the forms were made before they were written straight into their arrays: the whole
    /// stream encoded (by Foundation here) and cut, the split forms concatenated.
    static func referenceFormGroups(of value: [UInt8]) -> (plain: [[UInt8]], fragments: [[UInt8]]) {
        func splitForms(_ fragment: [UInt8], _ offset: Int) -> [[UInt8]] {
            let count = fragment.count
            var forms: [[UInt8]] = []
            var split = max(count - 15, 1)
            split += (Secret.wrappedBreakPhase(atOffset: offset) - split % 4 + 4) % 4
            while count >= 8, split < min(16, count) {
                for lineEnd in [[UInt8(ascii: "\n")], [UInt8(ascii: "\r"), UInt8(ascii: "\n")]] {
                    forms.append(fragment[..<split] + lineEnd + fragment[split...])
                }
                split += 4
            }
            return forms
        }
        var plain = [value]
        var fragments: [[UInt8]] = []
        for offset in 0..<3 {
            let stream = ReferenceEncodings.base64([UInt8](repeating: 0, count: offset) + value + [0, 0]).filter { $0 != UInt8(ascii: "=") }
            let (first, end) = ((8 * offset + 5) / 6, 8 * (offset + value.count) / 6)
            let fragment = first < end ? Array(stream[first..<end]) : []
            fragments.append(fragment)
            plain += splitForms(fragment, offset)
        }
        plain += [ReferenceEncodings.base64(value), ReferenceEncodings.base64(value + [10])]
        return (plain, fragments)
    }

    @Test("base64, its fragments and their split forms, made in one piece, are what the whole stream gives")
    func formsInOnePiece() {
        var random = SplitMix(seed: 5)
        for length in 0..<70 {
            for round in 0..<4 {
                let value = (0..<length).map { _ in
                    round < 2 ? UInt8.random(in: 0...255, using: &random) : Secret.base64Alphabet.randomElement(using: &random)!
                }
                let encoded = ReferenceEncodings.base64(value)
                #expect(Secret.base64(value) == encoded)
                #expect(Secret.base64(value, padded: false) == Array(encoded.prefix { $0 != UInt8(ascii: "=") }))
                #expect(Secret.base64(value, then: 10) == ReferenceEncodings.base64(value + [10]))
                #expect(Secret.base64(value, then: 10, padded: false) == Secret.base64(value + [10], padded: false))
                let groups = Secret.formGroups(of: value)
                let reference = Self.referenceFormGroups(of: value)
                #expect(groups.fragments.map(\.bytes) == reference.fragments, "\(value)")
                #expect(groups.fragments.map(\.offset) == [0, 1, 2])
                #expect(Array(groups.plain.prefix(reference.plain.count)) == reference.plain, "\(value)")
                let unreserved = value.allSatisfy { TokenRule.isAlphanumeric($0) || Secret.unreservedMarks.contains($0) }
                #expect(groups.plain.count == reference.plain.count + (unreserved ? 0 : 14))
            }
        }
        for count in 0..<60 {
            for firstBreak in 1...4 {
                let piece = Secret.wrappedPieceLength
                let expected = count > piece ? [0] + Array(stride(from: firstBreak, through: count - piece, by: 4)) + [count - piece] : []
                #expect(Secret.wrappedRunStarts(count: count, firstBreak: firstBreak) == expected)
            }
        }
    }
}
