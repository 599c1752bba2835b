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

/// A job of a workflow file as read: its id and `needs` (always, for the order of the run), and
/// the job itself or why it cannot run. A problem in a job is reported only when that job is
/// selected to run; otherwise it is a note.
public struct JobEntry: Sendable {
    public let id: String
    public let needs: [String]
    public let line: Int
    public let parsed: Result<Job, DryRunError>
}

/// A workflow file: its jobs and the settings they share.
public struct Workflow: Sendable {
    public let file: String
    public let name: String?
    /// The events under `on`.
    public let events: [String]
    /// `on.workflow_dispatch.inputs`.
    public let dispatchInputs: [WorkflowInput]
    /// `on.workflow_call`, when the workflow can be called.
    public let call: WorkflowCallInterface?
    public let env: [NamedTemplate]
    public let defaults: RunDefaults
    public let entries: [JobEntry]
    public var permissions = YAMLPermissions(idTokenWrite: nil)

    static let keys: Set<String> = ["name", "run-name", "on", "permissions", "concurrency", "env", "defaults", "jobs"]

    /// Reads a workflow from a file; `file` is how messages name it.
    public static func load(_ path: String, file: String? = nil) throws(DryRunError) -> Workflow {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DryRunError("\(file ?? path): cannot read it: \(error.localizedDescription)")
        }
        return try parse(text, file: file ?? path)
    }

    /// Reads a workflow; `file` is how messages name it. Every expression in it is parsed here, so
    /// a syntax error stops the run before any step runs. A problem inside a job does not stop the
    /// reading: it is kept in that job's ``JobEntry``.
    public static func parse(_ text: String, file: String) throws(DryRunError) -> Workflow {
        let root = try YAMLNode.load(text, file: file)
        let location = SourceLocation(file: file)
        let pairs = try root.pairs("a workflow", at: location)
        try pairs.checkKeys(keys, in: "workflow", at: location)
        var events: [String] = []
        var dispatchInputs: [WorkflowInput] = []
        var call: WorkflowCallInterface?
        switch pairs["on"] {
        case .scalar(let event, _, _)?: events = [event]
        case .sequence?: events = try pairs["on"]!.strings("on", at: location)
        case .mapping(let eventPairs, _)?:
            events = eventPairs.map(\.key)
            if let dispatch = eventPairs["workflow_dispatch"] {
                let inputs = try dispatch.pairs("on.workflow_dispatch", at: location)["inputs"]
                dispatchInputs = try WorkflowInput.parseList(inputs, in: "on.workflow_dispatch.inputs", dispatch: true, at: location)
            }
            if let called = eventPairs["workflow_call"] {
                call = try WorkflowCallInterface.parse(called, at: location)
            }
        case nil: throw location.error("on: a workflow needs on")
        }
        if call == nil, events.contains("workflow_call") { call = WorkflowCallInterface(inputs: [], secrets: [], outputs: []) }
        var entries: [JobEntry] = []
        for pair in try pairs["jobs"]?.pairs("jobs", at: location) ?? [] {
            let jobLocation = SourceLocation(file: file, job: pair.key)
            var needs: [String] = []
            if case .mapping(let jobPairs, _) = pair.value, let needsNode = jobPairs["needs"] {
                needs = (try? needsNode.strings("needs", at: jobLocation)) ?? []
            }
            let parsed: Result<Job, DryRunError>
            do {
                parsed = .success(try Job.parse(id: pair.key, pair.value, workflowFile: file))
            } catch {
                parsed = .failure(error)
            }
            entries.append(JobEntry(id: pair.key, needs: needs, line: pair.value.line, parsed: parsed))
        }
        if entries.isEmpty { throw location.error("jobs: there are no jobs") }
        var workflow = Workflow(
            file: file,
            name: try pairs["name"]?.string("name", at: location),
            events: events,
            dispatchInputs: dispatchInputs,
            call: call,
            env: try namedTemplates(pairs["env"], "env", at: location),
            defaults: try RunDefaults.parse(pairs["defaults"], at: location),
            entries: entries
        )
        workflow.permissions = YAMLPermissions.parse(pairs["permissions"])
        return workflow
    }

    static func namedTemplates(_ node: YAMLNode?, _ what: String, at location: SourceLocation) throws(DryRunError) -> [NamedTemplate] {
        var result: [NamedTemplate] = []
        for pair in try node?.pairs(what, at: location) ?? [] {
            let text: String
            if case .mapping(let inner, _) = pair.value, let value = inner["value"] {
                // An action's or a called workflow's outputs: `name: {description, value}`.
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

    /// The entry of job `id`, or an error listing the jobs.
    public func entry(_ id: String) throws(DryRunError) -> JobEntry {
        guard let entry = entries.first(where: { $0.id == id }) else {
            throw DryRunError("\(file): no job \(id); its jobs are \(entries.map(\.id).joined(separator: ", "))")
        }
        return entry
    }

    /// The job `id` read without problems, or its problem.
    public func job(named id: String) throws(DryRunError) -> Job {
        try entry(id).parsed.get()
    }
}
