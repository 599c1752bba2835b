import Foundation

/// `plenar-dry-run eval`: one expression evaluated against contexts read from JSON, as a workflow
/// would evaluate it, for a user debugging an `if:` or a `${{ }}`.
public enum ExpressionEval {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The contexts file is not usable (a usage error).
        case contexts(String)
        /// The expression does not parse, reads a context the file does not give, or fails.
        case expression(String)

        public var description: String {
            switch self {
            case .contexts(let message), .expression(let message): message
            }
        }
    }

    /// The contexts in a JSON object, by name: `{"github": {…}, "env": {…}, "steps": {…}}`. Names
    /// ignore case, as in expressions; `env` keeps the case of its keys, as on a Linux runner.
    public static func contexts(json text: String, from source: String) throws(Failure) -> [String: ExpressionValue] {
        let value: ExpressionValue
        do {
            value = try ExpressionValue.parseJSON(text)
        } catch {
            let problem = error.description.hasPrefix("fromJSON: ") ? String(error.description.dropFirst(10)) : error.description
            throw .contexts("\(source): \(problem)")
        }
        guard case .object(let object) = value else {
            throw .contexts("\(source): give a JSON object of contexts by name, such as {\"github\": {\"event_name\": \"push\"}}")
        }
        var contexts: [String: ExpressionValue] = [:]
        for entry in object.entries {
            let name = entry.key.lowercased()
            if name == "env", case .object(let env) = entry.value {
                contexts[name] = .object(ExpressionObject(env.entries.map { ($0.key, $0.value) }, caseSensitive: true))
            } else {
                contexts[name] = entry.value
            }
        }
        return contexts
    }

    /// The value of `source`: a bare expression (as an `if:` holds it), or text with `${{ }}`
    /// (one expression alone keeps its type; with text around, the result is text). Any context
    /// name may be used; `hashFiles()` hashes under `github.workspace`, else under `workspace`.
    /// `success()` is true: nothing has failed.
    public static func evaluate(
        _ source: String, contexts: [String: ExpressionValue], workspace: String
    ) throws(Failure)
        -> ExpressionValue
    {
        let names = ExpressionParser.namedValues.union(contexts.keys)
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        let nodes: [ExpressionNode]
        let template: Template?
        do {
            if trimmed.contains("${{") {
                let parsed = try Template(trimmed, namedValues: names)
                template = parsed
                nodes = parsed.parts.compactMap { if case .expression(let node, _) = $0 { node } else { nil } }
            } else {
                nodes = [try ExpressionParser.parse(trimmed, namedValues: names)]
                template = nil
            }
        } catch {
            throw .expression(error.description)
        }
        let missing = nodes.reduce(into: Set<String>()) { $0.formUnion($1.namedValues) }.subtracting(contexts.keys).sorted()
        if !missing.isEmpty {
            let list = missing.joined(separator: ", ")
            throw .expression(
                "the expression reads \(list), which the contexts do not give: add \(missing.count == 1 ? "it" : "them") to --contexts")
        }
        let context = ExpressionContext(values: contexts, workspace: workspace)
        do {
            if let template { return try template.value(in: context) }
            return try context.evaluate(nodes[0])
        } catch {
            throw .expression(error.description)
        }
    }
}
