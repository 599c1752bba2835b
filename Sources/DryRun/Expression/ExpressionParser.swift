/// A parsed expression.
public indirect enum ExpressionNode: Sendable, Equatable {
    case literal(ExpressionValue)
    /// A context such as `github` or `steps`, lowercased.
    case namedValue(String)
    /// `a.b`, and `a['b']` with a literal string.
    case property(ExpressionNode, String)
    /// `a[expr]`.
    case index(ExpressionNode, ExpressionNode)
    /// `a.*` or `a[*]`, GitHub's object filter: parsed so that the error can name it.
    case filter(ExpressionNode)
    case not(ExpressionNode)
    case compare(ComparisonOperator, ExpressionNode, ExpressionNode)
    case and([ExpressionNode])
    case or([ExpressionNode])
    /// A function, its name lowercased.
    case call(String, [ExpressionNode])

    /// Whether the expression calls `success()`, `failure()`, `always()` or `cancelled()`; an `if:`
    /// that does not is run as `success() && (…)`.
    public var callsStatusFunction: Bool {
        switch self {
        case .literal, .namedValue: false
        case .property(let base, _), .filter(let base), .not(let base): base.callsStatusFunction
        case .index(let base, let index): base.callsStatusFunction || index.callsStatusFunction
        case .compare(_, let left, let right): left.callsStatusFunction || right.callsStatusFunction
        case .and(let nodes), .or(let nodes): nodes.contains { $0.callsStatusFunction }
        case .call(let name, let arguments):
            ExpressionParser.statusFunctions.contains(name) || arguments.contains { $0.callsStatusFunction }
        }
    }
}

public enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// Parses an expression (the text between `${{` and `}}`, or a bare `if:`).
///
/// Precedence from loosest to tightest, as on GitHub: `||`, `&&`, `==` `!=`, `<` `<=` `>` `>=`,
/// `!`, then property access, indexing and calls. Function names and context names are checked
/// here, so a typo fails before any step runs.
public struct ExpressionParser {
    static let statusFunctions: Set<String> = ["success", "failure", "always", "cancelled"]

    /// Each function GitHub knows, with its least and greatest argument count.
    static let functions: [String: ClosedRange<Int>] = [
        "contains": 2...2, "startswith": 2...2, "endswith": 2...2, "format": 1...255, "join": 1...2,
        "tojson": 1...1, "fromjson": 1...1, "hashfiles": 1...255,
        "success": 0...0, "failure": 0...0, "always": 0...0, "cancelled": 0...0,
    ]

    /// Every named value GitHub knows; which ones a field may use is decided at evaluation.
    static let namedValues: Set<String> = [
        "github", "env", "inputs", "steps", "secrets", "vars", "runner", "job", "matrix", "strategy", "needs", "jobs",
    ]

    private let source: String
    private let tokens: [ExpressionToken]
    private var position = 0

    public static func parse(_ source: String) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(source: source, tokens: try ExpressionLexer.tokens(source))
        guard !parser.tokens.isEmpty else { throw .syntax("An expression was expected") }
        let node = try parser.or()
        guard parser.position == parser.tokens.count else { throw parser.unexpected() }
        return node
    }

    private init(source: String, tokens: [ExpressionToken]) {
        self.source = source
        self.tokens = tokens
    }

    private var current: ExpressionToken? { position < tokens.count ? tokens[position] : nil }

    private mutating func take(_ token: ExpressionToken) -> Bool {
        guard current == token else { return false }
        position += 1
        return true
    }

    private func unexpected() -> ExpressionError {
        guard let token = current else { return .syntax("Unexpected end of expression: \(source)") }
        return .syntax("Unexpected symbol: '\(token.lexeme)'. Located at token \(position + 1) within expression: \(source)")
    }

    private mutating func or() throws(ExpressionError) -> ExpressionNode {
        var operands = [try and()]
        while take(.or) { operands.append(try and()) }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func and() throws(ExpressionError) -> ExpressionNode {
        var operands = [try equality()]
        while take(.and) { operands.append(try equality()) }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func equality() throws(ExpressionError) -> ExpressionNode {
        var node = try comparison()
        while let token = current, let op = [ExpressionToken.equal: ComparisonOperator.equal, .notEqual: .notEqual][token] {
            position += 1
            node = .compare(op, node, try comparison())
        }
        return node
    }

    private mutating func comparison() throws(ExpressionError) -> ExpressionNode {
        var node = try unary()
        let operators: [ExpressionToken: ComparisonOperator] = [
            .less: .less, .lessOrEqual: .lessOrEqual, .greater: .greater, .greaterOrEqual: .greaterOrEqual,
        ]
        while let token = current, let op = operators[token] {
            position += 1
            node = .compare(op, node, try unary())
        }
        return node
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        if take(.not) { return .not(try unary()) }
        return try postfix()
    }

    private mutating func postfix() throws(ExpressionError) -> ExpressionNode {
        var node = try primary()
        while true {
            if take(.dot) {
                switch current {
                case .identifier(let name):
                    position += 1
                    node = .property(node, name)
                case .star:
                    position += 1
                    node = .filter(node)
                default:
                    throw unexpected()
                }
            } else if take(.leftBracket) {
                if take(.star) {
                    node = .filter(node)
                } else {
                    let index = try or()
                    if case .literal(.string(let name)) = index {
                        node = .property(node, name)
                    } else {
                        node = .index(node, index)
                    }
                }
                guard take(.rightBracket) else { throw unexpected() }
            } else {
                return node
            }
        }
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        guard let token = current else { throw unexpected() }
        position += 1
        switch token {
        case .number(let value): return .literal(.number(value))
        case .string(let value): return .literal(.string(value))
        case .keyword(let value): return .literal(value)
        case .leftParen:
            let inner = try or()
            guard take(.rightParen) else { throw unexpected() }
            return inner
        case .identifier(let name):
            let lowered = name.lowercased()
            if take(.leftParen) {
                guard let arity = Self.functions[lowered] else {
                    throw .syntax("Unrecognized function: '\(name)'. Located within expression: \(source)")
                }
                var arguments: [ExpressionNode] = []
                if !take(.rightParen) {
                    repeat { arguments.append(try or()) } while take(.comma)
                    guard take(.rightParen) else { throw unexpected() }
                }
                guard arity.contains(arguments.count) else {
                    let bound = arguments.count < arity.lowerBound ? "Too few" : "Too many"
                    throw .syntax("\(bound) parameters supplied: '\(name)'. Located within expression: \(source)")
                }
                return .call(lowered, arguments)
            }
            guard Self.namedValues.contains(lowered) else {
                throw .syntax("Unrecognized named-value: '\(name)'. Located within expression: \(source)")
            }
            return .namedValue(lowered)
        default:
            position -= 1
            throw unexpected()
        }
    }
}

extension ExpressionToken: Hashable {
    func hash(into hasher: inout Hasher) {
        hasher.combine(lexeme)
    }

    var lexeme: String {
        switch self {
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .comma: ","
        case .dot: "."
        case .not: "!"
        case .notEqual: "!="
        case .equal: "=="
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .less: "<"
        case .lessOrEqual: "<="
        case .and: "&&"
        case .or: "||"
        case .star: "*"
        case .number(let value): ExpressionValue.format(value)
        case .string(let value): "'\(value)'"
        case .identifier(let name): name
        case .keyword(let value): value == .null ? "null" : value.text
        }
    }
}
