extension TOMLDocument {
    /// Reads the file's structure (tables, keys, line ends, comments) and refuses what TOML
    /// forbids; values are read in `TOMLDocument+Values.swift`.
    struct Parser {
        let bytes: [UInt8]
        var index = 0

        static func isBareKey(_ byte: UInt8) -> Bool {
            TokenCharacters.isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }

        mutating func document() throws(ConfigParseError) -> [Table] {
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

        mutating func keyPath() throws(ConfigParseError) -> [String] {
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
        mutating func endOfLine() throws(ConfigParseError) {
            skipSpaces()
            if index < bytes.count, bytes[index] == UInt8(ascii: "#") {
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "\r") { index += 1 }
            guard index == bytes.count || bytes[index] == UInt8(ascii: "\n") else { throw error("expected the end of the line") }
            if index < bytes.count { index += 1 }
        }

        func error(_ reason: String) -> ConfigParseError {
            ConfigParseError(at: index, in: bytes, reason)
        }
    }
}
