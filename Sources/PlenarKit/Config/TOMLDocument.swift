/// A TOML document read as far as plenar needs: it checks the whole file's syntax (so a broken
/// file is refused, never rewritten), and knows where each table starts and ends, so one table
/// can be replaced and every other byte kept.
struct TOMLDocument {
    struct Table {
        var path: [String]
        var isArrayTable: Bool
        /// From the header's first byte through the end of the table's last key line.
        var range: Range<Int>
        var entries: [Entry]

        var value: ConfigValue {
            .object(entries.filter { $0.key.count == 1 }.map { ($0.key[0], $0.value) })
        }
    }

    struct Entry {
        var key: [String]
        var value: ConfigValue
        /// The whole line (or lines, for a multi-line value), line break included.
        var lines: Range<Int>
    }

    let bytes: [UInt8]
    /// The root table (path `[]`, starting at 0) and then every table in file order.
    let tables: [Table]

    init(_ bytes: [UInt8]) throws(JSONCDocument.ParseError) {
        self.bytes = bytes
        var parser = Parser(bytes: bytes)
        tables = try parser.document()
    }

    var newline: String {
        bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 > 0 && bytes[$0 - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n" } ?? "\n"
    }

    /// The text with table `path` holding `entries`: each key set to its value (an inline-table
    /// value is merged into an existing inline table), every other key, sub-table and comment
    /// kept. Nil when every key already holds its value.
    func merging(_ entries: [(String, ConfigValue)], into path: [String]) throws(EditRefusal) -> [UInt8]? {
        let name = path.joined(separator: ".")
        for table in tables where table.path.count < path.count {
            for entry in table.entries {
                let full = table.path + entry.key
                if path.starts(with: full) || full.starts(with: path) {
                    let owner = table.path.isEmpty ? "the top level" : "[\(table.path.joined(separator: "."))]"
                    throw EditRefusal(
                        reason:
                            "\(name) is written as the key \(entry.key.joined(separator: ".")) of \(owner), a form plenar does not edit; move it into its own [\(name)] table"
                    )
                }
            }
        }
        guard let table = tables.last(where: { $0.path == path }) else {
            var text = bytes
            if !text.isEmpty {
                if text.last != UInt8(ascii: "\n") { text += Array(newline.utf8) }
                text += Array(newline.utf8)
            }
            let lines = ["[" + path.map(Self.key).joined(separator: ".") + "]"] + entries.map { Self.key($0.0) + " = " + Self.render($0.1) }
            return text + Array((lines.joined(separator: newline) + newline).utf8)
        }
        if table.isArrayTable { throw EditRefusal(reason: "[[\(name)]] is an array of tables; plenar edits only a [\(name)] table") }
        var replacements: [(Range<Int>, String)] = []
        var additions: [String] = []
        for (key, wanted) in entries {
            guard let entry = table.entries.last(where: { $0.key == [key] }) else {
                additions.append(Self.key(key) + " = " + Self.render(wanted) + newline)
                continue
            }
            var value = wanted
            if case let .object(existing) = entry.value, case let .object(ours) = wanted {
                value = .object(existing.filter { member in !ours.contains { $0.0 == member.0 } } + ours)
            }
            if entry.value != value {
                replacements.append((entry.lines, Self.key(key) + " = " + Self.render(value) + newline))
            }
        }
        guard !replacements.isEmpty || !additions.isEmpty else { return nil }
        var text = bytes
        var insertAt = table.range.upperBound
        if insertAt > 0, text[insertAt - 1] != UInt8(ascii: "\n") {
            text.insert(contentsOf: Array(newline.utf8), at: insertAt)
            insertAt += newline.utf8.count
        }
        text.insert(contentsOf: Array(additions.joined().utf8), at: insertAt)
        for (range, line) in replacements.sorted(by: { $0.0.lowerBound > $1.0.lowerBound }) {
            text.replaceSubrange(range, with: Array(line.utf8))
        }
        return text
    }

    func table(_ path: [String]) -> Table? {
        tables.first { $0.path == path }
    }

    static func key(_ key: String) -> String {
        key.utf8.allSatisfy(Parser.isBareKey) && !key.isEmpty ? key : ConfigValue.quoted(key)
    }

    static func render(_ value: ConfigValue) -> String {
        switch value {
        case let .string(text): ConfigValue.quoted(text)
        case let .number(number): ConfigValue.numberText(number)
        case let .bool(flag): flag ? "true" : "false"
        case .null: "\"\""
        case let .array(items): "[" + items.map(render).joined(separator: ", ") + "]"
        case let .object(members): "{ " + members.map { key($0.0) + " = " + render($0.1) }.joined(separator: ", ") + " }"
        }
    }
}

extension TOMLDocument {
    fileprivate struct Parser {
        typealias ParseError = JSONCDocument.ParseError

        let bytes: [UInt8]
        var index = 0

        static func isBareKey(_ byte: UInt8) -> Bool {
            TokenCharacters.isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }

        mutating func document() throws(ParseError) -> [Table] {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            var tables = [Table(path: [], isArrayTable: false, range: 0..<0, entries: [])]
            // What is defined so far, to refuse what TOML forbids: a table or key defined twice,
            // a key under a value, a table over an inline table.
            var headers: Set<[String]> = []
            var arrays: Set<[String]> = []
            var values: Set<[String]> = []
            func definedAsValue(_ path: [String], from depth: Int) -> Bool {
                (max(1, depth)...path.count).contains { values.contains(Array(path.prefix($0))) }
            }
            while true {
                skipBlank()
                guard index < bytes.count else { break }
                let start = index
                if bytes[index] == UInt8(ascii: "[") {
                    let isArray = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "[")
                    index += isArray ? 2 : 1
                    skipSpaces()
                    let path = try keyPath()
                    skipSpaces()
                    for _ in 0..<(isArray ? 2 : 1) {
                        guard index < bytes.count, bytes[index] == UInt8(ascii: "]") else {
                            throw error("expected ] to close the table header")
                        }
                        index += 1
                    }
                    try endOfLine()
                    let name = path.joined(separator: ".")
                    if definedAsValue(path, from: 1) {
                        index = start
                        throw error("[\(name)] is already defined as a value")
                    }
                    if isArray {
                        guard !headers.contains(path) else {
                            index = start
                            throw error("[[\(name)]] is already a table")
                        }
                        arrays.insert(path)
                        // A new element: what was defined under the previous one may be defined again.
                        headers = headers.filter { !($0.count > path.count && $0.starts(with: path)) }
                        values = values.filter { !($0.count > path.count && $0.starts(with: path)) }
                    } else {
                        guard !headers.contains(path), !arrays.contains(path) else {
                            index = start
                            throw error("the table [\(name)] is defined twice")
                        }
                        headers.insert(path)
                    }
                    tables.append(Table(path: path, isArrayTable: isArray, range: start..<index, entries: []))
                } else {
                    let key = try keyPath()
                    skipSpaces()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                        throw error("expected = after the key \(key.joined(separator: "."))")
                    }
                    index += 1
                    skipSpaces()
                    let valueStart = index
                    let value = try value(depth: 0)
                    try endOfLine()
                    let tablePath = tables[tables.count - 1].path
                    let full = tablePath + key
                    if definedAsValue(full, from: tablePath.count + 1) || headers.contains(full) || arrays.contains(full) {
                        index = valueStart
                        throw error("the key \(key.joined(separator: ".")) is defined twice")
                    }
                    values.insert(full)
                    tables[tables.count - 1].entries.append(Entry(key: key, value: value, lines: start..<index))
                    tables[tables.count - 1].range = tables[tables.count - 1].range.lowerBound..<index
                }
            }
            return tables
        }

