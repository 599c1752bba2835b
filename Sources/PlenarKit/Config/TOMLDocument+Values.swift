/// TOML's values: arrays, inline tables, booleans, numbers, dates and strings.
extension TOMLDocument.Parser {
    mutating func value(depth: Int) throws(ConfigParseError) -> ConfigValue {
        guard depth < 128 else { throw error("nested more than 128 levels deep") }
        guard index < bytes.count else { throw error("expected a value") }
        switch bytes[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return try string()
        case UInt8(ascii: "["):
            index += 1
            var items: [ConfigValue] = []
            while true {
                skipBlank()
                guard index < bytes.count else { throw error("an array is not closed") }
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                items.append(try value(depth: depth + 1))
                skipBlank()
                guard index < bytes.count else { throw error("an array is not closed") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] != UInt8(ascii: "]") {
                    throw error("expected , or ] in an array")
                }
            }
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, ConfigValue)] = []
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object([])
            }
            while true {
                skipSpaces()
                let key = try keyPath()
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw error("expected = in an inline table") }
                index += 1
                skipSpaces()
                members.append((key.joined(separator: "."), try value(depth: depth + 1)))
                skipSpaces()
                guard index < bytes.count else { throw error("an inline table is not closed") }
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                guard bytes[index] == UInt8(ascii: ",") else { throw error("expected , or } in an inline table") }
                index += 1
            }
        default:
            return try scalar()
        }
    }

    nonisolated(unsafe) static let number =
        /[+-]?(?:(?:0|[1-9](?:_?[0-9])*)(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?|inf|nan)/
    nonisolated(unsafe) static let integerWithBase = /0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*/
    nonisolated(unsafe) static let dateTime =
        /(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})?)?)|[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?/

    /// Booleans, numbers, dates and times: checked against TOML's forms, kept as written.
    mutating func scalar() throws(ConfigParseError) -> ConfigValue {
        let start = index
        while index < bytes.count,
            Self.isBareKey(bytes[index]) || [UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: ":")].contains(bytes[index])
        {
            index += 1
            // A date and a time may be separated by one space: 1979-05-27 07:32:00Z.
            if index - start == 10, index + 1 < bytes.count, bytes[index] == UInt8(ascii: " "), bytes[start + 4] == UInt8(ascii: "-"),
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 1])
            {
                index += 1
            }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "": throw error("expected a value")
        default:
            if text.wholeMatch(of: Self.number) != nil {
                return Double(text.filter { $0 != "_" }).map(ConfigValue.number) ?? .string(text)
            }
            guard text.wholeMatch(of: Self.integerWithBase) != nil || text.wholeMatch(of: Self.dateTime) != nil else {
                index = start
                throw error("\(text) is not a TOML value (a string needs quotes)")
            }
            return .string(text)
        }
    }

    mutating func string() throws(ConfigParseError) -> ConfigValue {
        let quote = bytes[index]
        let literal = quote == UInt8(ascii: "'")
        let multiline = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += multiline ? 3 : 1
        if multiline, index < bytes.count, bytes[index] == UInt8(ascii: "\n") { index += 1 }
        if multiline, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\r"), bytes[index + 1] == UInt8(ascii: "\n") { index += 2 }
        var scalars = String.UnicodeScalarView()
        while index < bytes.count {
            let byte = bytes[index]
            if byte == quote {
                if !multiline {
                    index += 1
                    return .string(String(scalars))
                }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    // Up to two quotes may end the content right before the closing three.
                    var extra = 0
                    while extra < 2, index + 3 + extra < bytes.count, bytes[index + 3 + extra] == quote { extra += 1 }
                    for _ in 0..<extra { scalars.append(Unicode.Scalar(quote)) }
                    index += 3 + extra
                    return .string(String(scalars))
                }
            }
            if byte == UInt8(ascii: "\n"), !multiline { throw error("a string is not closed on its line") }
            if byte == UInt8(ascii: "\\"), !literal {
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "e"): scalars.append("\u{1B}")
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = bytes[index] == UInt8(ascii: "u") ? 4 : 8
                    guard index + count < bytes.count,
                        let code = UInt32(String(decoding: bytes[(index + 1)...(index + count)], as: UTF8.self), radix: 16),
                        let scalar = Unicode.Scalar(code)
                    else { throw error("a \\u escape needs hex digits of a Unicode scalar") }
                    scalars.append(scalar)
                    index += count
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    // In a multi-line string, a backslash ending a line trims the line break
                    // and the whitespace after it.
                    guard multiline else { throw error("an unknown escape in a string") }
                    while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\n") else {
                        throw error("a backslash followed by spaces must end its line")
                    }
                    while index < bytes.count,
                        [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n")].contains(bytes[index])
                    { index += 1 }
                    continue
                default:
                    throw error("an unknown escape in a string")
                }
                index += 1
                continue
            }
            let start = index
            index += 1
            while index < bytes.count, bytes[index] >= 0x80 { index += 1 }
            scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
        }
        throw error("unexpected end of file inside a string")
    }
}
