/// The one reader of JSON text in the package (RFC 8259), and of JSONC (comments and trailing
/// commas) when its options allow: UTF-8 bytes in, one token of the document per `next()` out,
/// with the byte range it stands at, after the grammar up to it is checked.
///
/// Open containers are a stack, not recursion, so nesting as deep as the input is long costs
/// memory, not the thread's stack, and is as valid as the grammar says; `maximumDepth` bounds
/// it where a caller wants a bound. Strings are checked (escapes, control characters) but not
/// decoded: `JSONString.unescape` decodes the ones a caller keeps, so a validity check never
/// pays for it. `value(scalar:array:object:)` (`JSONReader+Tree.swift`) builds a tree.
///
/// For `{"a": [1]}`: `.objectStart(at: 0)`, `.key(1..<4)`, `.arrayStart(at: 6)`, `.number(7..<8)`,
/// `.end(6..<9)`, `.end(0..<10)`, then nil. An error is a `JSONTextError` at the byte it found.
public struct JSONReader {
    public struct Options: Sendable {
        /// `//` and `/* */` comments where white space may stand.
        public var allowsComments: Bool
        /// A comma after a container's last element.
        public var allowsTrailingCommas: Bool
        /// The most containers a value may stand in, itself included; nil: no bound.
        public var maximumDepth: Int?
        /// A `\u` escape of a high surrogate followed by a `\u` escape that is no low surrogate
        /// is an error where it stands (the grammar alone allows it; `JSONString.unescape` refuses
        /// it, so a caller that decodes wants it found in the order of the text).
        public var checksSurrogatePairs: Bool

        public init(
            allowsComments: Bool = false, allowsTrailingCommas: Bool = false, maximumDepth: Int? = nil, checksSurrogatePairs: Bool = false
        ) {
            self.allowsComments = allowsComments
            self.allowsTrailingCommas = allowsTrailingCommas
            self.maximumDepth = maximumDepth
            self.checksSurrogatePairs = checksSurrogatePairs
        }

        /// Strict JSON, no bound on depth.
        public static let json = Options()
    }

    public enum Event: Equatable, Sendable {
        case objectStart(at: Int)
        case arrayStart(at: Int)
        /// A member's name, its quotes included; its value comes next.
        case key(Range<Int>)
        /// A string, its quotes included.
        case string(Range<Int>)
        case number(Range<Int>)
        case bool(Bool, Range<Int>)
        case null(Range<Int>)
        /// A container closed: its whole text, and where its last element ends past a trailing comma.
        case end(Range<Int>, trailingCommaEnd: Int?)
    }

    public let bytes: [UInt8]
    public let options: Options
    /// The next byte to read.
    public private(set) var index: Int
    private var open: [Container] = []
    private var state = State.start
    private var lastKey = 0..<0

    private struct Container {
        let isObject: Bool
        let start: Int
        var trailingCommaEnd: Int?

        var closer: UInt8 { isObject ? UInt8(ascii: "}") : UInt8(ascii: "]") }
    }

    private enum State {
        case start
        /// Right after `{` or `[`.
        case opened
        case afterKey
        case afterValue
        case done
    }

    /// A reader of `bytes` from `start` (past a byte order mark, say) to their end.
    public init(_ bytes: [UInt8], from start: Int = 0, options: Options = .json) {
        self.bytes = bytes
        self.options = options
        index = start
    }

