/// A YAML file plenar owns whole (Continue's `.continue/mcpServers/plenar.yaml`). plenar links
/// no YAML library, so it never merges into YAML: it writes the file as fixed text from the
/// entry (every string double-quoted, with the escapes JSON and YAML share), marked as its own
/// by the first line, and refuses to replace a file without that line unless `--force` (which
/// keeps it as `.bak`). Reading back (for `status`) understands only the subset plenar writes.
struct OwnedYAMLFormat: ConfigFormat {
    static let marker = "# Written by plenar connect, which rewrites this whole file: keep your own servers in other files."

    /// The top-level keys before the list (a Continue block's name, version and schema).
    var header: [(String, ConfigValue)]
    /// The one list, holding plenar's entry.
    var listKey: String

    var name: String { "YAML" }

    func value(at path: [String], in bytes: [UInt8]) throws(ConfigParseError) -> ConfigValue? {
        guard !Self.isBlank(bytes) else { return nil }
        let document = try YAMLSubset.parse(bytes)
        guard path.count == 2, let items = document[path[0]]?.array else { return document[path] }
        return items.last { $0["name"]?.string == path[1] }
    }

    func merging(_ entry: [(String, ConfigValue)], into path: [String], in bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]? {
        let text = render(entry)
        if bytes == text { return nil }
        if !Self.isBlank(bytes), !Self.isOwned(bytes), !force {
            throw EditRefusal(
                reason:
                    "plenar did not write it (its first line is not plenar's mark) and owns this file whole; move it aside, or pass --force to replace it (kept as .bak)"
            )
        }
        return text
    }

    func applying(_ edit: ArrayElementEdit, to bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]? {
        throw EditRefusal(reason: "plenar adds to an array (\(edit.path.joined(separator: "."))) only in JSON files")
    }

    /// The whole file for `entry`.
    func render(_ entry: [(String, ConfigValue)]) -> [UInt8] {
        var lines = [Self.marker]
        for (key, value) in header { lines += Self.lines(key, value, indent: "") }
        lines.append("\(listKey):")
        var item = entry.flatMap { Self.lines($0.0, $0.1, indent: "    ") }
        if !item.isEmpty { item[0] = "  - " + item[0].dropFirst(4) }
        lines += item
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    private static func lines(_ key: String, _ value: ConfigValue, indent: String) -> [String] {
        let name = YAMLSubset.isPlain(key) ? key : ConfigValue.quoted(key)
        switch value {
        case let .object(members):
            return ["\(indent)\(name):"] + members.flatMap { lines($0.0, $0.1, indent: indent + "  ") }
        case let .string(text): return ["\(indent)\(name): \(ConfigValue.quoted(text))"]
        case let .number(number): return ["\(indent)\(name): \(ConfigValue.numberText(number))"]
        case let .bool(flag): return ["\(indent)\(name): \(flag)"]
        case .null: return ["\(indent)\(name): null"]
        case let .array(items):
            return ["\(indent)\(name):"] + items.map { "\(indent)  - \(scalarText($0))" }
        }
    }

    private static func scalarText(_ value: ConfigValue) -> String {
        switch value {
        case let .string(text): ConfigValue.quoted(text)
        case let .number(number): ConfigValue.numberText(number)
        case let .bool(flag): "\(flag)"
        default: "null"
        }
    }

    static func isOwned(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: Array(marker.utf8))
    }

    static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }
    }
}

/// The YAML plenar writes, read back: block mappings (`key: value`, `key:` then an indented
/// block), block sequences of mappings (`- key: value`), `#` comment lines, double-quoted strings
/// (read as JSON strings, whose escapes YAML shares), and plain scalars taken as strings. Anything
/// else (flow collections, anchors, multi-line strings, tabs for indentation) is an error at its
/// line: a file plenar did not write.
enum YAMLSubset {
    private struct Line {
        var number: Int
        var indent: Int
        var text: Substring
        var offset: Int
    }

