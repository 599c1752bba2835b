/// A JSON (or JSONC: comments and trailing commas) document that remembers where every value
/// stands in its text, so plenar can change one entry and leave every other byte as it was:
/// other servers, unknown keys, key order, comments, indentation and line endings.
struct JSONCDocument {
    /// A value and the byte range of its text.
    struct Node {
        enum Kind {
            case object([Member])
            case array([Node])
            case scalar(ConfigValue)
        }

        var kind: Kind
        var range: Range<Int>
        /// For a container: where its last element's text ends, past any trailing comma.
        var trailingCommaEnd: Int?

        var value: ConfigValue {
            switch kind {
            case let .object(members): .object(members.map { ($0.key, $0.value.value) })
            case let .array(items): .array(items.map(\.value))
            case let .scalar(value): value
            }
        }

        var isObject: Bool {
            if case .object = kind { return true }
            return false
        }
    }

    struct Member {
        var key: String
        var keyRange: Range<Int>
        var value: Node
    }

    let bytes: [UInt8]
    let allowsComments: Bool
    /// Nil when the file is empty or only whitespace (and comments): edited as `{}`.
    let root: Node?

    init(_ bytes: [UInt8], allowsComments: Bool) throws(ConfigParseError) {
        self.bytes = bytes
        self.allowsComments = allowsComments
        var parser = Parser(bytes: bytes, allowsComments: allowsComments)
        root = try parser.document()
    }

    /// The node at a path of object keys, if every step exists.
    func node(at path: [String]) -> Node? {
        var node = root
        for key in path {
            guard case let .object(members)? = node?.kind, let member = members.last(where: { $0.key == key }) else { return nil }
            node = member.value
        }
        return node
    }

    var newline: String {
        bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 > 0 && bytes[$0 - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n" } ?? "\n"
    }
}

extension JSONCDocument {
    fileprivate struct Parser {
        let bytes: [UInt8]
        let allowsComments: Bool
        var index = 0
        var depth = 0

        mutating func document() throws(ConfigParseError) -> Node? {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            try skipSpace()
            guard index < bytes.count else { return nil }
            let node = try value()
            try skipSpace()
            guard index == bytes.count else { throw error("unexpected text after the end of the document") }
            return node
        }

        mutating func value() throws(ConfigParseError) -> Node {
            guard index < bytes.count else { throw error("unexpected end of file") }
            depth += 1
            defer { depth -= 1 }
            guard depth <= 256 else { throw error("nested more than 256 levels deep") }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return Node(kind: .scalar(.string(try string())), range: start..<index)
            case UInt8(ascii: "t"):
                try literal("true")
                return Node(kind: .scalar(.bool(true)), range: start..<index)
            case UInt8(ascii: "f"):
                try literal("false")
                return Node(kind: .scalar(.bool(false)), range: start..<index)
            case UInt8(ascii: "n"):
                try literal("null")
                return Node(kind: .scalar(.null), range: start..<index)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character \(Self.show(bytes[index]))")
            }
        }

        mutating func object() throws(ConfigParseError) -> Node {
            let start = index
            index += 1
            var members: [Member] = []
            var trailing: Int?
            try skipSpace()
            while true {
                guard index < bytes.count else { throw error("unexpected end of file: an object is not closed") }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return Node(kind: .object(members), range: start..<index, trailingCommaEnd: trailing)
                }
                guard trailing != nil || members.isEmpty else { throw error("expected , or } after an object member") }
                guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
                let keyStart = index
                let key = try string()
                let keyRange = keyStart..<index
                try skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected : after the member name \"\(key)\"")
                }
                index += 1
                try skipSpace()
                let value = try value()
                members.append(Member(key: key, keyRange: keyRange, value: value))
                trailing = nil
                try skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    trailing = index
                    try skipSpace()
                    if !allowsComments, index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                        throw error("a comma before } (allowed only in JSONC)")
                    }
                }
                if trailing == nil, index < bytes.count, bytes[index] != UInt8(ascii: "}") {
                    throw error("expected , or } after an object member")
                }
            }
        }

        mutating func array() throws(ConfigParseError) -> Node {
            let start = index
            index += 1
            var items: [Node] = []
            var trailing: Int?
            try skipSpace()
            while true {
                guard index < bytes.count else { throw error("unexpected end of file: an array is not closed") }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return Node(kind: .array(items), range: start..<index, trailingCommaEnd: trailing)
                }
                guard trailing != nil || items.isEmpty else { throw error("expected , or ] after an array element") }
                items.append(try value())
                trailing = nil
                try skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    trailing = index
                    try skipSpace()
                    if !allowsComments, index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                        throw error("a comma before ] (allowed only in JSONC)")
                    }
                }
                if trailing == nil, index < bytes.count, bytes[index] != UInt8(ascii: "]") {
                    throw error("expected , or ] after an array element")
                }
            }
        }

        mutating func string() throws(ConfigParseError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            func flush(_ end: Int) { scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars) }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 { throw error("a control character inside a string (write it as an escape)") }
                if byte == UInt8(ascii: "\\") {
                    flush(index)
                    index += 1
                    guard index < bytes.count else { break }
                    switch bytes[index] {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        var code = try hex4()
                        if (0xD800..<0xDC00).contains(code), index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
                            bytes[index + 2] == UInt8(ascii: "u")
                        {
                            index += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("an unpaired surrogate in a \\u escape") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    default: throw error("an unknown escape \\\(Self.show(bytes[index]))")
                    }
                    index += 1
                    run = index
                    continue
                }
                index += 1
            }
            throw error("unexpected end of file inside a string")
        }

        mutating func hex4() throws(ConfigParseError) -> UInt32 {
            guard index + 4 < bytes.count else { throw error("a \\u escape needs four hex digits") }
            var code: UInt32 = 0
            for offset in 1...4 {
                let byte = bytes[index + offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw error("a \\u escape needs four hex digits")
                }
                code = code << 4 | UInt32(digit)
            }
            index += 4
            return code
        }

        mutating func number() throws(ConfigParseError) -> Node {
            let start = index
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
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            return Node(kind: .scalar(.number(Double(text) ?? .nan)), range: start..<index)
        }

        mutating func literal(_ word: String) throws(ConfigParseError) {
            let word = Array(word.utf8)
            guard bytes[index...].starts(with: word) else { throw error("unexpected character \(Self.show(bytes[index]))") }
            index += word.count
        }

        mutating func skipSpace() throws(ConfigParseError) {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    index += 1
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/"):
                    guard allowsComments else { throw error("a comment (JSON allows none)") }
                    while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                case UInt8(ascii: "/") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "*"):
                    guard allowsComments else { throw error("a comment (JSON allows none)") }
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

        func error(_ reason: String) -> ConfigParseError {
            ConfigParseError(at: index, in: bytes, reason)
        }

        static func show(_ byte: UInt8) -> String {
            (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
        }
    }
}
