import Foundation

/// A value in a GitHub Actions expression: null, boolean, number, string, array or object.
///
/// Arrays and objects are references, as on GitHub: `==` compares them by identity, so
/// `github.event == github.event` is true but two equal-looking objects from `fromJSON` are not.
/// Swift's `==` (for tests) compares structure instead; the expression operator is
/// ``looselyEquals(_:)``.
public enum ExpressionValue: Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array(ExpressionArray)
    case object(ExpressionObject)

    /// GitHub's truthiness: null, false, 0, NaN and '' are false; everything else (arrays and
    /// objects included) is true.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number(let value): value != 0 && !value.isNaN
        case .string(let value): !value.isEmpty
        case .array, .object: true
        }
    }

    /// The value as text, as GitHub puts it into a string: null is '', numbers use at most 15
    /// significant digits, arrays and objects become `Array` and `Object`.
    public var text: String {
        switch self {
        case .null: ""
        case .bool(let value): value ? "true" : "false"
        case .number(let value): Self.format(value)
        case .string(let value): value
        case .array: "Array"
        case .object: "Object"
        }
    }

    public var description: String { text }

    /// The value as a number, as GitHub coerces operands of different kinds: null is 0, booleans
    /// 1 and 0, strings are parsed (empty or blank is 0, `0x` hex, `0o` octal, exponents,
    /// `Infinity`; anything else NaN), arrays and objects NaN.
    public var number: Double {
        switch self {
        case .null: 0
        case .bool(let value): value ? 1 : 0
        case .number(let value): value
        case .string(let value): Self.parseNumber(value) ?? .nan
        case .array, .object: .nan
        }
    }

    var isPrimitive: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private var kind: Int {
        switch self {
        case .null: 0
        case .bool: 1
        case .number: 2
        case .string: 3
        case .array: 4
        case .object: 5
        }
    }

    /// GitHub's `==`: operands of different kinds are compared as numbers (null and booleans always
    /// are), strings ignoring case the ordinal way (``OrdinalIgnoreCase``), arrays and objects are
    /// equal only to themselves, NaN to nothing.
    public func looselyEquals(_ other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): OrdinalIgnoreCase.equal(left, right)
        case (.array(let left), .array(let right)): left === right
        case (.object(let left), .object(let right)): left === right
        default: false
        }
    }

    /// GitHub's `<`, with the coercions of ``looselyEquals(_:)``; values of different kinds after
    /// coercion (an object and a string, say) are never ordered.
    public func isLess(than other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case (.bool(let left), .bool(let right)): !left && right
        case (.number(let left), .number(let right)): left < right
        case (.string(let left), .string(let right)): OrdinalIgnoreCase.compare(left, right) < 0
        default: false
        }
    }

    public func isGreater(than other: ExpressionValue) -> Bool {
        switch Self.coerce(self, other) {
        case (.bool(let left), .bool(let right)): left && !right
        case (.number(let left), .number(let right)): left > right
        case (.string(let left), .string(let right)): OrdinalIgnoreCase.compare(left, right) > 0
        default: false
        }
    }

    /// The abstract-equality coercion: same kinds stay; number against string makes both
    /// numbers; null or a boolean on either side becomes a number and the pair is coerced again.
    private static func coerce(_ left: ExpressionValue, _ right: ExpressionValue) -> (ExpressionValue, ExpressionValue) {
        if left.kind == right.kind { return (left, right) }
        switch (left, right) {
        case (.number, .string): return (left, .number(right.number))
        case (.string, .number): return (.number(left.number), right)
        case (.null, _), (.bool, _): return coerce(.number(left.number), right)
        case (_, .null), (_, .bool): return coerce(left, .number(right.number))
        default: return (left, right)
        }
    }

    public static func == (left: ExpressionValue, right: ExpressionValue) -> Bool {
        switch (left, right) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a.elements == b.elements
        case (.object(let a), .object(let b)):
            a.entries.map(\.key) == b.entries.map(\.key) && a.entries.map(\.value) == b.entries.map(\.value)
        default: false
        }
    }

    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(format: "%.15G", value)
    }

    static func parseNumber(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return 0 }
        var body = Substring(trimmed)
        var sign = 1.0
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        if body == "Infinity" { return sign * .infinity }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.lowercased().hasPrefix(prefix) {
            guard trimmed.first != "-", trimmed.first != "+", body.count > 2 else { return nil }
            var value = 0.0
            for character in body.dropFirst(2) {
                guard let digit = character.hexDigitValue, digit < radix else { return nil }
                value = value * Double(radix) + Double(digit)
            }
            return value
        }
        // Digits with an optional fraction and exponent; Double() alone would also take "inf" and "nan".
        var sawDigit = false
        var index = body.startIndex
        func digits() {
            while index < body.endIndex, body[index].isASCII, body[index].isNumber {
                sawDigit = true
                index = body.index(after: index)
            }
        }
        digits()
        if index < body.endIndex, body[index] == "." {
            index = body.index(after: index)
            digits()
        }
        guard sawDigit else { return nil }
        if index < body.endIndex, body[index] == "e" || body[index] == "E" {
            index = body.index(after: index)
            if index < body.endIndex, body[index] == "+" || body[index] == "-" { index = body.index(after: index) }
            sawDigit = false
            digits()
            guard sawDigit else { return nil }
        }
        guard index == body.endIndex, let value = Double(body) else { return nil }
        return sign * value
    }
}