    /// The next token, or nil once the document ended (with nothing but white space after it)
    /// or when it holds no value at all.
    public mutating func next() throws(JSONTextError) -> Event? {
        switch state {
        case .start:
            try skipSpace()
            guard index < bytes.count else {
                state = .done
                return nil
            }
            return try value()
        case .opened:
            try skipSpace()
            return try element()
        case .afterKey:
            try skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                let key = (try? JSONString.unescape(bytes, lastKey)) ?? String(decoding: bytes[lastKey], as: UTF8.self)
                throw error("expected : after the member name \"\(key)\"")
            }
            index += 1
            try skipSpace()
            return try value()
        case .afterValue:
            guard try separator() else {
                state = .done
                return nil
            }
            return try element()
        case .done:
            return nil
        }
    }

    /// The number at `range` of an `.number` event (infinite when it is too large for a double).
    public func number(_ range: Range<Int>) -> Double {
        Double(String(decoding: bytes[range], as: UTF8.self)) ?? .nan
    }

    /// A value, at `index` after white space.
    private mutating func value() throws(JSONTextError) -> Event {
        guard index < bytes.count else { throw error("unexpected end of file") }
        if let maximumDepth = options.maximumDepth, open.count >= maximumDepth {
            throw error("nested more than \(maximumDepth) levels deep")
        }
        let start = index
        state = .afterValue
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let isObject = bytes[index] == UInt8(ascii: "{")
            index += 1
            open.append(Container(isObject: isObject, start: start))
            state = .opened
            return isObject ? .objectStart(at: start) : .arrayStart(at: start)
        case UInt8(ascii: "\""):
            try string()
            return .string(start..<index)
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true, start..<index)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false, start..<index)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null(start..<index)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
            return .number(start..<index)
        default:
            throw error("unexpected character \(Self.show(bytes[index]))")
        }
    }

    /// In a container, after white space: its end, a member's name, or an element.
    private mutating func element() throws(JSONTextError) -> Event {
        let container = open[open.count - 1]
        guard index < bytes.count else {
            throw error("unexpected end of file: \(container.isObject ? "an object" : "an array") is not closed")
        }
        if bytes[index] == container.closer {
            index += 1
            open.removeLast()
            state = .afterValue
            return .end(container.start..<index, trailingCommaEnd: container.trailingCommaEnd)
        }
        guard container.isObject else { return try value() }
        guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
        let start = index
        try string()
        lastKey = start..<index
        state = .afterKey
        return .key(lastKey)
    }

    /// After a complete value: false at the end of the document; else past a comma, or before
    /// the container's end.
    private mutating func separator() throws(JSONTextError) -> Bool {
        guard !open.isEmpty else {
            try skipSpace()
            guard index == bytes.count else { throw error("unexpected text after the end of the document") }
            return false
        }
        let last = open.count - 1
        let closer = open[last].closer
        open[last].trailingCommaEnd = nil
        try skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
            index += 1
            open[last].trailingCommaEnd = index
            try skipSpace()
            if !options.allowsTrailingCommas, index < bytes.count, bytes[index] == closer {
                throw error("a comma before \(Character(Unicode.Scalar(closer))) (allowed only in JSONC)")
            }
            return true
        }
        if index < bytes.count, bytes[index] != closer {
            throw error(open[last].isObject ? "expected , or } after an object member" : "expected , or ] after an array element")
        }
        return true
    }

    /// Past a string, from its opening quote: escapes and control characters checked.
    private mutating func string() throws(JSONTextError) {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return
            }
            if byte < 0x20 { throw error("a control character inside a string (write it as an escape)") }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count, let code = JSONString.code(bytes, at: index + 1) else {
                        throw error("a \\u escape needs four hex digits")
                    }
                    if options.checksSurrogatePairs, (0xD800..<0xDC00).contains(code), index + 10 < bytes.count,
                        bytes[index + 5] == UInt8(ascii: "\\"), bytes[index + 6] == UInt8(ascii: "u"),
                        let low = JSONString.code(bytes, at: index + 7), !(0xDC00..<0xE000).contains(low)
                    {
                        index += 10
                        throw error("an unpaired surrogate in a \\u escape")
                    }
                    index += 4
                default:
                    throw error("an unknown escape \\\(Self.show(bytes[index]))")
                }
            }
            index += 1
        }
        throw error("unexpected end of file inside a string")
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(JSONTextError) {
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integer = index
        guard digits() > 0 else { throw error("a number needs digits") }
        if bytes[integer] == UInt8(ascii: "0"), index - integer > 1 { throw error("a number cannot start with 0") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("a number needs digits after .") }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("a number needs digits in its exponent") }
        }
    }

    private mutating func literal(_ word: String) throws(JSONTextError) {
        let word = Array(word.utf8)
        guard bytes[index...].starts(with: word) else { throw error("unexpected character \(Self.show(bytes[index]))") }
        index += word.count
    }

    /// Past white space, and comments when they are allowed.
    private mutating func skipSpace() throws(JSONTextError) {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                guard options.allowsComments else { throw error("a comment (JSON allows none)") }
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                guard options.allowsComments else { throw error("a comment (JSON allows none)") }
                let open = index
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                guard index + 1 < bytes.count else {
                    index = open
                    throw error("a /* comment is not closed")
                }
                index += 2
            default:
                return
            }
        }
    }

    private func error(_ reason: String) -> JSONTextError {
        JSONTextError(at: index, reason)
    }

    /// A byte in a message: itself in quotes when printable ASCII, else in hex.
    static func show(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
