import Foundation

/// Checks everything the selected jobs will do before the first step runs, so that the run never
/// refuses something after a step had its side effects. A problem in a job that does not run is
/// a note.
///
/// For each selected job (and each job of a workflow it calls, and each local action its steps
/// use, to any depth): the job reads (no `container` or `services`, keys GitHub accepts, every
/// expression parses), its `needs` name jobs of the workflow without a cycle, no expression uses
/// something the evaluator does not do, each local composite action exists, reads and gets its
/// required inputs, a matrix known before the run expands and keeps a combination under
/// `--matrix`, `runs-on` known before the run names no Windows or macOS runner (unless
/// `--runs-on-host`), and a local reusable workflow exists, can be called, takes the inputs given
/// and gets its required inputs and secrets, at most four levels deep without calling itself.
final class Preflight {
    let run: LocalRun
    private var problems: [String] = []
    private var notes: [String] = []
    /// `--matrix` keys some matrix has, and whether a matrix could only be known at run time.
    private var matrixKeys: Set<String> = []
    private var dynamicMatrix = false

    init(run: LocalRun) {
        self.run = run
    }

    var options: DryRunOptions { run.options }

    /// The notes to show; throws every problem at once.
    func check(_ scheduler: WorkflowScheduler, selected: [String], assumed: [String]) throws(DryRunError) -> [String] {
        let workflow = scheduler.workflow
        for entry in workflow.entries where !selected.contains(entry.id) && !assumed.contains(entry.id) {
            if case .failure(let error) = entry.parsed {
                notes.append("job \(entry.id) does not run; it would be refused: \(error.message)")
            }
        }
        let top = URL(fileURLWithPath: options.workflowFile).standardizedFileURL.path
        checkJobs(workflow, selected, inputs: scheduler.inputs, level: 1, chain: [top])
        let usedFilters = options.matrix.filter { !matrixKeys.contains($0.name) }
        if !dynamicMatrix, let filter = usedFilters.first {
            problems.append("--matrix \(filter.name)=\(filter.value): no matrix of the jobs that run has \(filter.name)")
        }
        guard problems.isEmpty else {
            throw DryRunError(problems.count == 1 ? problems[0] : "nothing ran:\n  " + problems.joined(separator: "\n  "))
        }
        return notes
    }

    /// `inputs`: the workflow's, or nil for a called workflow's (known only when it is called).
    private func checkJobs(_ workflow: Workflow, _ ids: [String], inputs: ExpressionValue?, level: Int, chain: [String]) {
        let all = Set(workflow.entries.map(\.id))
        for id in ids {
            guard let entry = try? workflow.entry(id) else { continue }
            let location = SourceLocation(file: workflow.file, job: id, line: entry.line)
            for need in entry.needs where !all.contains(need) {
                problems.append(location.error("needs: \(need) is not a job of this workflow").message)
            }
            switch entry.parsed {
            case .failure(let error): problems.append(error.message)
            case .success(let job): checkJob(job, in: workflow, inputs: inputs, level: level, chain: chain)
            }
        }
        // A cycle leaves jobs that never become ready: one needs a job ordered after it.
        let ordered = WorkflowScheduler.order(ids, in: workflow)
        for (index, id) in ordered.enumerated() {
            let needs = ((try? workflow.entry(id))?.needs ?? []).filter(ids.contains)
            if needs.contains(where: { (ordered.firstIndex(of: $0) ?? 0) >= index }) {
                problems.append("\(workflow.file): job \(id): its needs form a cycle (\(ordered[index...].joined(separator: ", ")))")
                break
            }
        }
    }

