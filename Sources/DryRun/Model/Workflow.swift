/// `defaults.run` of a workflow or job: the shell and folder of run steps that name none. Not
/// applied inside composite actions, as on GitHub.
public struct RunDefaults: Sendable, Equatable {
    public var shell: String?
    public var workingDirectory: String?

    static func parse(_ node: YAMLNode?, at location: SourceLocation) throws(DryRunError) -> RunDefaults {
        guard let node else { return RunDefaults() }
        let pairs = try node.pairs("defaults", at: location)
        try pairs.checkKeys(["run"], in: "defaults", at: location)
        guard let run = pairs["run"] else { return RunDefaults() }
        let runPairs = try run.pairs("defaults.run", at: location)
        try runPairs.checkKeys(["shell", "working-directory"], in: "defaults.run", at: location)
        let defaults = RunDefaults(
            shell: try runPairs["shell"]?.string("defaults.run.shell", at: location),
            workingDirectory: try runPairs["working-directory"]?.string("defaults.run.working-directory", at: location)
        )
        if [defaults.shell, defaults.workingDirectory].contains(where: { $0?.contains("${{") == true }) {
            throw location.error("defaults.run: expressions are not allowed here, as on GitHub")
        }
        return defaults
    }

    /// `job` over `workflow`, key by key.
    func overriding(_ workflow: RunDefaults) -> RunDefaults {
        RunDefaults(shell: shell ?? workflow.shell, workingDirectory: workingDirectory ?? workflow.workingDirectory)
    }
}

/// A job: its steps and what surrounds them.
///
/// `runs-on`, `permissions`, `concurrency`, `environment` and `timeout-minutes` are read and
/// ignored (nothing in a local run depends on them); `needs` is taken as met, with a note;
/// `strategy`, `container`, `services` and a reusable-workflow `uses` are errors.
public struct Job: Sendable {
    public let id: String
    public let name: String?
    public let condition: Condition?
    public let env: [NamedTemplate]
    public let defaults: RunDefaults
    public let needs: [String]
    public let outputs: [NamedTemplate]
    public let steps: [Step]
    public let location: SourceLocation
    /// `permissions:` (only `id-token` matters here: the runner's OIDC variables).
    public var permissions = YAMLPermissions(idTokenWrite: nil)

    static let keys: Set<String> = [
        "name", "runs-on", "permissions", "concurrency", "environment", "timeout-minutes", "continue-on-error",
        "needs", "if", "env", "defaults", "outputs", "steps", "strategy", "container", "services", "uses", "with", "secrets",
    ]

    static func parse(id: String, _ node: YAMLNode, workflowFile: String) throws(DryRunError) -> Job {
        let location = SourceLocation(file: workflowFile, job: id)
        let pairs = try node.pairs("job", at: location.with(line: node.line))
        try pairs.checkKeys(keys, in: "job", at: location)
        for key in ["strategy", "container", "services"] where pairs[key] != nil {
            throw location.with(line: pairs[key]!.line).error("\(key) is not supported by the dry run; run a job without it")
        }
        if pairs["uses"] != nil {
            throw location.error("uses: a job that calls a reusable workflow is not supported by the dry run")
        }
        var condition: Condition?
        if let text = try pairs["if"]?.string("if", at: location) {
            do {
                condition = try Condition(text)
            } catch {
                throw location.error("if", error)
            }
        }
        var job = Job(
            id: id,
            name: try pairs["name"]?.string("name", at: location),
            condition: condition,
            env: try Workflow.namedTemplates(pairs["env"], "env", at: location),
            defaults: try RunDefaults.parse(pairs["defaults"], at: location),
            needs: try pairs["needs"]?.strings("needs", at: location) ?? [],
            outputs: try Workflow.namedTemplates(pairs["outputs"], "outputs", at: location),
            steps: try Step.parseList(pairs["steps"], inComposite: false, at: location),
            location: location
        )
        job.permissions = YAMLPermissions.parse(pairs["permissions"])
        return job
    }
}

/// A workflow file: its jobs and the settings they share.
public struct Workflow: Sendable {
    public let file: String
    public let name: String?
    /// The events under `on`; only used to note that the dry-run event would not start it.
    public let events: [String]
    public let env: [NamedTemplate]
    public let defaults: RunDefaults
    public let jobs: [Job]
    public var permissions = YAMLPermissions(idTokenWrite: nil)

    static let keys: Set<String> = ["name", "run-name", "on", "permissions", "concurrency", "env", "defaults", "jobs"]

    /// Reads a workflow; `file` is how messages name it. Every expression in it is parsed here, so
    /// a syntax error stops the dry run before any step runs.
    public static func parse(_ text: String, file: String) throws(DryRunError) -> Workflow {
        let root = try YAMLNode.load(text, file: file)
        let location = SourceLocation(file: file)
        let pairs = try root.pairs("a workflow", at: location)
        try pairs.checkKeys(keys, in: "workflow", at: location)
        var events: [String] = []
        switch pairs["on"] {
        case .scalar(let event, _, _)?: events = [event]
        case .sequence?: events = try pairs["on"]!.strings("on", at: location)
        case .mapping(let eventPairs, _)?: events = eventPairs.map(\.key)
        case nil: throw location.error("on: a workflow needs on")
        }
        var jobs: [Job] = []
        for pair in try pairs["jobs"]?.pairs("jobs", at: location) ?? [] {
            jobs.append(try Job.parse(id: pair.key, pair.value, workflowFile: file))
        }
        if jobs.isEmpty { throw location.error("jobs: there are no jobs") }
        var workflow = Workflow(
            file: file,
            name: try pairs["name"]?.string("name", at: location),
            events: events,
            env: try namedTemplates(pairs["env"], "env", at: location),
            defaults: try RunDefaults.parse(pairs["defaults"], at: location),
            jobs: jobs
        )
        workflow.permissions = YAMLPermissions.parse(pairs["permissions"])
        return workflow
    }

    static func namedTemplates(_ node: YAMLNode?, _ what: String, at location: SourceLocation) throws(DryRunError) -> [NamedTemplate] {
        var result: [NamedTemplate] = []
        for pair in try node?.pairs(what, at: location) ?? [] {
            let text: String
            if case .mapping(let inner, _) = pair.value, let value = inner["value"] {
                // An action's outputs: `name: {description, value}`.
                text = try value.string("\(what).\(pair.key).value", at: location) ?? ""
            } else {
                text = try pair.value.string("\(what).\(pair.key)", at: location) ?? ""
            }
            do {
                result.append(NamedTemplate(name: pair.key, template: try Template(text)))
            } catch {
                throw location.error("\(what).\(pair.key)", error)
            }
        }
        return result
    }

    /// The job to run: the one named, or the only one.
    public func job(named id: String?) throws(DryRunError) -> Job {
        if let id {
            guard let job = jobs.first(where: { $0.id == id }) else {
                throw DryRunError("\(file): no job \(id); its jobs are \(jobs.map(\.id).joined(separator: ", "))")
            }
            return job
        }
        guard jobs.count == 1 else {
            throw DryRunError("\(file) has \(jobs.count) jobs (\(jobs.map(\.id).joined(separator: ", "))): choose one with --job")
        }
        return jobs[0]
    }
}
