import Testing

@testable import PlenarKit

/// Issue 17: a secret is bytes, and need not be UTF-8 (`--mask $'p\xe4sswort-latin1'`).
@Suite("Redaction: secrets that are not UTF-8")
struct RedactionNotUTF8Tests {
    static let latin1 = bytes("p") + [0xE4] + bytes("sswort-latin1")

    func redacted(_ input: [UInt8], readSize: Int) -> [UInt8] {
        var filter = Redactor(secrets: [Secret(value: Self.latin1, kind: .other)]).makeFilter()
        return stream(input, through: &filter, readSize: readSize)
    }

    @Test("masked raw, in base64 (whole, inside a longer stream, wrapped) and URL-encoded, at every read size")
    func forms() {
        // base64 -w 76 of "ABC" × 18, "x", the secret, "yz": the secret's base64 starts at column
        // 74, and all of it on the second line goes (the 2 characters on the first hold 1 byte).
        let abc = Array(String(repeating: "QUJD", count: 18).utf8)
        let cases: [([UInt8], [UInt8])] = [
            (bytes("pw: ") + Self.latin1 + bytes("\n"), bytes("pw: ***\n")),
            (bytes("cORzc3dvcnQtbGF0aW4xCg==\n"), bytes("***\n")),
            (bytes("cORzc3dvcnQtbGF0aW4x."), bytes("***.")),
            (bytes("eHDkc3N3b3J0LWxhdGluMXl6"), bytes("eH***Xl6")),
            (abc + bytes("eHDk\nc3N3b3J0LWxhdGluMXl6\n"), abc + bytes("eHDk\n***Xl6\n")),
            (abc + bytes("eHDk\r\nc3N3b3J0LWxhdGluMXl6\r\n"), abc + bytes("eHDk\r\n***Xl6\r\n")),
            (bytes("?p=p%E4sswort-latin1&q=p%e4sswort-latin1"), bytes("?p=***&q=***")),
            (Self.latin1.dropLast() + [0xFF], Self.latin1.dropLast() + [0xFF]),
        ]
        for (input, expected) in cases {
            for readSize in 1...input.count {
                #expect(redacted(input, readSize: readSize) == expected, "\(input), read size \(readSize)")
            }
        }
    }

    @Test("JSON as encoders write bytes that are not UTF-8: as they are, Go's \\ufffd, Python's \\udcXX")
    func json() {
        for form in [#"p\ufffdsswort-latin1"#, #"p\udce4sswort-latin1"#, #"p\uDCE4sswort-latin1"#] {
            #expect(redacted(bytes("{\"v\":\"\(form)\"}"), readSize: 5) == bytes(#"{"v":"***"}"#), "\(form)")
        }
        #expect(Secret.jsonEscaped(Self.latin1, escapeSlash: false, uppercaseHex: false) == Self.latin1)
        #expect(
            Secret.jsonEscaped(bytes("ö") + [0xF0, 0x9F, 0x98], escapeSlash: false, uppercaseHex: false, asciiOnly: true)
                == bytes(#"\u00f6\udcf0\udc9f\udc98"#))
        #expect(
            Secret.jsonEscaped(bytes("<ö>") + [0xC3], escapeSlash: false, uppercaseHex: false, htmlSafe: true)
                == bytes(#"\u003cö\u003e\ufffd"#))
    }

    @Test("the runner is sent no ::add-mask:: for a value it cannot match")
    func githubMask() {
        #expect(!GitHubActions.canMask(Self.latin1))
        #expect(GitHubActions.maskCommands(Self.latin1) == "")
        #expect(GitHubActions.maskCommands(bytes("ok line\n") + Self.latin1) == "")
        #expect(GitHubActions.canMask(bytes("pässwort")))
        #expect(GitHubActions.maskCommands(bytes("pässwort\nab\nline2")) == "::add-mask::pässwort\n::add-mask::line2\n")
    }
}