    private func checkJob(_ job: Job, in workflow: Workflow, inputs: ExpressionValue?, level: Int, chain: [String]) {
        let location = job.location
        // A job whose `if:` is already false (it reads only the event, inputs and vars) never
        // runs: nothing of it needs checking.
        if let condition = job.condition, let inputs, !condition.source.lowercased().contains("needs"),
            condition.expressions.allSatisfy({ !$0.callsStatusFunction }),
            let runs = try? condition.isTrue(
                in: ExpressionContext(values: ["github": run.github(workflow, jobID: job.id), "vars": run.vars, "inputs": inputs]),
                status: JobCondition.Status(succeeded: true, failed: false, cancelled: false)),
            !runs
        {
            notes.append("job \(job.id) will be skipped (if: \(condition.source) is false), so it is not checked")
            return
        }
        for template in [job.name, job.continueOnError].compactMap({ $0 }) + job.runsOn {
            probe(template, "job", location)
        }
        for named in job.env + job.outputs { probe(named.template, "\(named.name)", location) }
        if let condition = job.condition { probe(condition.expressions, "if", location) }

        // The matrix and runs-on, when they can be known before the run.
        let github = run.github(workflow, jobID: job.id)
        var context = ExpressionContext(values: ["github": github, "vars": run.vars, "inputs": inputs ?? .object([]), "needs": .object([])])
        var combinations: [MatrixCombination?] = [nil]
        if let strategy = job.strategy, let matrix = strategy.matrix {
            if !strategy.matrixMentions("needs"), inputs != nil || !strategy.matrixMentions("inputs") {
                let evaluated: ExpressionValue?
                do {
                    evaluated = try matrix.evaluated(in: context)
                } catch {
                    problems.append(location.with(line: matrix.line).error("strategy.matrix", error).message)
                    evaluated = nil
                }
                switch evaluated.map(MatrixExpansion.combinations) {
                case nil: break
                case .failure(let problem)?: problems.append(location.with(line: matrix.line).error(problem.message).message)
                case .success(let all)?:
                    for combination in all { for pair in combination.values { matrixKeys.insert(pair.key) } }
                    let picked = MatrixExpansion.filter(all, by: options.matrix)
                    if picked.isEmpty, !all.isEmpty {
                        let listed = all.map { "(\($0.label))" }.joined(separator: ", ")
                        problems.append(location.error("--matrix picks none of the matrix's combinations: \(listed)").message)
                    }
                    combinations = picked
                }
            } else {
                dynamicMatrix = true
                combinations = []
            }
        }
        let runtimeLabels = job.runsOn.contains { Self.mentions("needs", $0) || (inputs == nil && Self.mentions("inputs", $0)) }
        if !options.runsOnHost, !runtimeLabels {
            for combination in combinations {
                context["matrix"] = combination?.context ?? .object([])
                context["strategy"] = .object([])
                guard let labels = try? job.runsOn.map({ template throws(ExpressionError) in try template.text(in: context) }),
                    let platform = RunnerPlatform.foreign(labels)
                else { continue }
                let which = combination.map { "combination (\($0.label)): " } ?? ""
                let refusal = RunnerPlatform.refusal(labels, platform: platform, inMatrix: combination != nil)
                problems.append(location.error(which + refusal).message)
            }
        }

        switch job.body {
        case .steps(let steps):
            checkSteps(steps, depth: 0)
        case .call(let call):
            for named in call.with {
                probe(named.template, "with.\(named.name)", location)
                // docs.github.com, "Contexts", context availability: jobs.<job_id>.with.<with_id>
                // may read github, needs, strategy, matrix, inputs, vars; secrets go in secrets:.
                let reads = named.template.parts.reduce(into: Set<String>()) { names, part in
                    if case .expression(let node, _) = part { names.formUnion(node.namedValues) }
                }
                if reads.contains("secrets") {
                    problems.append(
                        location.error(
                            "with.\(named.name): Unrecognized named-value: 'secrets' (a reusable workflow's with: cannot read secrets; pass them under secrets:)"
                        ).message)
                }
            }
            checkCall(call, job: job, level: level, chain: chain)
        }
    }

