/// A parsed expression.
public indirect enum ExpressionNode: Sendable, Equatable {
    case literal(ExpressionValue)
    /// A context such as `github` or `steps`, lowercased.
    case namedValue(String)
    /// `a.b`, and `a['b']` with a literal string.
    case property(ExpressionNode, String)
    /// `a[expr]`.
    case index(ExpressionNode, ExpressionNode)
    /// `a.*` or `a[*]`, GitHub's object filter: the values of an object or the items of an array,
    /// as an array whose further property accesses and indexes apply to each item.
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

    /// The named values (contexts) the expression reads, lowercased.
    public var namedValues: Set<String> {
        switch self {
        case .literal: []
        case .namedValue(let name): [name]
        case .property(let base, _), .filter(let base), .not(let base): base.namedValues
        case .index(let base, let index): base.namedValues.union(index.namedValues)
        case .compare(_, let left, let right): left.namedValues.union(right.namedValues)
        case .and(let nodes), .or(let nodes), .call(_, let nodes): nodes.reduce(into: []) { $0.formUnion($1.namedValues) }
        }
    }
}

public enum ComparisonOperator: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

/// Parses an expression (the text between `${{` and `}}`, or a bare `if:`) the way GitHub's parser
/// does (actions/languageservices `expressions/src/parser.ts`, the runner's `ExpressionParser.cs`).
///
/// Precedence from loosest to tightest: `||`, `&&`, `==` `!=`, `<` `<=` `>` `>=`, `!`, then
/// property access, indexing and calls; property access and indexing follow only a context, a
/// call or a parenthesised expression. Function names, argument counts and context names are
/// checked here, so a typo fails before any step runs. Nesting deeper than 50 is refused, as on
/// GitHub; the empty expression is null.
public struct ExpressionParser {
    static let statusFunctions: Set<String> = ["success", "failure", "always", "cancelled"]

    /// GitHub refuses expressions nested deeper than this.
    static let maximumDepth = 50

    /// Each function GitHub knows, with its least and greatest argument count.
    static let functions: [String: ClosedRange<Int>] = [
        "contains": 2...2, "startswith": 2...2, "endswith": 2...2, "format": 1...255, "join": 1...2,
        "tojson": 1...1, "fromjson": 1...1, "hashfiles": 1...255, "case": 3...Int.max,
        "success": 0...0, "failure": 0...0, "always": 0...0, "cancelled": 0...0,
    ]

    /// Every named value GitHub knows; which ones a field may use is decided at evaluation.
    public static let namedValues: Set<String> = [
        "github", "env", "inputs", "steps", "secrets", "vars", "runner", "job", "matrix", "strategy", "needs", "jobs",
    ]

    private let source: String
    private let tokens: [ExpressionToken]
    private let known: Set<String>
    private var position = 0
    private var depth = 0