        mutating func keyPath() throws(ParseError) -> [String] {
            var path: [String] = []
            while true {
                guard index < bytes.count else { throw error("expected a key") }
                if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    guard case let .string(text) = try string() else { throw error("expected a key") }
                    path.append(text)
                } else {
                    let start = index
                    while index < bytes.count, Self.isBareKey(bytes[index]) { index += 1 }
                    guard index > start else { throw error("expected a key") }
                    path.append(String(decoding: bytes[start..<index], as: UTF8.self))
                }
                skipSpaces()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ".") else { return path }
                index += 1
                skipSpaces()
            }
        }

        mutating func value(depth: Int) throws(ParseError) -> ConfigValue {
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
        mutating func scalar() throws(ParseError) -> ConfigValue {
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

        mutating func string() throws(ParseError) -> ConfigValue {
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

        mutating func skipSpaces() {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        }

        /// Spaces, line breaks and comments.
        mutating func skipBlank() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): index += 1
                case UInt8(ascii: "#"): while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                default: return
                }
            }
        }

        /// Only spaces and a comment may follow on the line; the line break is included.
        mutating func endOfLine() throws(ParseError) {
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
            guard index == bytes.count || bytes[index] == UInt8(ascii: "\n") else { throw error("expected the end of the line") }
            if index < bytes.count { index += 1 }
        }

        func error(_ reason: String) -> ParseError {
            ParseError(at: index, in: bytes, reason)
        }
    }
}

/// Letters and digits, byte by byte.
enum TokenCharacters {
    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
