/// What an expression can see: the contexts (by lowercased name) and the status that `success()`
/// and `failure()` report.
public struct ExpressionContext: Sendable {
    public var values: [String: ExpressionValue]
    /// The job's status, or inside a composite action the action's own (as the runner does).
    public var succeeded: Bool

    public init(values: [String: ExpressionValue] = [:], succeeded: Bool = true) {
        self.values = values
        self.succeeded = succeeded
    }

    public subscript(name: String) -> ExpressionValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// Evaluates a parsed expression.
    ///
    /// Operators and functions follow GitHub: `&&` and `||` return an operand (`a || 'x'` is `a`
    /// when `a` is truthy), `!` a boolean; comparisons coerce as described in
    /// ``ExpressionValue/looselyEquals(_:)``; property access on anything but an object, or a
    /// missing key, gives null. `cancelled()` is always false: nothing cancels a dry run.
    /// `hashFiles()`, the `.*` filter and the `matrix`, `strategy`, `needs` and `jobs` contexts are
    /// errors.
    public func evaluate(_ node: ExpressionNode) throws(ExpressionError) -> ExpressionValue {
        switch node {
        case .literal(let value):
            return value
        case .namedValue(let name):
            if let value = values[name] { return value }
            if ["matrix", "strategy", "needs", "jobs"].contains(name) { throw .unsupported("the \(name) context") }
            throw .syntax("Unrecognized named-value: '\(name)' is not available here")
        case .property(let base, let name):
            guard case .object(let object) = try evaluate(base) else { return .null }
            return object[name] ?? .null
        case .index(let base, let indexNode):
            let index = try evaluate(indexNode)
            switch try evaluate(base) {
            case .array(let array):
                let number = index.number
                guard number.isFinite, number >= 0, number == number.rounded(.down), Int(number) < array.elements.count else {
                    return .null
                }
                return array.elements[Int(number)]
            case .object(let object):
                guard index.isPrimitive else { return .null }
                return object[index.text] ?? .null
            default:
                return .null
            }
        case .filter:
            throw .unsupported("the object filter .* (or [*])")
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .compare(let op, let leftNode, let rightNode):
            let left = try evaluate(leftNode)
            let right = try evaluate(rightNode)
            switch op {
            case .equal: return .bool(left.looselyEquals(right))
            case .notEqual: return .bool(!left.looselyEquals(right))
            case .less: return .bool(left.isLess(than: right))
            case .lessOrEqual: return .bool(left.looselyEquals(right) || left.isLess(than: right))
            case .greater: return .bool(left.isGreater(than: right))
            case .greaterOrEqual: return .bool(left.looselyEquals(right) || left.isGreater(than: right))
            }
        case .and(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand)
                if !result.isTruthy { break }
            }
            return result
        case .or(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand)
                if result.isTruthy { break }
            }
            return result
        case .call(let name, let argumentNodes):
            var arguments: [ExpressionValue] = []
            for node in argumentNodes { arguments.append(try evaluate(node)) }
            return try call(name, arguments)
        }
    }

    private func call(_ name: String, _ arguments: [ExpressionValue]) throws(ExpressionError) -> ExpressionValue {
        switch name {
        case "success": return .bool(succeeded)
        case "failure": return .bool(!succeeded)
        case "always": return .bool(true)
        case "cancelled": return .bool(false)
        case "contains":
            let (search, item) = (arguments[0], arguments[1])
            if search.isPrimitive, item.isPrimitive {
                return .bool(search.text.lowercased().contains(item.text.lowercased()))
            }
            if case .array(let array) = search {
                return .bool(array.elements.contains { item.looselyEquals($0) })
            }
            return .bool(false)
        case "startswith", "endswith":
            let (text, affix) = (arguments[0], arguments[1])
            guard text.isPrimitive, affix.isPrimitive else { return .bool(false) }
            let (whole, part) = (text.text.uppercased(), affix.text.uppercased())
            return .bool(name == "startswith" ? whole.hasPrefix(part) : whole.hasSuffix(part))
        case "format":
            return .string(try Self.format(arguments[0].text, Array(arguments.dropFirst())))
        case "join":
            if arguments[0].isPrimitive { return .string(arguments[0].text) }
            guard case .array(let array) = arguments[0] else { return .string("") }
            let separator = arguments.count > 1 && arguments[1].isPrimitive ? arguments[1].text : ","
            return .string(array.elements.map(\.text).joined(separator: separator))
        case "tojson":
            return .string(arguments[0].json())
        case "fromjson":
            return try ExpressionValue.parseJSON(arguments[0].text)
        case "hashfiles":
            throw .unsupported("hashFiles()")
        default:
            throw .syntax("Unrecognized function: '\(name)'")
        }
    }

    /// `format()`: `{N}` takes argument N, `{{` and `}}` are literal braces; anything else with a
    /// brace, or an N beyond the arguments, is an error as on GitHub.
    static func format(_ pattern: String, _ arguments: [ExpressionValue]) throws(ExpressionError) -> String {
        let characters = Array(pattern)
        var result = ""
        var index = 0
        let invalid = ExpressionError.evaluation("The following format string is invalid: \(pattern)")
        while index < characters.count {
            let character = characters[index]
            if character == "{" {
                if index + 1 < characters.count, characters[index + 1] == "{" {
                    result.append("{")
                    index += 2
                    continue
                }
                var end = index + 1
                while end < characters.count, characters[end].isASCII, characters[end].isNumber { end += 1 }
                guard end > index + 1, end < characters.count, characters[end] == "}",
                    let argument = Int(String(characters[index + 1..<end]))
                else {
                    throw invalid
                }
                guard argument < arguments.count else {
                    throw .evaluation("The following format string references more arguments than were supplied: \(pattern)")
                }
                result += arguments[argument].text
                index = end + 1
            } else if character == "}" {
                guard index + 1 < characters.count, characters[index + 1] == "}" else { throw invalid }
                result.append("}")
                index += 2
            } else {
                result.append(character)
                index += 1
            }
        }
        return result
    }
}
