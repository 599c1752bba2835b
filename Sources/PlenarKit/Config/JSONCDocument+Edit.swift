extension JSONCDocument {
    /// The text with the value at `path` set; nil when it already holds an equal value.
    /// A step of the path that is not an object is an `EditRefusal`, unless `force` replaces it.
    func setting(_ path: [String], to value: ConfigValue, force: Bool) throws(EditRefusal) -> [UInt8]? {
        guard let root else { return fresh(Self.nest(path, value)) }
        return try setting(path, to: value, from: root, force: force)
    }

    /// As `setting`, with `path` starting at `start`, a node of this document.
    private func setting(_ path: [String], to value: ConfigValue, from start: Node, force: Bool) throws(EditRefusal) -> [UInt8]? {
        var node = start
        for (step, key) in path.enumerated() {
            guard case let .object(members) = node.kind else {
                guard force else { throw refusal(path.prefix(step), is: node) }
                return replacing(node.range, with: Self.nest(path[step...], value), at: node.range.lowerBound)
            }
            guard let member = members.last(where: { $0.key == key }) else {
                return inserting(member: key, Self.nest(path[(step + 1)...], value), into: node, members: members)
            }
            node = member.value
        }
        return node.value == value ? nil : replacing(node.range, with: value, at: node.range.lowerBound)
    }

    /// What an element found by `matches` must be for plenar to edit it: else it is the user's.
    struct Shape: Sendable {
        /// The element as messages name it: "the input plenar-token".
        var name: String
        /// What plenar expects it to be: "the promptString input plenar writes".
        var expected: String
        var fits: @Sendable (ConfigValue) -> Bool
    }

    /// The text with the array at `path` holding `element`: when an element for which `matches`
    /// holds is there, `element`'s members are set in it one by one, so the user's own members
    /// stay (or it is kept as it is, when `mergeMatch` is false); else `element` is appended.
    /// A match that is not an object or not of `shape` is an `EditRefusal`, unless `force`
    /// replaces it.
    func upserting(
        _ element: ConfigValue, into path: [String], mergeMatch: Bool = true, shape: Shape? = nil, force: Bool,
        matches: (ConfigValue) -> Bool
    ) throws(EditRefusal) -> [UInt8]? {
        guard let array = node(at: path) else { return try setting(path, to: .array([element]), force: force) }
        guard case let .array(items) = array.kind else {
            guard force else { throw refusal(path[...], is: array, expected: "array") }
            return replacing(array.range, with: .array([element]), at: array.range.lowerBound)
        }
        guard let match = items.last(where: { matches($0.value) }) else { return inserting(item: element, into: array, items: items) }
        guard mergeMatch else { return nil }
        if let shape, !match.isObject || !shape.fits(match.value) {
            guard force else {
                throw EditRefusal(
                    reason:
                        "\(path.joined(separator: ".")) holds \(shape.name) that is not \(shape.expected); rename or fix it by hand, or pass --force to replace it (the original is kept as .bak)"
                )
            }
            return replacing(match.range, with: element, at: match.range.lowerBound)
        }
        guard match.isObject, case let .object(members) = element else { return nil }
        var document = self
        var changed = false
        for (key, value) in members {
            guard case let .array(items)? = document.node(at: path)?.kind, let match = items.last(where: { matches($0.value) }) else {
                break
            }
            guard let next = try document.setting([key], to: value, from: match, force: force) else { continue }
            do {
                document = try JSONCDocument(next, allowsComments: allowsComments)
            } catch {
                throw EditRefusal(reason: "plenar's change would not parse (\(error)); please report this", unparseable: true)
            }
            changed = true
        }
        return changed ? document.bytes : nil
    }

    private func refusal(_ path: ArraySlice<String>, is node: Node, expected: String = "object") -> EditRefusal {
        let name = path.isEmpty ? "the top level" : path.joined(separator: ".")
        let kind: String
        switch node.kind {
        case .object: kind = "an object"
        case .array: kind = "an array"
        case .scalar: kind = "a single value"
        }
        return EditRefusal(
            reason:
                "\(name) is \(kind), not the \(expected) plenar expects; fix it by hand, or pass --force to replace it (the original is kept as .bak)"
        )
    }

    private static func nest(_ path: ArraySlice<String>, _ value: ConfigValue) -> ConfigValue {
        path.reversed().reduce(value) { inner, key in .object([(key, inner)]) }
    }

    private static func nest(_ path: [String], _ value: ConfigValue) -> ConfigValue {
        nest(path[...], value)
    }

    // MARK: Text edits

    private func fresh(_ value: ConfigValue) -> [UInt8] {
        // Only whitespace or comments so far: keep them, and put the document after them.
        var text = bytes
        if !text.isEmpty, text.last != UInt8(ascii: "\n") { text += Array(newline.utf8) }
        return text + Array((render(value, indent: "") + newline).utf8)
    }

    private func replacing(_ range: Range<Int>, with value: ConfigValue, at position: Int) -> [UInt8] {
        var text = bytes
        text.replaceSubrange(range, with: Array(render(value, indent: lineIndent(position)).utf8))
        return text
    }

    private func inserting(member key: String, _ value: ConfigValue, into object: Node, members: [Member]) -> [UInt8] {
        let outer = lineIndent(object.range.lowerBound)
        let indent = members.last.flatMap { ownLineIndent($0.keyRange.lowerBound) } ?? outer + indentUnit
        let entry = ConfigValue.quoted(key) + ": " + render(value, indent: indent)
        return inserting(entry, indent: indent, outer: outer, container: object, last: members.last?.value)
    }

    private func inserting(item: ConfigValue, into array: Node, items: [Node]) -> [UInt8] {
        let outer = lineIndent(array.range.lowerBound)
        let indent = items.last.flatMap { ownLineIndent($0.range.lowerBound) } ?? outer + indentUnit
        return inserting(render(item, indent: indent), indent: indent, outer: outer, container: array, last: items.last)
    }

    /// Adds `entry` as the container's last element, on its own line, keeping comments where they stand.
    private func inserting(_ entry: String, indent: String, outer: String, container: Node, last: Node?) -> [UInt8] {
        var text = bytes
        guard let last else {
            let open = container.range.lowerBound + 1
            let close = container.range.upperBound - 1
            if bytes[open..<close].allSatisfy(Self.isSpace) {
                text.replaceSubrange(open..<close, with: Array((newline + indent + entry + newline + outer).utf8))
            } else {
                text.insert(contentsOf: Array((newline + indent + entry).utf8), at: open)
            }
            return text
        }
        if let afterComma = container.trailingCommaEnd {
            text.insert(contentsOf: Array((newline + indent + entry + ",").utf8), at: endOfLine(from: afterComma))
        } else {
            text.insert(contentsOf: Array((newline + indent + entry).utf8), at: endOfLine(from: last.range.upperBound))
            text.insert(UInt8(ascii: ","), at: last.range.upperBound)
        }
        return text
    }

    /// Past spaces and a `//` comment that end the line at `position`; else `position` itself.
    private func endOfLine(from position: Int) -> Int {
        var index = position
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "/"), bytes[index + 1] == UInt8(ascii: "/") {
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            if index > 0, bytes[index - 1] == UInt8(ascii: "\r") { index -= 1 }
            return index
        }
        return position
    }

    private func lineStart(_ position: Int) -> Int {
        var index = position
        while index > 0, bytes[index - 1] != UInt8(ascii: "\n") { index -= 1 }
        return index
    }

    private func lineIndent(_ position: Int) -> String {
        let start = lineStart(position)
        var end = start
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The indentation before `position` when nothing else precedes it on its line.
    private func ownLineIndent(_ position: Int) -> String? {
        let start = lineStart(position)
        guard start > 0, bytes[start..<position].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return nil }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// The file's own indentation step: that of its first indented line; two spaces if none.
    var indentUnit: String {
        var index = 0
        while let newlineIndex = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) {
            var end = newlineIndex + 1
            while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") { end += 1 }
            if end > newlineIndex + 1, end < bytes.count, !Self.isSpace(bytes[end]) {
                return String(decoding: bytes[(newlineIndex + 1)..<end], as: UTF8.self)
            }
            index = newlineIndex + 1
        }
        return "  "
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    // MARK: Rendering

    func render(_ value: ConfigValue, indent: String) -> String {
        let inner = indent + indentUnit
        switch value {
        case let .string(text): return ConfigValue.quoted(text)
        case let .number(number): return ConfigValue.numberText(number)
        case let .bool(flag): return flag ? "true" : "false"
        case .null: return "null"
        case let .array(items):
            guard !items.isEmpty else { return "[]" }
            return "[" + items.map { newline + inner + render($0, indent: inner) }.joined(separator: ",") + newline + indent + "]"
        case let .object(members):
            guard !members.isEmpty else { return "{}" }
            return "{"
                + members.map { newline + inner + ConfigValue.quoted($0.0) + ": " + render($0.1, indent: inner) }.joined(separator: ",")
                + newline + indent + "}"
        }
    }
}
