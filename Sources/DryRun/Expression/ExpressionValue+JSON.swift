import JSONText

extension ExpressionValue {
    /// `toJSON()`: indented by two spaces, keys in their order, `{}` and `[]` when empty; strings
    /// with `\b`, `\f` and lowercase `\u00xx` for control characters (`JSONString`'s default style).
    public func json(indent: String = "") -> String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let value):
            if value.isNaN || value.isInfinite { return "\"\(Self.format(value))\"" }
            return Self.format(value)
        case .string(let value): return JSONString.quoted(value)
        case .array(let array):
            if array.elements.isEmpty { return "[]" }
            let inner = indent + "  "
            return "[\n" + array.elements.map { inner + $0.json(indent: inner) }.joined(separator: ",\n") + "\n\(indent)]"
        case .object(let object):
            if object.entries.isEmpty { return "{}" }
            let inner = indent + "  "
            let members = object.entries.map { inner + JSONString.quoted($0.key) + ": " + $0.value.json(indent: inner) }
            return "{\n" + members.joined(separator: ",\n") + "\n\(indent)}"
        }
    }

    /// The deepest nesting `fromJSON()` reads: a step's output of a hundred thousand `[` must fail
    /// the expression, not the run's stack when the value is torn down.
    public static let maximumJSONDepth = 1_000

    /// `fromJSON()`: any JSON value; numbers become doubles, objects keep their key order.
    public static func parseJSON(_ text: String) throws(ExpressionError) -> ExpressionValue {
        let bytes = Array(text.utf8)
        var reader = JSONReader(bytes, options: JSONReader.Options(maximumDepth: maximumJSONDepth, checksSurrogatePairs: true))
        do throws(JSONTextError) {
            let value = try reader.value(
                scalar: { scalar, range throws(JSONTextError) -> ExpressionValue in
                    switch scalar {
                    case let .string(text): return .string(text)
                    case let .number(number):
                        guard number.isFinite else { throw JSONTextError(at: range.lowerBound, "a number out of range") }
                        return .number(number)
                    case let .bool(value): return .bool(value)
                    case .null: return .null
                    }
                },
                array: { elements, _, _ in .array(ExpressionArray(elements)) },
                object: { members, _, _ in .object(ExpressionObject(members.map { ($0.key, $0.value) })) })
            guard let value else { throw JSONTextError(at: reader.index, "expected a value") }
            return value
        } catch {
            let character = String(decoding: bytes[..<min(error.offset, bytes.count)], as: UTF8.self).unicodeScalars.count + 1
            throw .evaluation("fromJSON: invalid JSON at character \(character): \(error.reason)")
        }
    }
}
