/// A name with a value that may hold expressions (`env`, `with`, `outputs`).
public struct NamedTemplate: Sendable, Equatable {
    public let name: String
    public let template: Template
}

/// One step of a job or of a composite action.
public struct Step: Sendable {
    public enum Body: Sendable {
        /// A script: `run`, with `shell` and `working-directory`.
        case run(script: Template, firstLine: String, shell: String?, workingDirectory: Template?)
        /// An action: `uses`, with its `with` inputs.
        case uses(String, with: [NamedTemplate])
    }

    /// 1-based position in its list.
    public let number: Int
    public let id: String?
    public let name: Template?
    public let condition: Condition
    public let body: Body
    public let env: [NamedTemplate]
    /// `continue-on-error`: nil is false.
    public let continueOnError: Template?
    /// `timeout-minutes`: nil is no limit.
    public let timeoutMinutes: Template?
    /// Where the step is, for messages.
    public let location: SourceLocation

    /// How the runner names an unnamed step: `Run <first line of the script>` or `Run <uses>`.
    public var defaultName: String {
        switch body {
        case .run(_, let firstLine, _, _): "Run \(firstLine)"
        case .uses(let reference, _): "Run \(reference)"
        }
    }

    static let workflowKeys: Set<String> = [
        "id", "name", "if", "uses", "run", "shell", "with", "env", "working-directory", "continue-on-error", "timeout-minutes",
    ]

    /// Reads a step. In a composite action (`inComposite`), `run` needs `shell` and
    /// `continue-on-error` and `timeout-minutes` are refused: the runner does not apply them there.
    static func parse(_ node: YAMLNode, number: Int, inComposite: Bool, at parent: SourceLocation) throws(DryRunError) -> Step {
        var location = parent
        location.step = "step \(number)"
        let pairs = try node.pairs("a step", at: location.with(line: node.line))
        let name = try pairs["name"]?.string("name", at: location)
        let run = try pairs["run"]?.string("run", at: location)
        let uses = try pairs["uses"]?.string("uses", at: location)
        let firstLine = run.map(Self.firstLine) ?? ""
        location.step = "step \(number) " + SourceLocation.quoted(name ?? (uses.map { "Run \($0)" } ?? "Run \(firstLine)"))
        location.line = node.line > 0 ? node.line : nil
        try pairs.checkKeys(workflowKeys, in: "step", at: location)

        func template(_ key: String) throws(DryRunError) -> Template? {
            guard let text = try pairs[key]?.string(key, at: location) else { return nil }
            do {
                return try Template(text)
            } catch {
                throw location.error(key, error)
            }
        }
        func named(_ key: String) throws(DryRunError) -> [NamedTemplate] {
            var result: [NamedTemplate] = []
            for pair in try pairs[key]?.pairs(key, at: location) ?? [] {
                let text = try pair.value.string("\(key).\(pair.key)", at: location) ?? ""
                do {
                    result.append(NamedTemplate(name: pair.key, template: try Template(text)))
                } catch {
                    throw location.error("\(key).\(pair.key)", error)
                }
            }
            return result
        }

        let id = try pairs["id"]?.string("id", at: location)
        if let id, !ExpressionLexer.isLegalIdentifier(id) {
            throw location.error("id '\(id)' must start with a letter or _ and contain only letters, digits, - and _")
        }
        var condition = Condition.success
        if let text = try pairs["if"]?.string("if", at: location) {
            do {
                condition = try Condition(text)
            } catch {
                throw location.error("if", error)
            }
        }

        let body: Body
        switch (run, uses) {
        case (let script?, nil):
            if pairs["with"] != nil { throw location.error("with: only a step with uses takes inputs") }
            let shell = try pairs["shell"]?.string("shell", at: location)
            if inComposite, shell == nil {
                throw location.error("run: a run step in a composite action needs shell (bash, sh, python, …), as on GitHub")
            }
            if let shell, shell.contains("${{") { throw location.error("shell: expressions are not supported in shell") }
            let scriptTemplate: Template
            do {
                scriptTemplate = try Template(script)
            } catch {
                throw location.error("run", error)
            }
            body = .run(script: scriptTemplate, firstLine: firstLine, shell: shell, workingDirectory: try template("working-directory"))
        case (nil, let reference?):
            for key in ["shell", "working-directory"] where pairs[key] != nil {
                throw location.error("\(key): only a run step takes \(key)")
            }
            if reference.contains("${{") {
                throw location.error("uses: an expression is not allowed in uses, as on GitHub: \(reference)")
            }
            body = .uses(reference, with: try named("with"))
        case (nil, nil):
            throw location.error("a step needs run or uses")
        default:
            throw location.error("a step has either run or uses, not both")
        }
        if inComposite {
            for key in ["continue-on-error", "timeout-minutes"] where pairs[key] != nil {
                throw location.error(
                    "\(key) in a composite action step is not supported by the dry run (the runner does not apply it there)")
            }
        }
        return Step(
            number: number, id: id, name: try template("name"), condition: condition, body: body, env: try named("env"),
            continueOnError: try template("continue-on-error"), timeoutMinutes: try template("timeout-minutes"), location: location
        )
    }

    /// The first line of a script after leading blank space, as the runner shows it.
    static func firstLine(_ script: String) -> String {
        let trimmed = script.drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        return String(trimmed.prefix { $0 != "\r" && $0 != "\n" })
    }

    /// Reads a list of steps and checks that ids are unique.
    static func parseList(_ node: YAMLNode?, inComposite: Bool, at location: SourceLocation) throws(DryRunError) -> [Step] {
        guard let node else { throw location.error("steps: there are no steps") }
        var steps: [Step] = []
        var ids: Set<String> = []
        for (offset, item) in try node.items("steps", at: location).enumerated() {
            let step = try parse(item, number: offset + 1, inComposite: inComposite, at: location)
            if let id = step.id {
                guard ids.insert(id.lowercased()).inserted else { throw step.location.error("id '\(id)' is used by an earlier step") }
            }
            steps.append(step)
        }
        if steps.isEmpty { throw location.error("steps: there are no steps") }
        return steps
    }
}
