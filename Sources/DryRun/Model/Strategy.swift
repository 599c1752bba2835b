/// `strategy:` of a job: its matrix (as written; expanded by ``MatrixExpansion`` when the job is
/// about to run, since it may come from an earlier job's output), `fail-fast` and `max-parallel`.
public struct Strategy: Sendable {
    /// `matrix:`, values and `${{ }}` still as written; nil for a strategy without one.
    let matrix: YAMLNode?
    let failFast: Template?
    let maxParallel: Template?

    static func parse(_ node: YAMLNode, at location: SourceLocation) throws(DryRunError) -> Strategy {
        let here = location.with(line: node.line)
        let pairs = try node.pairs("strategy", at: here)
        try pairs.checkKeys(["matrix", "fail-fast", "max-parallel"], in: "strategy", at: here)
        func template(_ key: String) throws(DryRunError) -> Template? {
            guard let text = try pairs[key]?.string("strategy.\(key)", at: here) else { return nil }
            do {
                return try Template(text)
            } catch {
                throw location.with(line: pairs[key]!.line).error("strategy.\(key)", error)
            }
        }
        if let matrix = pairs["matrix"] { try checkTemplates(in: matrix, at: location) }
        return Strategy(matrix: pairs["matrix"], failFast: try template("fail-fast"), maxParallel: try template("max-parallel"))
    }

    /// Parses every `${{ }}` in the matrix now, so a syntax error stops the run before it starts.
    private static func checkTemplates(in node: YAMLNode, at location: SourceLocation) throws(DryRunError) {
        switch node {
        case .scalar(let text, _, let line):
            guard text.contains("${{") else { return }
            do {
                _ = try Template(text)
            } catch {
                throw location.with(line: line).error("strategy.matrix", error)
            }
        case .sequence(let items, _):
            for item in items { try checkTemplates(in: item, at: location) }
        case .mapping(let pairs, _):
            for pair in pairs { try checkTemplates(in: pair.value, at: location) }
        }
    }

    /// Whether the matrix's expressions mention `context` (then it is known only when the job runs).
    func matrixMentions(_ context: String) -> Bool {
        guard let matrix else { return false }
        return Self.mentions(context, in: matrix)
    }

    private static func mentions(_ context: String, in node: YAMLNode) -> Bool {
        switch node {
        case .scalar(let text, _, _): text.contains("${{") && text.lowercased().contains(context)
        case .sequence(let items, _): items.contains { mentions(context, in: $0) }
        case .mapping(let pairs, _): pairs.contains { mentions(context, in: $0.value) }
        }
    }
}

extension YAMLNode {
    /// The value with each `${{ }}` scalar evaluated (keeping its type when it is the whole
    /// scalar, as `${{ fromJSON(…) }}`), other scalars typed as YAML reads them.
    func evaluated(in context: ExpressionContext) throws(ExpressionError) -> ExpressionValue {
        switch self {
        case .scalar(let text, _, _) where text.contains("${{"):
            return try Template(text).value(in: context)
        case .scalar:
            return typedValue
        case .sequence(let items, _):
            var values: [ExpressionValue] = []
            for item in items { values.append(try item.evaluated(in: context)) }
            return .array(ExpressionArray(values))
        case .mapping(let pairs, _):
            var values: [(String, ExpressionValue)] = []
            for pair in pairs { values.append((pair.key, try pair.value.evaluated(in: context))) }
            return .object(values)
        }
    }
}