    /// Parses `source`, whose named values may be any of `namedValues` (lowercased).
    public static func parse(_ source: String, namedValues: Set<String> = namedValues) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(source: source, tokens: try ExpressionLexer.tokens(source), known: namedValues)
        if parser.atEnd { return .literal(.null) }
        let node = try parser.expression()
        guard parser.atEnd else { throw parser.error("Unexpected symbol", at: parser.current) }
        return node
    }

    private init(source: String, tokens: [ExpressionToken], known: Set<String>) {
        self.source = source
        self.tokens = tokens
        self.known = known
    }

    private var current: ExpressionToken { tokens[position] }
    private var previous: ExpressionToken { tokens[max(position - 1, 0)] }
    private var atEnd: Bool { current.kind == .end }

    private mutating func take(_ kind: ExpressionToken.Kind) -> Bool {
        guard current.kind == kind, !atEnd else { return false }
        position += 1
        return true
    }

    private func error(_ problem: String, at token: ExpressionToken) -> ExpressionError {
        .syntax("\(problem): '\(token.shown)'. Located at position \(token.position) within expression: \(source)")
    }

    /// One level deeper; GitHub counts each expression, operator chain, `!`, property access and
    /// index.
    private mutating func deeper() throws(ExpressionError) {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("Exceeded max expression depth \(Self.maximumDepth)", at: current) }
    }

    private mutating func expression() throws(ExpressionError) -> ExpressionNode {
        try deeper()
        defer { depth -= 1 }
        return try or()
    }

    private mutating func or() throws(ExpressionError) -> ExpressionNode {
        let first = try and()
        guard current.kind == .or else { return first }
        try deeper()
        defer { depth -= 1 }
        var operands = [first]
        while take(.or) { operands.append(try and()) }
        return .or(operands)
    }

    private mutating func and() throws(ExpressionError) -> ExpressionNode {
        let first = try equality()
        guard current.kind == .and else { return first }
        try deeper()
        defer { depth -= 1 }
        var operands = [first]
        while take(.and) { operands.append(try equality()) }
        return .and(operands)
    }

    private mutating func equality() throws(ExpressionError) -> ExpressionNode {
        var node = try comparison()
        while true {
            let op: ComparisonOperator
            switch current.kind {
            case .equal: op = .equal
            case .notEqual: op = .notEqual
            default: return node
            }
            position += 1
            node = .compare(op, node, try comparison())
        }
    }

    private mutating func comparison() throws(ExpressionError) -> ExpressionNode {
        var node = try unary()
        while true {
            let op: ComparisonOperator
            switch current.kind {
            case .less: op = .less
            case .lessOrEqual: op = .lessOrEqual
            case .greater: op = .greater
            case .greaterOrEqual: op = .greaterOrEqual
            default: return node
            }
            position += 1
            node = .compare(op, node, try unary())
        }
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        guard take(.not) else { return try postfix() }
        try deeper()
        defer { depth -= 1 }
        return .not(try unary())
    }

    private mutating func postfix() throws(ExpressionError) -> ExpressionNode {
        var (node, accessible) = try primary()
        guard accessible else { return node }
        let outer = depth
        defer { depth = outer }
        while true {
            if take(.leftBracket) {
                if take(.star) {
                    node = .filter(node)
                } else {
                    let index = try expression()
                    if case .literal(.string(let name)) = index {
                        node = .property(node, name)
                    } else {
                        node = .index(node, index)
                    }
                }
                guard take(.rightBracket) else { throw error("Unexpected symbol", at: current) }
                try deeper()
            } else if take(.dot) {
                try deeper()
                if case .identifier(let name) = current.kind {
                    position += 1
                    node = .property(node, name)
                } else if take(.star) {
                    node = .filter(node)
                } else {
                    throw error("Unexpected symbol", at: current)
                }
            } else {
                return node
            }
        }
    }

    /// The node, and whether property access and indexing may follow it.
    private mutating func primary() throws(ExpressionError) -> (ExpressionNode, Bool) {
        let token = current
        switch token.kind {
        case .identifier(let name):
            position += 1
            if take(.leftParen) { return (try call(name, token), true) }
            let lowered = name.lowercased()
            guard known.contains(lowered) else { throw error("Unrecognized named-value", at: token) }
            return (.namedValue(lowered), true)
        case .number(let value):
            position += 1
            return (.literal(.number(value)), false)
        case .string(let value):
            position += 1
            return (.literal(.string(value)), false)
        case .keyword(let value):
            position += 1
            return (.literal(value), false)
        case .leftParen:
            position += 1
            let inner = try expression()
            if atEnd { throw error("Unexpected end of expression", at: previous) }
            guard take(.rightParen) else { throw error("Unexpected symbol", at: current) }
            return (inner, true)
        case .end:
            throw error("Unexpected end of expression", at: previous)
        default:
            throw error("Unexpected symbol", at: token)
        }
    }

    private mutating func call(_ name: String, _ token: ExpressionToken) throws(ExpressionError) -> ExpressionNode {
        var arguments: [ExpressionNode] = []
        while !take(.rightParen) {
            arguments.append(try expression())
            if current.kind != .rightParen, !take(.comma) { throw error("Unexpected symbol", at: current) }
        }
        let lowered = name.lowercased()
        guard let arity = Self.functions[lowered] else { throw error("Unrecognized function", at: token) }
        if arguments.count < arity.lowerBound { throw error("Too few parameters supplied", at: token) }
        if arguments.count > arity.upperBound { throw error("Too many parameters supplied", at: token) }
        if lowered == "case", arguments.count % 2 == 0 {
            throw error("Even number of parameters supplied, requires an odd number of parameters", at: token)
        }
        return .call(lowered, arguments)
    }
}
