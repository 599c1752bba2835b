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