    private func checkSteps(_ steps: [Step], depth: Int) {
        for step in steps {
            let location = step.location
            if let name = step.name { probe(name, "name", location) }
            probe(JobCondition.expressions(of: step.condition.source), "if", location)
            for named in step.env { probe(named.template, "env.\(named.name)", location) }
            for template in [step.continueOnError, step.timeoutMinutes].compactMap({ $0 }) { probe(template, "step", location) }
            // Written without expressions, they can be checked now rather than when the step comes.
            if let value = step.continueOnError, !value.hasExpressions,
                let text = try? value.text(in: ExpressionContext()), !["true", "false"].contains(text.lowercased())
            {
                problems.append(location.error("continue-on-error: '\(text)' is not true or false").message)
            }
            if let value = step.timeoutMinutes, !value.hasExpressions, let text = try? value.text(in: ExpressionContext()) {
                let minutes = ExpressionValue.string(text).number
                if !minutes.isFinite || minutes != minutes.rounded() {
                    problems.append(location.error("timeout-minutes: '\(text)' is not a whole number of minutes").message)
                }
            }
            switch step.body {
            case .run(let script, _, _, let workingDirectory):
                probe(script, "run", location)
                if let workingDirectory { probe(workingDirectory, "working-directory", location) }
            case .uses(let reference, let with):
                // A skipped action's `with` is never evaluated.
                guard let folder = LocalReference.path(reference, options: options) else { continue }
                for named in with { probe(named.template, "with.\(named.name)", location) }
                guard depth < JobRun.maximumDepth else {
                    problems.append(
                        location.error("uses: \(reference): composite actions nest more than \(JobRun.maximumDepth) deep").message)
                    continue
                }
                let definition: ActionDefinition
                do {
                    definition = try ActionDefinition.load(directory: folder)
                } catch {
                    problems.append(location.error("uses: \(reference): \(error.message)").message)
                    continue
                }
                let file: String
                let inputs: [ActionInput]
                switch definition {
                case .composite(let action): (file, inputs) = (action.file, action.inputs)
                case .node(let action): (file, inputs) = (action.file, action.inputs)
                }
                let given = Set(with.map { $0.name.lowercased() })
                for input in inputs where input.required && input.defaultValue == nil && !given.contains(input.name.lowercased()) {
                    problems.append(
                        location.error(
                            "uses: \(reference): input '\(input.name)' is required by \(file) and has no default; give it with with:"
                        )
                        .message)
                }
                for input in inputs { if let value = input.defaultValue { probe(value, "inputs.\(input.name).default", location) } }
                switch definition {
                case .composite(let action):
                    for output in action.outputs { probe(output.template, "outputs.\(output.name)", location) }
                    checkSteps(action.steps, depth: depth + 1)
                case .node(let action):
                    // JobRun.prepareJavaScriptActions finds node again when the job starts; here so
                    // that a later job's action cannot stop the run after an earlier job ran.
                    let path = options.hostEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
                    if Shell.which("node", in: path) == nil {
                        problems.append(
                            location.error(
                                "uses: \(reference) is a JavaScript action (runs.using: \(action.using)), which the local run starts with "
                                    + "this machine's node, and node is not on PATH (\(path)). Install Node.js (Debian and Ubuntu: "
                                    + "apt-get install nodejs) or run a job without it"
                            ).message)
                    }
                }
            }
        }
    }

    private func checkCall(_ call: ReusableWorkflowCall, job: Job, level: Int, chain: [String]) {
        let location = job.location
        guard let path = LocalReference.path(call.uses, options: options) else {
            notes.append("job \(job.id) calls \(call.uses), a remote reusable workflow: not run, taken as succeeded with no outputs")
            return
        }
        guard level < WorkflowScheduler.maximumLevel else {
            problems.append(
                location.error("uses: \(call.uses): GitHub runs at most \(WorkflowScheduler.maximumLevel) levels of workflows").message)
            return
        }
        guard !chain.contains(path) else {
            problems.append(location.error("uses: \(call.uses): the workflow calls itself").message)
            return
        }
        let called: Workflow
        do {
            called = try run.workflow(at: path, for: job, uses: call.uses)
        } catch {
            problems.append(error.message)
            return
        }
        let interface = called.call ?? WorkflowCallInterface(inputs: [], secrets: [], outputs: [])
        let declared = Set(interface.inputs.map { $0.name.lowercased() })
        for input in call.with where !declared.contains(input.name.lowercased()) {
            let known = interface.inputs.map(\.name).joined(separator: ", ")
            problems.append(
                location.error("with.\(input.name): \(called.file) has no such input (its inputs: \(known.isEmpty ? "none" : known))")
                    .message)
        }
        let given = Set(call.with.map { $0.name.lowercased() })
        for input in interface.inputs where input.required && input.defaultValue == nil && !given.contains(input.name.lowercased()) {
            problems.append(location.error("with: input '\(input.name)' is required by \(called.file) and has no default").message)
        }
        if case .named(let passed) = call.secrets {
            let names = Set(passed.map { $0.name.lowercased() })
            for secret in interface.secrets where secret.required && !names.contains(secret.name.lowercased()) {
                problems.append(
                    location.error("secrets: secret '\(secret.name)' is required by \(called.file); pass it or use secrets: inherit")
                        .message)
            }
        }
        checkJobs(called, called.entries.map(\.id), inputs: nil, level: level + 1, chain: chain + [path])
    }