    static func parse(_ bytes: [UInt8]) throws(ConfigParseError) -> ConfigValue {
        var lines: [Line] = []
        var offset = 0
        for (index, raw) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            defer { offset += raw.count + 1 }
            var text = Substring(String(decoding: raw, as: UTF8.self))
            if text.hasSuffix("\r") { text = text.dropLast() }
            let body = text.drop { $0 == " " }
            if body.isEmpty || body.hasPrefix("#") { continue }
            if body.hasPrefix("\t") { throw ConfigParseError(at: offset, in: bytes, "a tab for indentation") }
            lines.append(Line(number: index + 1, indent: text.count - body.count, text: body, offset: offset + text.count - body.count))
        }
        var position = 0
        guard !lines.isEmpty else { return .object([]) }
        let value = try block(&lines, &position, indent: lines[0].indent, bytes: bytes)
        if position < lines.count { throw ConfigParseError(at: lines[position].offset, in: bytes, "unexpected indentation") }
        return value
    }

    /// A mapping or a sequence whose lines start at `indent`.
    private static func block(
        _ lines: inout [Line], _ position: inout Int, indent: Int, bytes: [UInt8]
    ) throws(ConfigParseError)
        -> ConfigValue
    {
        if lines[position].text.hasPrefix("- ") {
            var items: [ConfigValue] = []
            while position < lines.count, lines[position].indent == indent, lines[position].text.hasPrefix("- ") {
                // The item's first key stands two columns in: read it as a line of the item's mapping.
                lines[position].text = lines[position].text.dropFirst(2)
                lines[position].indent += 2
                lines[position].offset += 2
                items.append(try block(&lines, &position, indent: indent + 2, bytes: bytes))
            }
            return .array(items)
        }
        var members: [(String, ConfigValue)] = []
        while position < lines.count, lines[position].indent == indent, !lines[position].text.hasPrefix("- ") {
            let line = lines[position]
            let (key, rest) = try pair(line, bytes: bytes)
            position += 1
            if rest.isEmpty {
                guard position < lines.count, lines[position].indent > indent || lines[position].text.hasPrefix("- ") else {
                    members.append((key, .null))
                    continue
                }
                members.append((key, try block(&lines, &position, indent: lines[position].indent, bytes: bytes)))
            } else {
                members.append((key, try scalar(rest, line: line, bytes: bytes)))
            }
        }
        return .object(members)
    }

    private static func pair(_ line: Line, bytes: [UInt8]) throws(ConfigParseError) -> (String, Substring) {
        var text = line.text
        let key: String
        if text.hasPrefix("\"") {
            guard let end = closingQuote(text) else { throw ConfigParseError(at: line.offset, in: bytes, "an unterminated string") }
            guard case let .string(name) = try scalar(text[...end], line: line, bytes: bytes) else {
                throw ConfigParseError(at: line.offset, in: bytes, "a key that is not a string")
            }
            key = name
            text = text[text.index(after: end)...]
            guard text.hasPrefix(":") else { throw ConfigParseError(at: line.offset, in: bytes, "a key without a colon") }
            text = text.dropFirst()
        } else {
            let separator = text.indices.first { index in
                guard text[index] == ":" else { return false }
                let next = text.index(after: index)
                return next == text.endIndex || text[next] == " "
            }
            guard let colon = separator else {
                throw ConfigParseError(at: line.offset, in: bytes, "a line that is not key: value")
            }
            key = String(text[..<colon])
            text = text[text.index(after: colon)...]
        }
        return (key, text.drop { $0 == " " })
    }

    private static func scalar(_ text: Substring, line: Line, bytes: [UInt8]) throws(ConfigParseError) -> ConfigValue {
        if text.hasPrefix("\"") {
            guard let end = closingQuote(text), text[text.index(after: end)...].allSatisfy({ $0 == " " }) else {
                throw ConfigParseError(at: line.offset, in: bytes, "a string that does not end the line")
            }
            do throws(ConfigParseError) {
                return try JSONCDocument(Array(text[...end].utf8), allowsComments: false).root?.value ?? .null
            } catch {
                throw ConfigParseError(at: line.offset, in: bytes, "a string plenar cannot read (\(error.reason))")
            }
        }
        if let first = text.first, "[{&*!|>'%@`".contains(first) {
            throw ConfigParseError(at: line.offset, in: bytes, "YAML plenar does not read (\(first))")
        }
        return .string(String(text))
    }

    /// The index of the quote closing a double-quoted string that starts `text`.
    private static func closingQuote(_ text: Substring) -> Substring.Index? {
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            if text[index] == "\\" {
                index = text.index(after: index)
                guard index < text.endIndex else { return nil }
            } else if text[index] == "\"" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// A key written without quotes: letters, digits, `-`, `_`, `.`.
    static func isPlain(_ key: String) -> Bool {
        !key.isEmpty
            && key.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }
}

extension ConfigValue {
    /// The value at a path of object keys.
    subscript(path: [String]) -> ConfigValue? {
        path.reduce(Optional(self)) { $0?[$1] }
    }
}
