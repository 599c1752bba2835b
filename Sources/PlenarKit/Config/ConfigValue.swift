import JSONText

/// A configuration value with its members in the order they are written, so an entry plenar
/// adds reads the way a person would write it. Equality ignores member order, as the clients do.
public indirect enum ConfigValue: Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([ConfigValue])
    case object([(String, ConfigValue)])

    public subscript(key: String) -> ConfigValue? {
        guard case let .object(members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    public var string: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    public var array: [ConfigValue]? {
        if case let .array(items) = self { return items }
        return nil
    }

    /// Every string in the value, keys excluded.
    public var strings: [String] {
        switch self {
        case let .string(text): [text]
        case let .array(items): items.flatMap(\.strings)
        case let .object(members): members.flatMap(\.1.strings)
        default: []
        }
    }

    public static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)): a == b
        case let (.number(a), .number(b)): a == b
        case let (.bool(a), .bool(b)): a == b
        case (.null, .null): true
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): Self.members(a) == Self.members(b)
        default: false
        }
    }

    /// Members as the clients read them: a repeated key keeps its last value.
    private static func members(_ list: [(String, ConfigValue)]) -> [String: ConfigValue] {
        var result: [String: ConfigValue] = [:]
        for (key, value) in list { result[key] = value }
        return result
    }
}

extension ConfigValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension ConfigValue {
    /// A string as a double-quoted literal that JSON and TOML both read the same way: `"`, `\`,
    /// line feed, carriage return and tab by their short escapes, other control characters (and
    /// DEL) as `\u00XX`.
    static func quoted(_ text: String) -> String {
        JSONString.quoted(text, quoting)
    }

    static let quoting = JSONString.Style(uppercaseHex: true, shortBackspaceAndFormFeed: false, escapesDelete: true)

    /// A number as both formats write it: whole numbers without a fraction.
    static func numberText(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
    }

    /// Each value plenar owns in an entry, by its path: nested objects are opened, so a header
    /// is one leaf and the user's own headers are not plenar's.
    static func leaves(_ members: [(String, ConfigValue)]) -> [([String], ConfigValue)] {
        members.flatMap { key, value -> [([String], ConfigValue)] in
            if case let .object(inner) = value, !inner.isEmpty {
                return leaves(inner).map { ([key] + $0.0, $0.1) }
            }
            return [([key], value)]
        }
    }
}

extension ConfigValue {
    /// A value as the JSON reader decoded it.
    init(_ scalar: JSONScalar) {
        switch scalar {
        case let .string(text): self = .string(text)
        case let .number(number): self = .number(number)
        case let .bool(value): self = .bool(value)
        case .null: self = .null
        }
    }
}
