/// Replacing one table's keys, keeping every other byte; TOML text for plenar's values.
extension TOMLDocument {
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