    // MARK: Expressions

    /// Every expression in `template` is asked of the evaluator itself: a function, filter or
    /// context it reports as unsupported is a problem now, not after the steps before it ran.
    private func probe(_ template: Template, _ construct: String, _ location: SourceLocation) {
        probe(template.parts.compactMap { part in if case .expression(let node, _) = part { node } else { nil } }, construct, location)
    }

    private func probe(_ nodes: [ExpressionNode], _ construct: String, _ location: SourceLocation) {
        for node in nodes {
            if let error = Self.unsupported(in: node) {
                problems.append(location.error(construct, error).message)
                return
            }
        }
    }

    /// The contexts a job or step may read; `jobs` exists only in a reusable workflow's outputs.
    private static let probeContext = ExpressionContext(
        values: Dictionary(
            uniqueKeysWithValues: ["github", "env", "inputs", "steps", "secrets", "vars", "runner", "job", "matrix", "strategy", "needs"]
                .map {
                    ($0, ExpressionValue.null)
                }))

    static func unsupported(in node: ExpressionNode) -> ExpressionError? {
        func asks(_ probe: ExpressionNode) -> ExpressionError? {
            do {
                _ = try probeContext.evaluate(probe)
            } catch {
                if case .unsupported = error { return error }
            }
            return nil
        }
        switch node {
        case .literal: return nil
        case .namedValue: return asks(node)
        case .property(let base, _), .not(let base): return unsupported(in: base)
        case .filter(let base): return asks(.filter(.literal(.array(ExpressionArray([]))))) ?? unsupported(in: base)
        case .index(let base, let index): return unsupported(in: base) ?? unsupported(in: index)
        case .compare(_, let left, let right): return unsupported(in: left) ?? unsupported(in: right)
        case .and(let nodes), .or(let nodes): return nodes.lazy.compactMap(unsupported(in:)).first
        case .call(let name, let arguments):
            return asks(.call(name, arguments.map { _ in .literal(.string("")) })) ?? arguments.lazy.compactMap(unsupported(in:)).first
        }
    }

    static func mentions(_ context: String, _ template: Template) -> Bool {
        template.parts.contains { part in
            if case .expression(_, let source) = part { return source.lowercased().contains(context) }
            return false
        }
    }
}

extension JobCondition {
    /// The expressions of a condition, for ``Preflight``.
    var expressions: [ExpressionNode] {
        Self.expressions(of: source)
    }

    static func expressions(of source: String) -> [ExpressionNode] {
        guard let condition = try? JobCondition(source) else { return [] }
        if let node = condition.node { return [node] }
        return condition.template?.parts.compactMap { part in if case .expression(let node, _) = part { node } else { nil } } ?? []
    }
}

extension WorkflowScheduler {
    /// ``order(_:)`` for any workflow.
    static func order(_ ids: [String], in workflow: Workflow) -> [String] {
        var done: Set<String> = []
        var result: [String] = []
        var left = ids
        while !left.isEmpty {
            guard
                let index = left.firstIndex(where: { id in
                    ((try? workflow.entry(id))?.needs ?? []).allSatisfy { done.contains($0) || !ids.contains($0) }
                })
            else { return result + left }
            let id = left.remove(at: index)
            done.insert(id)
            result.append(id)
        }
        return result
    }
}
