import Yams

/// How a scalar was written: null (`~`, `null`, nothing), plain, or quoted (or a block scalar).
/// Only ``YAMLNode/typedValue`` reads the difference: a plain `3.10` is the number 3.1 there, as
/// on GitHub, a quoted `'3.10'` the string.
enum YAMLScalarKind: Sendable, Equatable {
    case null, plain, quoted
}

/// A YAML document as plain values with their line numbers, read with Yams (aliases resolved).
/// Keys are kept as written and in order; scalars as their text, so `on`, `yes` and `1.10` stay
/// strings (``typedValue`` gives the typed reading, for matrices).
indirect enum YAMLNode: Sendable {
    case scalar(String, kind: YAMLScalarKind, line: Int)
    case sequence([YAMLNode], line: Int)
    case mapping([(key: String, value: YAMLNode)], line: Int)

    var line: Int {
        switch self {
        case .scalar(_, _, let line), .sequence(_, let line), .mapping(_, let line): line
        }
    }

    static func load(_ text: String, file: String) throws(DryRunError) -> YAMLNode {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw DryRunError("\(file): not valid YAML: \(error)")
        }
        guard let root else { throw DryRunError("\(file): the file is empty") }
        return try convert(root, file: file)
    }

    private static func convert(_ node: Node, file: String) throws(DryRunError) -> YAMLNode {
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            let plain = scalar.style == .plain || scalar.style == .any
            let kind: YAMLScalarKind =
                plain ? (["", "~", "null", "Null", "NULL"].contains(scalar.string) ? .null : .plain) : .quoted
            return .scalar(scalar.string, kind: kind, line: line)
        case .sequence(let sequence):
            var items: [YAMLNode] = []
            for item in sequence { items.append(try convert(item, file: file)) }
            return .sequence(items, line: line)
        case .mapping(let mapping):
            var pairs: [(key: String, value: YAMLNode)] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw DryRunError("\(file):\(line): a mapping key must be a plain value")
                }
                if keyScalar.string == "<<" {
                    throw DryRunError("\(file):\(line): YAML merge keys (<<) are not supported")
                }
                pairs.append((keyScalar.string, try convert(value, file: file)))
            }
            return .mapping(pairs, line: line)
        case .alias:
            throw DryRunError("\(file):\(line): unresolved YAML alias")
        }
    }

    // MARK: Reading with messages that name the file and the key

    /// The text of a scalar; nil for null.
    func string(_ what: String, at location: SourceLocation) throws(DryRunError) -> String? {
        guard case .scalar(let text, let kind, _) = self else {
            throw location.with(line: line).error("\(what) must be a single value")
        }
        return kind == .null ? nil : text
    }

    /// The pairs of a mapping; empty for null.
    func pairs(_ what: String, at location: SourceLocation) throws(DryRunError) -> [(key: String, value: YAMLNode)] {
        switch self {
        case .mapping(let pairs, _): return pairs
        case .scalar(_, .null, _): return []
        default: throw location.with(line: line).error("\(what) must be a mapping")
        }
    }

    func items(_ what: String, at location: SourceLocation) throws(DryRunError) -> [YAMLNode] {
        switch self {
        case .sequence(let items, _): return items
        case .scalar(_, .null, _): return []
        default: throw location.with(line: line).error("\(what) must be a list")
        }
    }

    /// A list of strings, or one string standing for a list of one.
    func strings(_ what: String, at location: SourceLocation) throws(DryRunError) -> [String] {
        if case .scalar = self { return try string(what, at: location).map { [$0] } ?? [] }
        var result: [String] = []
        for item in try items(what, at: location) {
            if let text = try item.string(what, at: location) { result.append(text) }
        }
        return result
    }
}

extension YAMLNode {
    /// The value as GitHub reads it into a context (a matrix, `with:` of a reusable workflow):
    /// plain `true`/`false` booleans, plain numbers (YAML 1.2 core schema: `10`, `3.10` is 3.1,
    /// `0x1F`, `1e3`) numbers, null, quoted text strings; sequences arrays, mappings objects.
    var typedValue: ExpressionValue {
        switch self {
        case .scalar(_, .null, _): return .null
        case .scalar(let text, .quoted, _): return .string(text)
        case .scalar(let text, .plain, _):
            if ["true", "True", "TRUE"].contains(text) { return .bool(true) }
            if ["false", "False", "FALSE"].contains(text) { return .bool(false) }
            if let number = Self.yamlNumber(text) { return .number(number) }
            return .string(text)
        case .sequence(let items, _): return .array(ExpressionArray(items.map(\.typedValue)))
        case .mapping(let pairs, _): return .object(pairs.map { ($0.key, $0.value.typedValue) })
        }
    }

    /// A YAML 1.2 core-schema number: `[-+]?[0-9]+`, `0o` octal, `0x` hex, decimals with an
    /// optional exponent, `.inf`, `.nan`.
    static func yamlNumber(_ text: String) -> Double? {
        if [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].contains(text) { return .infinity }
        if ["-.inf", "-.Inf", "-.INF"].contains(text) { return -.infinity }
        if [".nan", ".NaN", ".NAN"].contains(text) { return .nan }
        if text.hasPrefix("0x"), let value = UInt64(text.dropFirst(2), radix: 16) { return Double(value) }
        if text.hasPrefix("0o"), let value = UInt64(text.dropFirst(2), radix: 8) { return Double(value) }
        let allowed = Set("0123456789+-.eE")
        guard let first = text.first, "0123456789+-.".contains(first), text.allSatisfy(allowed.contains),
            text.contains(where: \.isNumber)
        else { return nil }
        return Double(text)
    }
}

extension [(key: String, value: YAMLNode)] {
    subscript(key: String) -> YAMLNode? {
        first { $0.key == key }?.value
    }

    /// Fails on a key GitHub would not accept there, so a typo is not silently ignored.
    func checkKeys(_ allowed: Set<String>, in what: String, at location: SourceLocation) throws(DryRunError) {
        for pair in self where !allowed.contains(pair.key) {
            throw location.with(line: pair.value.line).error(
                "\(what): unexpected key '\(pair.key)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

extension SourceLocation {
    func with(line: Int) -> SourceLocation {
        var copy = self
        copy.line = line > 0 ? line : nil
        return copy
    }
}
