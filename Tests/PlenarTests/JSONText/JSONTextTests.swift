import DryRun
import JSONText
import Testing

@Suite("JSONText: the one JSON(C) reader, string decoder and string writer")
struct JSONTextTests {
    func events(_ text: String, _ options: JSONReader.Options = .json) throws(JSONTextError) -> [JSONReader.Event] {
        var reader = JSONReader(Array(text.utf8), options: options)
        var events: [JSONReader.Event] = []
        while let event = try reader.next() { events.append(event) }
        return events
    }

    func failure(_ text: String, _ options: JSONReader.Options = .json) -> JSONTextError? {
        do {
            _ = try events(text, options)
            return nil
        } catch {
            return error
        }
    }

    @Test("each token with the bytes it stands at; nothing for a document of white space")
    func tokens() throws {
        #expect(
            try events(#"{"a": [1]}"#) == [
                .objectStart(at: 0), .key(1..<4), .arrayStart(at: 6), .number(7..<8), .end(6..<9, trailingCommaEnd: nil),
                .end(0..<10, trailingCommaEnd: nil),
            ])
        #expect(try events(#" ["s", true, null] "#).dropFirst().dropLast() == [.string(2..<5), .bool(true, 7..<11), .null(13..<17)])
        #expect(try events(" \n ").isEmpty)
    }

    @Test("JSONC: comments and trailing commas only where the options allow them, refused where they stand")
    func jsonc() throws {
        let jsonc = JSONReader.Options(allowsComments: true, allowsTrailingCommas: true)
        #expect(try events("[1, // one\n 2, /* two */]", jsonc).last == .end(0..<25, trailingCommaEnd: 14))
        #expect(failure("[1, // one\n 2]") == JSONTextError(at: 4, "a comment (JSON allows none)"))
        #expect(failure(#"{"a": 1,}"#) == JSONTextError(at: 8, "a comma before } (allowed only in JSONC)"))
        #expect(failure("[1 /* open", jsonc) == JSONTextError(at: 3, "a /* comment is not closed"))
        #expect(failure(#"{"a" 1}"#) == JSONTextError(at: 5, #"expected : after the member name "a""#))
        #expect(failure("[1] [2]") == JSONTextError(at: 4, "unexpected text after the end of the document"))
        #expect(failure("[01]") == JSONTextError(at: 3, "a number cannot start with 0"))
    }

    @Test("depth: unbounded by default (no recursion), bounded where asked")
    func depth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(try events(deep).count == 200_000)
        let bounded = JSONReader.Options(maximumDepth: 3)
        #expect(try events("[[[]]]", bounded).count == 6)
        #expect(failure("[[[1]]]", bounded) == JSONTextError(at: 3, "nested more than 3 levels deep"))
    }

    @Test("strings: escapes decoded, a pair is one character, a lone surrogate U+FFFD, a broken pair an error")
    func strings() throws {
        let text = Array(#""a\n\u00e4\ud83d\ude00\/\"" "\udc00x" "\ud800\u0041""#.utf8)
        #expect(try JSONString.unescape(text, 0..<27) == "a\nä😀/\"")
        #expect(try JSONString.unescape(text, 28..<37) == "\u{FFFD}x")
        #expect(throws: JSONTextError(at: 50, "an unpaired surrogate in a \\u escape")) { try JSONString.unescape(text, 38..<52) }
        #expect(try events(#""\ud800\u0041""#).count == 1, "the grammar allows it")
        #expect(
            failure(#""\ud800\u0041""#, JSONReader.Options(checksSurrogatePairs: true))
                == JSONTextError(at: 12, "an unpaired surrogate in a \\u escape"))
        #expect(failure("\"a\u{01}\"") == JSONTextError(at: 2, "a control character inside a string (write it as an escape)"))
        #expect(failure(#""\x""#) == JSONTextError(at: 2, "an unknown escape \\'x'"))
    }

    @Test("one writer, in each style the package needs")
    func quoting() {
        let text = "\"\\/\u{08}\u{0C}\u{01}\u{7F}ä"
        #expect(JSONString.quoted(text) == #""\"\\/\b\f\u0001"# + "\u{7F}ä\"", "toJSON()")
        let config = JSONString.Style(uppercaseHex: true, shortBackspaceAndFormFeed: false, escapesDelete: true)
        #expect(JSONString.quoted(text, config) == #""\"\\/\u0008\u000C\u0001\u007Fä""#, "JSON and TOML config files")
        let go = JSONString.Style(htmlSafe: true)
        #expect(JSONString.escaped(Array("<&>".utf8) + [0xFF], go) == Array(#"\u003c\u0026\u003e\ufffd"#.utf8))
        let python = JSONString.Style(asciiOnly: true)
        #expect(JSONString.escaped(Array("😀".utf8) + [0xFF], python) == Array(#"\ud83d\ude00\udcff"#.utf8))
        #expect(JSONString.escaped(Array("/".utf8), JSONString.Style(escapesSlash: true)) == Array(#"\/"#.utf8))
    }

    @Test("fromJSON() reads with it: positions in characters, and no crash on a broken surrogate pair")
    func fromJSON() throws {
        #expect(
            throws: ExpressionError.evaluation("fromJSON: invalid JSON at character 7: unexpected character 'x'")
        ) { try ExpressionValue.parseJSON(#"{"ä": x}"#) }
        #expect(throws: ExpressionError.self) { try ExpressionValue.parseJSON(#""\ud800\u0041""#) }
        #expect(
            try ExpressionValue.parseJSON(#"{"b": [1, "\u00e4"], "a": null}"#).json()
                == "{\n  \"b\": [\n    1,\n    \"ä\"\n  ],\n  \"a\": null\n}")
    }
}
