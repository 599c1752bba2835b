/// A job that calls a reusable workflow: `uses`, its `with` inputs and the `secrets` it passes.
public struct ReusableWorkflowCall: Sendable {
    public enum Secrets: Sendable {
        /// `secrets: inherit`: every secret of the caller.
        case inherit
        case named([NamedTemplate])
    }

    /// `./.github/workflows/x.yml`, or `OWNER/REPO/.github/workflows/x.yml@REF`.
    public let uses: String
    public let with: [NamedTemplate]
    public let secrets: Secrets
}

/// A job: its steps (or the workflow it calls) and what surrounds them.
///
/// `permissions`, `concurrency`, `environment` and `timeout-minutes` are read and ignored
/// (nothing in a local run depends on them). `container` and `services` make the job one the
/// local run refuses: no container engine is assumed.
public struct Job: Sendable {
    public enum Body: Sendable {
        case steps([Step])
        case call(ReusableWorkflowCall)
    }

    public let id: String
    /// `name`, which may use `matrix` (then no values are added to it).
    public let name: Template?
    public let condition: JobCondition?
    public let env: [NamedTemplate]
    public let defaults: RunDefaults
    public let needs: [String]
    public let outputs: [NamedTemplate]
    public let body: Body
    /// `runs-on`: its labels (a string, a list, or `labels:` of a mapping), each maybe an expression.
    public let runsOn: [Template]
    public let strategy: Strategy?
    /// `continue-on-error`: a failure of this job does not fail the run, nor cancel its matrix.
    public let continueOnError: Template?
    public let location: SourceLocation
    /// `permissions:` (only `id-token` matters here: the runner's OIDC variables).
    public var permissions = YAMLPermissions(idTokenWrite: nil)

    /// The job's own steps; none for a job that calls a workflow.
    public var steps: [Step] {
        if case .steps(let steps) = body { return steps }
        return []
    }

    static let keys: Set<String> = [
        "name", "runs-on", "permissions", "concurrency", "environment", "timeout-minutes", "continue-on-error",
        "needs", "if", "env", "defaults", "outputs", "steps", "strategy", "container", "services", "uses", "with", "secrets",
    ]

    /// What a job that calls a reusable workflow may hold besides `uses`, as on GitHub.
    static let callKeys: Set<String> = ["name", "uses", "with", "secrets", "needs", "if", "permissions", "concurrency", "strategy"]

    static func parse(id: String, _ node: YAMLNode, workflowFile: String) throws(DryRunError) -> Job {
        let location = SourceLocation(file: workflowFile, job: id)
        let pairs = try node.pairs("job", at: location.with(line: node.line))
        try pairs.checkKeys(keys, in: "job", at: location)
        for key in ["container", "services"] where pairs[key] != nil {
            throw location.with(line: pairs[key]!.line).error(
                "\(key): the local run has no container engine, so a job with \(key) is refused (run another job with --job, or this one on GitHub)"
            )
        }
        func template(_ key: String) throws(DryRunError) -> Template? {
            guard let text = try pairs[key]?.string(key, at: location) else { return nil }
            do {
                return try Template(text)
            } catch {
                throw location.with(line: pairs[key]!.line).error(key, error)
            }
        }
        var condition: JobCondition?
        if let text = try pairs["if"]?.string("if", at: location) {
            do {
                condition = try JobCondition(text)
            } catch {
                throw location.with(line: pairs["if"]!.line).error("if", error)
            }
        }
        let body: Body
        if let uses = try pairs["uses"]?.string("uses", at: location) {
            for pair in pairs where !callKeys.contains(pair.key) {
                throw location.with(line: pair.value.line).error(
                    "\(pair.key): a job that calls a reusable workflow takes only \(callKeys.sorted().joined(separator: ", ")), as on GitHub"
                )
            }
            if uses.contains("${{") { throw location.error("uses: an expression is not allowed in uses, as on GitHub: \(uses)") }
            var secrets = ReusableWorkflowCall.Secrets.named([])
            if case .scalar("inherit", _, _)? = pairs["secrets"] {
                secrets = .inherit
            } else if pairs["secrets"] != nil {
                secrets = .named(try Workflow.namedTemplates(pairs["secrets"], "secrets", at: location))
            }
            let with = try Workflow.namedTemplates(pairs["with"], "with", at: location)
            body = .call(ReusableWorkflowCall(uses: uses, with: with, secrets: secrets))
        } else {
            for key in ["with", "secrets"] where pairs[key] != nil {
                throw location.with(line: pairs[key]!.line).error("\(key): only a job that calls a reusable workflow (uses:) takes \(key)")
            }
            body = .steps(try Step.parseList(pairs["steps"], inComposite: false, at: location))
        }
        var job = Job(
            id: id,
            name: try template("name"),
            condition: condition,
            env: try Workflow.namedTemplates(pairs["env"], "env", at: location),
            defaults: try RunDefaults.parse(pairs["defaults"], at: location),
            needs: try pairs["needs"]?.strings("needs", at: location) ?? [],
            outputs: try Workflow.namedTemplates(pairs["outputs"], "outputs", at: location),
            body: body,
            runsOn: try Self.runsOn(pairs["runs-on"], at: location),
            strategy: try pairs["strategy"].map { node throws(DryRunError) in try Strategy.parse(node, at: location) },
            continueOnError: try template("continue-on-error"),
            location: location
        )
        job.permissions = YAMLPermissions.parse(pairs["permissions"])
        return job
    }

