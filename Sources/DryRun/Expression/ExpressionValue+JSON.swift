import Foundation

extension ExpressionValue {
    /// `toJSON()`: indented by two spaces, keys in their order, `{}` and `[]` when empty.
    public func json(indent: String = "") -> String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if value.isNaN || value.isInfinite { return "\"\(Self.format(value))\"" }
            return Self.format(value)
        case .string(let value): return Self.quoted(value)
        case .array(let array):
            if array.elements.isEmpty { return "[]" }
            let inner = indent + "  "
            return "[\n" + array.elements.map { inner + $0.json(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let object):
            if object.entries.isEmpty { return "{}" }
            let inner = indent + "  "
            let members = object.entries.map { inner + Self.quoted($0.key) + ": " + $0.value.json(indent: inner) }
            return "{\n" + members.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `fromJSON()`: any JSON value; numbers become doubles, objects keep their key order.
    public static func parseJSON(_ text: String) throws(ExpressionError) -> ExpressionValue {
        var parser = JSONParser(Array(text.unicodeScalars))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("unexpected text after the value") }
        return value
    }
}

/// A strict JSON reader (RFC 8259), small enough to keep object key order without Foundation.
private struct JSONParser {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var atEnd: Bool { position >= scalars.count }

    func failure(_ problem: String) -> ExpressionError {
        .evaluation("fromJSON: invalid JSON at character \(position + 1): \(problem)")
    }

    mutating func skipSpace() {
        while !atEnd, [" ", "\n", "\r", "\t"].contains(scalars[position]) { position += 1 }
    }

    mutating func value() throws(ExpressionError) -> ExpressionValue {
        skipSpace()
        guard !atEnd else { throw failure("expected a value") }
        switch scalars[position] {
        case "{": return try object()
        case "[": return try array()
        case "\"": return .string(try string())
        case "t":
            try keyword("true")
            return .bool(true)
        case "f":
            try keyword("false")
            return .bool(false)
        case "n":
            try keyword("null")
            return .null
        default: return .number(try number())
        }
    }

    mutating func keyword(_ word: String) throws(ExpressionError) {
        for scalar in word.unicodeScalars {
            guard !atEnd, scalars[position] == scalar else { throw failure("expected \(word)") }
            position += 1
        }
    }

    mutating func object() throws(ExpressionError) -> ExpressionValue {
        position += 1
        var pairs: [(String, ExpressionValue)] = []
        skipSpace()
        if !atEnd, scalars[position] == "}" {
            position += 1
            return .object(ExpressionObject(pairs))
        }
        while true {
            skipSpace()
            guard !atEnd, scalars[position] == "\"" else { throw failure("expected a key") }
            let key = try string()
            skipSpace()
            guard !atEnd, scalars[position] == ":" else { throw failure("expected :") }
            position += 1
            pairs.append((key, try value()))
            skipSpace()
            guard !atEnd else { throw failure("unterminated object") }
            if scalars[position] == "," {
                position += 1
                continue
            }
            guard scalars[position] == "}" else { throw failure("expected , or }") }
            position += 1
            return .object(ExpressionObject(pairs))
        }
    }

    mutating func array() throws(ExpressionError) -> ExpressionValue {
        position += 1
        var elements: [ExpressionValue] = []
        skipSpace()
        if !atEnd, scalars[position] == "]" {
            position += 1
            return .array(ExpressionArray(elements))
        }
        while true {
            elements.append(try value())
            skipSpace()
            guard !atEnd else { throw failure("unterminated array") }
            if scalars[position] == "," {
                position += 1
                continue
            }
            guard scalars[position] == "]" else { throw failure("expected , or ]") }
            position += 1
            return .array(ExpressionArray(elements))
        }
    }

    mutating func string() throws(ExpressionError) -> String {
        position += 1
        var out = String.UnicodeScalarView()
        while true {
            guard !atEnd else { throw failure("unterminated string") }
            let scalar = scalars[position]
            position += 1
            switch scalar {
            case "\"":
                return String(out)
            case "\\":
                guard !atEnd else { throw failure("unterminated escape") }
                let escape = scalars[position]
                position += 1
                switch escape {
                case "\"", "\\", "/": out.append(escape)
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    var code = try hex4()
                    if (0xD800...0xDBFF).contains(code), position + 1 < scalars.count, scalars[position] == "\\",
                        scalars[position + 1] == "u"
                    {
                        position += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let decoded = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
                    out.append(decoded)
                default: throw failure("invalid escape \\\(escape)")
                }
            default:
                guard scalar.value >= 0x20 else { throw failure("control character in a string") }
                out.append(scalar)
            }
        }
    }

    mutating func hex4() throws(ExpressionError) -> UInt32 {
        guard position + 4 <= scalars.count,
            let code = UInt32(String(String.UnicodeScalarView(scalars[position..<position + 4])), radix: 16)
        else { throw failure("invalid \\u escape") }
        position += 4
        return code
    }

    mutating func number() throws(ExpressionError) -> Double {
        let start = position
        while !atEnd, "+-0123456789.eE".unicodeScalars.contains(scalars[position]) { position += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard !text.isEmpty, text.first != "+", let value = Double(text), value.isFinite else {
            position = start
            throw failure("expected a value")
        }
        return value
    }
}
