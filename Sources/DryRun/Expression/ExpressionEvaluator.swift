/// What an expression can see: the contexts (by lowercased name) and the status that `success()`
/// and `failure()` report.
public struct ExpressionContext: Sendable {
    public var values: [String: ExpressionValue]
    /// The job's status, or inside a composite action the action's own (as the runner does).
    public var succeeded: Bool
    /// Where `hashFiles()` looks when the `github` context has no `workspace`.
    public var workspace: String?

    public init(values: [String: ExpressionValue] = [:], succeeded: Bool = true, workspace: String? = nil) {
        self.values = values
        self.succeeded = succeeded
        self.workspace = workspace
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
    /// missing key, gives null; an index into an array is coerced to a number (`a[' 1 ']` is
    /// `a[1]`); `.*` and `[*]` filter. `case()` evaluates only the branch it takes.
    /// `cancelled()` is always false: nothing cancels a local run. The `matrix`, `strategy`,
    /// `needs` and `jobs` contexts are errors where the run provides none. Intermediate results
    /// are limited to 1 MiB, as on GitHub.
    public func evaluate(_ node: ExpressionNode) throws(ExpressionError) -> ExpressionValue {
        var memory = EvaluationMemory()
        return try evaluate(node, level: 0, memory: &memory)
    }

    private func evaluate(_ node: ExpressionNode, level: Int, memory: inout EvaluationMemory) throws(ExpressionError) -> ExpressionValue {
        let value = try evaluateCore(node, level: level, memory: &memory)
        try memory.add(value, at: level)
        return value
    }

    private func evaluateCore(
        _ node: ExpressionNode, level: Int, memory: inout EvaluationMemory
    ) throws(ExpressionError)
        -> ExpressionValue
    {
        let next = level + 1
        switch node {
        case .literal(let value):
            return value
        case .namedValue(let name):
            if let value = values[name] { return value }
            if ["matrix", "strategy", "needs", "jobs"].contains(name) { throw .unsupported("the \(name) context") }
            throw .syntax("Unrecognized named-value: '\(name)' is not available here")
        case .property(let base, let name):
            return try evaluate(base, level: next, memory: &memory).accessed(by: .key(.string(name)))
        case .index(let base, let indexNode):
            let container = try evaluate(base, level: next, memory: &memory)
            return container.accessed(by: .key(try evaluate(indexNode, level: next, memory: &memory)))
        case .filter(let base):
            return try evaluate(base, level: next, memory: &memory).accessed(by: .star)
        case .not(let operand):
            return .bool(!(try evaluate(operand, level: next, memory: &memory).isTruthy))
        case .compare(let op, let leftNode, let rightNode):
            let left = try evaluate(leftNode, level: next, memory: &memory)
            let right = try evaluate(rightNode, level: next, memory: &memory)
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
                result = try evaluate(operand, level: next, memory: &memory)
                if !result.isTruthy { break }
            }
            return result
        case .or(let operands):
            var result = ExpressionValue.null
            for operand in operands {
                result = try evaluate(operand, level: next, memory: &memory)
                if result.isTruthy { break }
            }
            return result
        case .call("case", let argumentNodes):
            var pair = 0
            while pair + 1 < argumentNodes.count {
                guard case .bool(let taken) = try evaluate(argumentNodes[pair], level: next, memory: &memory) else {
                    throw .evaluation("case predicate must evaluate to a boolean value")
                }
                if taken { return try evaluate(argumentNodes[pair + 1], level: next, memory: &memory) }
                pair += 2
            }
            return try evaluate(argumentNodes[argumentNodes.count - 1], level: next, memory: &memory)
        case .call(let name, let argumentNodes):
            var arguments: [ExpressionValue] = []
            for node in argumentNodes { arguments.append(try evaluate(node, level: next, memory: &memory)) }
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
            if search.isPrimitive {
                return .bool(item.isPrimitive && OrdinalIgnoreCase.contains(search.text, item.text))
            }
            if case .array(let array) = search {
                return .bool(array.elements.contains { item.looselyEquals($0) })
            }
            return .bool(false)
        case "startswith", "endswith":
            let (text, affix) = (arguments[0], arguments[1])
            guard text.isPrimitive, affix.isPrimitive else { return .bool(false) }
            return .bool(
                name == "startswith"
                    ? OrdinalIgnoreCase.hasPrefix(text.text, affix.text) : OrdinalIgnoreCase.hasSuffix(text.text, affix.text))
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
            return .string(try hashFiles(arguments.map(\.text)))
        default:
            throw .syntax("Unrecognized function: '\(name)'")
        }
    }

    /// `hashFiles()` under `github.workspace` (the runner reads `host_workspace` first).
    private func hashFiles(_ arguments: [String]) throws(ExpressionError) -> String {
        var root = workspace
        if case .object(let github) = values["github"] {
            for key in ["workspace", "host_workspace"] {
                if case .string(let folder) = github[key], !folder.isEmpty { root = folder }
            }
        }
        guard let root else { throw .evaluation("hashFiles() needs github.workspace, the folder its patterns are relative to") }
        var patterns = arguments
        var followSymbolicLinks = false
        if let first = patterns.first, first.hasPrefix("--") {
            guard first.lowercased() == "--follow-symbolic-links" else {
                throw .evaluation("Invalid glob option \(first), available option: '--follow-symbolic-links'.")
            }
            followSymbolicLinks = true
            patterns.removeFirst()
        }
        return try HashFiles(workspace: root, followSymbolicLinks: followSymbolicLinks).hash(patterns)
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

/// GitHub's limit on the memory an evaluation holds (the runner's `EvaluationMemory`): each
/// result counts at its depth in the tree (a string 26 bytes plus 2 a UTF-16 unit, anything else
/// 24), and a primitive result releases what its operands held. Beyond 1 MiB, the evaluation
/// fails, so `format()` cannot build a string that would not fit on GitHub either.
struct EvaluationMemory {
    static let limit = 1_048_576

    private var levels: [Int] = []
    private var total = 0

    mutating func add(_ value: ExpressionValue, at level: Int) throws(ExpressionError) {
        if value.isPrimitive {
            while levels.count > level + 1 { total -= levels.removeLast() }
        }
        while levels.count <= level { levels.append(0) }
        let bytes = if case .string(let text) = value { 26 + 2 * text.utf16.count } else { 24 }
        levels[level] += bytes
        total += bytes
        guard total <= Self.limit else {
            throw .evaluation(
                "The maximum allowed memory size was exceeded while evaluating the expression (1 MiB of intermediate results)")
        }
    }
}