    /// `runs-on: ubuntu-latest`, `[self-hosted, linux]`, or `{group: …, labels: …}`.
    static func runsOn(_ node: YAMLNode?, at location: SourceLocation) throws(DryRunError) -> [Template] {
        guard let node else { return [] }
        var labels: [String]
        if case .mapping(let pairs, _) = node {
            labels = try pairs["labels"]?.strings("runs-on.labels", at: location) ?? []
        } else {
            labels = try node.strings("runs-on", at: location)
        }
        labels = labels.filter { !$0.isEmpty }
        var result: [Template] = []
        for label in labels {
            do {
                result.append(try Template(label))
            } catch {
                throw location.with(line: node.line).error("runs-on", error)
            }
        }
        return result
    }
}

/// A job's `if:`. Unlike a step's, its status functions look at the jobs it needs (all of them,
/// through their own needs): `success()` is true when every one succeeded, `failure()` when one
/// failed, `cancelled()` when the run was cancelled, `always()` always. A condition that calls
/// none of them means `success() && (…)`. Only `github`, `needs`, `vars` and `inputs` are there.
public struct JobCondition: Sendable {
    public let source: String
    let node: ExpressionNode?
    let template: Template?

    public init(_ source: String) throws(ExpressionError) {
        self.source = source
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            (node, template) = (.call("success", []), nil)
        } else if !trimmed.contains("${{") {
            (node, template) = (try ExpressionParser.parse(trimmed), nil)
        } else {
            let parsed = try Template(trimmed)
            if parsed.parts.count == 1, case .expression(let expression, _) = parsed.parts[0] {
                (node, template) = (expression, nil)
            } else {
                // Text around `${{ }}`: a string, true when not empty, as on GitHub.
                (node, template) = (nil, parsed)
            }
        }
    }

    /// The status of the jobs a job needs, as its status functions see it.
    public struct Status: Sendable {
        public var succeeded: Bool
        public var failed: Bool
        public var cancelled: Bool
    }

    public func isTrue(in context: ExpressionContext, status: Status) throws(ExpressionError) -> Bool {
        guard let node else {
            return status.succeeded && !status.cancelled ? try template!.value(in: context).isTruthy : false
        }
        if !node.callsStatusFunction, !status.succeeded || status.cancelled { return false }
        let values = ["success": status.succeeded && !status.cancelled, "failure": status.failed, "cancelled": status.cancelled]
        return try context.evaluate(node.replacingStatusFunctions(values)).isTruthy
    }
}

extension ExpressionNode {
    /// The expression with each status function call replaced by its value for a job.
    func replacingStatusFunctions(_ values: [String: Bool]) -> ExpressionNode {
        switch self {
        case .literal, .namedValue: self
        case .property(let base, let name): .property(base.replacingStatusFunctions(values), name)
        case .index(let base, let index): .index(base.replacingStatusFunctions(values), index.replacingStatusFunctions(values))
        case .filter(let base): .filter(base.replacingStatusFunctions(values))
        case .not(let operand): .not(operand.replacingStatusFunctions(values))
        case .compare(let op, let left, let right):
            .compare(op, left.replacingStatusFunctions(values), right.replacingStatusFunctions(values))
        case .and(let nodes): .and(nodes.map { $0.replacingStatusFunctions(values) })
        case .or(let nodes): .or(nodes.map { $0.replacingStatusFunctions(values) })
        case .call(let name, let arguments):
            if arguments.isEmpty, let value = values[name] {
                .literal(.bool(value))
            } else {
                .call(name, arguments.map { $0.replacingStatusFunctions(values) })
            }
        }
    }
}
