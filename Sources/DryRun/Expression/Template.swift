/// A workflow value that may hold `${{ … }}` expressions: `run`, `env`, `with`, `name`,
/// `working-directory`, composite `outputs`, input defaults.
///
/// An expression ends at the first `}}` outside a `'…'` string literal. A value that is one
/// expression and nothing else keeps the expression's type (`${{ fromJSON('[1]') }}` is an
/// array); otherwise each result is put into the text as ``ExpressionValue/text``.
public struct Template: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text(String)
        case expression(ExpressionNode, source: String)
    }

    public let parts: [Part]

    /// Parses `source`, whose expressions may read any of `namedValues`.
    public init(_ source: String, namedValues: Set<String> = ExpressionParser.namedValues) throws(ExpressionError) {
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "${{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let inner = rest[open.upperBound...]
            guard let close = Self.closing(in: inner) else {
                throw .syntax(
                    "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found: \(source)"
                )
            }
            let expression = String(inner[..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
            // The runner's template reader refuses `${{ }}`, though the empty expression is null.
            guard !expression.isEmpty else { throw .syntax("An expression was expected: \(source)") }
            parts.append(.expression(try ExpressionParser.parse(expression, namedValues: namedValues), source: expression))
            rest = inner[close.upperBound...]
        }
        if !rest.isEmpty || parts.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The range of the `}}` that ends an expression, skipping string literals.
    private static func closing(in text: Substring) -> Range<Substring.Index>? {
        var inString = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "'" {
                inString.toggle()
            } else if !inString, character == "}", text[index...].hasPrefix("}}") {
                return index..<text.index(index, offsetBy: 2)
            }
            index = text.index(after: index)
        }
        return nil
    }

    /// Whether any part is an expression.
    public var hasExpressions: Bool {
        parts.contains { if case .expression = $0 { true } else { false } }
    }

    /// The value: an expression's own value when it is the whole template, else the text.
    public func value(in context: ExpressionContext) throws(ExpressionError) -> ExpressionValue {
        if parts.count == 1, case .expression(let node, _) = parts[0] { return try context.evaluate(node) }
        return .string(try text(in: context))
    }

    public func text(in context: ExpressionContext) throws(ExpressionError) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text): result += text
            case .expression(let node, _): result += try context.evaluate(node).text
            }
        }
        return result
    }
}

/// An `if:` condition. Written with or without `${{ }}`; a condition that names none of
/// `success()`, `failure()`, `always()` or `cancelled()` means `success() && (…)`, so a step
/// after a failure is skipped unless its condition asks otherwise. Text around a `${{ }}` makes
/// the condition a string, true when not empty, as on GitHub (a classic mistake).
public struct Condition: Sendable, Equatable {
    public let source: String
    private enum Form: Equatable {
        case expression(ExpressionNode)
        case template(Template)
    }

    private let form: Form

    public init(_ source: String) throws(ExpressionError) {
        self.source = source
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            form = .expression(.call("success", []))
        } else if !trimmed.contains("${{") {
            form = .expression(try ExpressionParser.parse(trimmed))
        } else {
            let template = try Template(trimmed)
            if template.parts.count == 1, case .expression(let node, _) = template.parts[0] {
                form = .expression(node)
            } else {
                form = .template(template)
            }
        }
    }

    /// The implicit condition of a step: `success()`.
    public static let success = try! Condition("success()")

    public func isTrue(in context: ExpressionContext) throws(ExpressionError) -> Bool {
        switch form {
        case .expression(let node):
            if !node.callsStatusFunction, !context.succeeded { return false }
            return try context.evaluate(node).isTruthy
        case .template(let template):
            if !context.succeeded { return false }
            return try template.value(in: context).isTruthy
        }
    }
}