/// An array value; a reference, so that `==` can compare identity as GitHub does.
public final class ExpressionArray: Sendable {
    public let elements: [ExpressionValue]
    /// Made by the object filter (`.*`, `[*]`): a property access or index applies to each item.
    public let isFiltered: Bool

    public init(_ elements: [ExpressionValue], filtered: Bool = false) {
        self.elements = elements
        self.isFiltered = filtered
    }
}

/// An object value with its keys in insertion order. Keys are looked up ignoring case (the ordinal
/// way, ``OrdinalIgnoreCase``), as in every GitHub context except `env` (case-sensitive on Linux
/// runners).
public final class ExpressionObject: Sendable {
    public struct Entry: Sendable {
        public let key: String
        public let value: ExpressionValue
    }

    public let entries: [Entry]
    public let caseSensitive: Bool
    private let index: [String: Int]

    public init(_ pairs: [(String, ExpressionValue)], caseSensitive: Bool = false) {
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        for (key, value) in pairs {
            let lookup = caseSensitive ? key : OrdinalIgnoreCase.key(key)
            if let existing = index[lookup] {
                entries[existing] = Entry(key: key, value: value)
            } else {
                index[lookup] = entries.count
                entries.append(Entry(key: key, value: value))
            }
        }
        self.entries = entries
        self.index = index
        self.caseSensitive = caseSensitive
    }

    public subscript(key: String) -> ExpressionValue? {
        index[caseSensitive ? key : OrdinalIgnoreCase.key(key)].map { entries[$0].value }
    }
}

extension ExpressionValue {
    /// An object of strings, for contexts built from name/value lists.
    static func strings(_ pairs: [(String, String)], caseSensitive: Bool = false) -> ExpressionValue {
        .object(ExpressionObject(pairs.map { ($0.0, .string($0.1)) }, caseSensitive: caseSensitive))
    }

    static func object(_ pairs: [(String, ExpressionValue)]) -> ExpressionValue {
        .object(ExpressionObject(pairs))
    }
}

/// What follows a value in `a.b`, `a[i]`, `a.*` or `a[*]`.
enum ExpressionAccess {
    case key(ExpressionValue)
    case star
}

extension ExpressionValue {
    /// The value's property, item or filtered values, as GitHub's index operator gives them
    /// (actions/languageservices `expressions/src/evaluator.ts`, `idxHelper.ts`).
    ///
    /// An object is looked up by the key as text, when the key is a primitive (`a[1]` reads key
    /// `1`); an array by the key as a number, rounded down (`a['1']` and `a[' 0x1 ']` read item 1,
    /// `a[true]` item 1, `a[null]` item 0); a missing key, a bad index or anything else gives null.
    /// `*` gives an object's values or an array's items as a filtered array, or an empty one for
    /// anything else; accessing a filtered array applies to each item and keeps what is found.
    func accessed(by access: ExpressionAccess) -> ExpressionValue {
        if case .array(let array) = self, array.isFiltered {
            var found: [ExpressionValue] = []
            for item in array.elements {
                switch (item, access) {
                case (.object(let object), .star): found += object.entries.map(\.value)
                case (.array(let items), .star): found += items.elements
                case (.object(let object), .key(let key)):
                    if key.isPrimitive, let value = object[key.text] { found.append(value) }
                case (.array(let items), .key(let key)):
                    if let index = key.arrayIndex, index < items.elements.count { found.append(items.elements[index]) }
                default: break
                }
            }
            return .array(ExpressionArray(found, filtered: true))
        }
        switch (self, access) {
        case (.object(let object), .star): return .array(ExpressionArray(object.entries.map(\.value), filtered: true))
        case (.array(let array), .star): return .array(ExpressionArray(array.elements, filtered: true))
        case (_, .star): return .array(ExpressionArray([], filtered: true))
        case (.object(let object), .key(let key)):
            guard key.isPrimitive else { return .null }
            return object[key.text] ?? .null
        case (.array(let array), .key(let key)):
            guard let index = key.arrayIndex, index < array.elements.count else { return .null }
            return array.elements[index]
        default: return .null
        }
    }

    /// The value as an array index: its number rounded down, when finite and not negative.
    private var arrayIndex: Int? {
        let value = number
        guard value.isFinite, value >= 0, value < Double(Int.max) else { return nil }
        return Int(value.rounded(.down))
    }
}
