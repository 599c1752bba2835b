import Foundation

/// Runs the jobs of one workflow (the triggered one, or one a job calls) the way GitHub
/// schedules them, one at a time on this machine.
///
/// - **Which jobs.** Every job, or with `--job J` J after the jobs it needs (through their own
///   needs); with `--only`, J alone, its needs taken as succeeded with empty outputs.
/// - **Order.** A job starts once every job it needs has ended; among the ready ones, the first
///   in the file.
/// - **Job `if:`.** Evaluated with `github`, `needs`, `vars` and `inputs`; its status functions
///   look at every job it needs, directly or not (``JobCondition``). Without one, a job runs only
///   when all of them succeeded: a failed or skipped need skips it.
/// - **Matrices.** `strategy.matrix` is evaluated (it may use `needs`, as `fromJSON(needs.a.outputs.m)`)
///   and expanded as GitHub does (``MatrixExpansion``), filtered by `--matrix`; each combination
///   runs as a job named `name (value, value)`, one after another whatever `max-parallel` says.
///   With `fail-fast` (the default), a failing combination cancels the ones not yet run, unless
///   the job has `continue-on-error`.
/// - **Results.** A job's result for `needs.<id>.result` is failure when a combination failed
///   (without `continue-on-error`), cancelled when one was cancelled, skipped when it was skipped,
///   else success; its outputs are each combination's, a later non-empty value winning.
/// - **Reusable workflows.** A job with `uses: ./.github/workflows/x.yml` runs that workflow's
///   jobs (named `caller / job`) with its `with:` as typed `inputs` and the secrets it passes
///   (`inherit`: all); its outputs are the called workflow's `on.workflow_call.outputs`,
///   evaluated with the `jobs` context. A remote one is not run: a note, and it counts as
///   succeeded with no outputs.
final class WorkflowScheduler {
    let run: LocalRun
    let workflow: Workflow
    let inputs: ExpressionValue
    /// The secrets this workflow is given, before a fork empties them.
    let secrets: [NamedValue]
    /// 1 for the triggered workflow, 2 for one it calls, …
    let level: Int
    /// `caller / ` for the jobs of a called workflow.
    let namePrefix: String
    private(set) var outcomes: [String: JobOutcome] = [:]

    /// GitHub runs at most four levels of workflows (the caller and three nested calls).
    static let maximumLevel = 4

    struct JobOutcome {
        var result: JobReport.Result
        var outputs: [NamedValue]

        var context: ExpressionValue {
            .object([("result", .string(result.rawValue)), ("outputs", .strings(outputs.map { ($0.name, $0.value) }))])
        }
    }

    init(run: LocalRun, workflow: Workflow, inputs: ExpressionValue, secrets: [NamedValue], level: Int, namePrefix: String) {
        self.run = run
        self.workflow = workflow
        self.inputs = inputs
        self.secrets = secrets
        self.level = level
        self.namePrefix = namePrefix
    }

    var log: Log { run.log }
    var options: DryRunOptions { run.options }

    // MARK: The run

    /// Reads the workflow, checks what will run, runs it and reports it.
    static func runWorkflow(_ options: DryRunOptions, output: LogOutput) throws(DryRunError) -> DryRunResult {
        let log = Log(output: output)
        let workflow = try Workflow.load(options.workflowFile)
        let event = options.event ?? defaultEvent(of: workflow)
        let declared: [WorkflowInput]
        switch event.name {
        case "workflow_dispatch": declared = workflow.dispatchInputs
        case "workflow_call": declared = workflow.call?.inputs ?? []
        default: declared = []
        }
        if !options.inputs.isEmpty, declared.isEmpty {
            throw DryRunError(
                "--input: \(workflow.file) declares no inputs for \(event.name) (inputs come with workflow_dispatch or workflow_call: give --event workflow_dispatch)"
            )
        }
        // Input defaults may use github (without the payload, which holds the inputs) and vars.
        let bare = try RunEvent.make(
            event, options: options, workflowPath: RunnerEnvironment.workflowPath(workflow.file), dispatchInputs: [])
        let vars = ExpressionValue.strings(options.vars.map { ($0.name, $0.value) })
        let early = ExpressionContext(values: [
            "github": .object(bare.github(options: options, workflow: workflow, jobID: "", workspace: "", eventPath: "", token: "")),
            "vars": vars,
        ])
        let given = options.inputs.map { ($0.name, ExpressionValue.string($0.value)) }
        let inputs = try resolveInputs(declared, given: given, context: early, what: "--input", at: SourceLocation(file: workflow.file))
        let runEvent = try RunEvent.make(
            event, options: options, workflowPath: RunnerEnvironment.workflowPath(workflow.file), dispatchInputs: inputs)

        let run = LocalRun(options: options, log: log, event: runEvent)
        // The runner knows its secrets before the first line: their values never show.
        for secret in options.secrets { log.addMask(secret.value) }
        let debug = (options.secrets + options.vars).contains { $0.name == "ACTIONS_STEP_DEBUG" && $0.value.lowercased() == "true" }
        log.showDebug = debug && !runEvent.fromFork
        let scheduler = WorkflowScheduler(
            run: run, workflow: workflow, inputs: .object(inputs), secrets: options.secrets, level: 1, namePrefix: "")

        let (selected, assumed) = try scheduler.selection()
        let notes = try Preflight(run: run).check(scheduler, selected: selected, assumed: assumed)

        let from = runEvent.fromFork ? " (from a fork: secrets are empty)" : ""
        log.plain(
            "Local run of \(workflow.file): event \(event.name)\(from), ref \(runEvent.ref); jobs \(selected.joined(separator: ", "))")
        if !workflow.events.contains(event.name) {
            log.note("on: lists \(workflow.events.joined(separator: ", ")), not \(event.name); GitHub would not start this workflow for it")
        }
        for note in runEvent.notes + notes { log.note(note) }
        if !inputs.isEmpty {
            log.note("inputs: " + inputs.map { "\($0.0)=\($0.1.isPrimitive ? $0.1.text : $0.1.json())" }.joined(separator: ", "))
        }
        for id in assumed {
            log.note("needs: \(id) taken as succeeded with empty outputs (--only); it does not run")
        }

        if options.checkOnly {
            log.plain("Checked: \(selected.count) job\(selected.count == 1 ? "" : "s") can run here; nothing ran (--check)")
            return DryRunResult(succeeded: true, failures: [], outputs: [], summary: "", interrupted: false)
        }
        try scheduler.runJobs(selected, assumed: assumed)
        run.printTable()

        let failed = run.reports.indices.contains { index in
            [.failure, .cancelled, .refused].contains(run.reports[index].result) && !run.tolerated.contains(index)
        }
        let several = run.reports.count > 1
        let outputs: [NamedValue] =
            options.job.flatMap { scheduler.outcomes[$0]?.outputs }
            ?? (workflow.entries.count == 1 ? scheduler.outcomes[workflow.entries[0].id]?.outputs ?? [] : [])
        return DryRunResult(
            succeeded: !failed && !StepProcess.interrupted,
            failures: run.failures.map { several ? "job \($0.0): \($0.1)" : $0.1 },
            outputs: outputs,
            summary: run.summaries.joined(),
            interrupted: StepProcess.interrupted,
            jobs: run.reports,
            refused: run.refused
        )
    }

    /// `push` when the workflow lists it (or lists nothing the run knows), else its first event.
    static func defaultEvent(of workflow: Workflow) -> DryRunEvent {
        if workflow.events.contains("push") || workflow.events.isEmpty { return .push }
        return DryRunEvent(argument: workflow.events[0]) ?? .push
    }

    /// The `inputs` context: each declared input from `given`, else its default, else its type's
    /// zero value; typed as declared. Unknown or missing required inputs are errors.
    static func resolveInputs(
        _ declared: [WorkflowInput], given: [(String, ExpressionValue)], context: ExpressionContext, what: String,
        at location: SourceLocation, computed: Set<String> = []
    ) throws(DryRunError) -> [(String, ExpressionValue)] {
        let names = Set(declared.map { $0.name.lowercased() })
        if let unknown = given.first(where: { !names.contains($0.0.lowercased()) }) {
            let known = declared.map(\.name).joined(separator: ", ")
            throw location.error("\(what) \(unknown.0): no such input (the inputs are: \(known.isEmpty ? "none" : known))")
        }
        var context = context
        var result: [(String, ExpressionValue)] = []
        for input in declared {
            var value: ExpressionValue
            var strict = false
            if let given = given.last(where: { $0.0.lowercased() == input.name.lowercased() }) {
                value = given.1
                // An expression's value keeps its type: a string for a boolean or a number is
                // refused, as GitHub does; text written in the file is read as YAML reads it.
                strict = computed.contains(input.name.lowercased())
            } else if let defaultValue = input.defaultValue {
                do {
                    value = try defaultValue.value(in: context)
                } catch {
                    throw location.error("inputs.\(input.name).default", error)
                }
            } else if input.required {
                throw location.error(
                    "input '\(input.name)' is required and has no default: give it with \(what == "--input" ? "--input \(input.name)=VALUE" : "with:")"
                )
            } else {
                value = input.zeroValue
            }
            switch input.typed(value, strict: strict) {
            case .success(let typed): value = typed
            case .failure(let problem): throw location.error("\(what): \(problem.message)")
            }
            result.append((input.name, value))
            context["inputs"] = .object(result)
        }
        return result
    }

    /// The jobs to run and those taken as done (`--only`), in file order.
    func selection() throws(DryRunError) -> (selected: [String], assumed: [String]) {
        guard let target = options.job else {
            if options.only { throw DryRunError("--only needs --job") }
            return (workflow.entries.map(\.id), [])
        }
        let entry = try workflow.entry(target)
        if options.only { return ([target], entry.needs) }
        var wanted: Set<String> = [target]
        var queue = [target]
        while let id = queue.popLast() {
            for need in (try? workflow.entry(id))?.needs ?? [] where wanted.insert(need).inserted { queue.append(need) }
        }
        return (workflow.entries.map(\.id).filter(wanted.contains), [])
    }

    /// `ids` in an order where every job comes after those it needs; the first ready in the file first.
    func order(_ ids: [String]) -> [String] {
        Self.order(ids, in: workflow)
    }

    /// Every job `id` needs, directly or through their needs.
    func ancestors(of id: String) -> Set<String> {
        var found: Set<String> = []
        var queue = (try? workflow.entry(id))?.needs ?? []
        while let next = queue.popLast() {
            if found.insert(next).inserted { queue += (try? workflow.entry(next))?.needs ?? [] }
        }
        return found
    }

    func runJobs(_ selected: [String], assumed: [String]) throws(DryRunError) {
        for id in assumed { outcomes[id] = JobOutcome(result: .success, outputs: []) }
        for id in order(selected) {
            let job = try workflow.job(named: id)
            outcomes[id] = try runJob(job)
        }
    }

    /// The contexts a job's `if:`, `strategy`, `runs-on` and `with:` see.
    func jobContext(_ job: Job) -> ExpressionContext {
        let needs = ExpressionValue.object(job.needs.map { ($0, (outcomes[$0] ?? JobOutcome(result: .skipped, outputs: [])).context) })
        return ExpressionContext(values: [
            "github": run.github(workflow, jobID: job.id), "needs": needs, "vars": run.vars, "inputs": inputs,
        ])
    }

    private func name(of job: Job) -> String {
        namePrefix + job.id
    }

    // MARK: One job

    func runJob(_ job: Job) throws(DryRunError) -> JobOutcome {
        let plainName = namePrefix + ((try? job.name?.text(in: jobContext(job))) ?? job.id)
        if StepProcess.interrupted {
            run.report(plainName, .cancelled, "not started: interrupted")
            return JobOutcome(result: .cancelled, outputs: [])
        }
        var context = jobContext(job)

        // The job's `if:`, its status functions over every job it needs.
        let before = ancestors(of: job.id).compactMap { outcomes[$0]?.result }
        let status = JobCondition.Status(
            succeeded: before.allSatisfy { $0 == .success }, failed: before.contains(.failure), cancelled: StepProcess.interrupted)
        let condition = job.condition ?? (try! JobCondition("success()"))
        do {
            if try !condition.isTrue(in: context, status: status) {
                let reason =
                    job.condition.map { "if: \($0.source) is false" }
                    ?? "a job it needs did not succeed (\(job.needs.filter { outcomes[$0]?.result != .success }.joined(separator: ", ")))"
                log.plain("")
                log.plain("○ Job \(plainName) skipped: \(reason)")
                run.report(plainName, .skipped, reason)
                return JobOutcome(result: .skipped, outputs: [])
            }
        } catch {
            let message = "if: \(condition.source): \(error)"
            return fail(plainName, message)
        }

        // The matrix, known now that the jobs it needs have run.
        var combinations: [MatrixCombination?] = [nil]
        if let matrix = job.strategy?.matrix {
            let value: ExpressionValue
            do {
                value = try matrix.evaluated(in: context)
            } catch {
                return fail(plainName, "strategy.matrix: \(error)")
            }
            switch MatrixExpansion.combinations(value) {
            case .failure(let problem): return fail(plainName, problem.message)
            case .success(let all):
                let picked = MatrixExpansion.filter(all, by: options.matrix)
                if picked.isEmpty {
                    let reason = all.isEmpty ? "the matrix has no combinations" : "no combination matches --matrix"
                    log.plain("")
                    log.plain("○ Job \(plainName) skipped: \(reason)")
                    run.report(plainName, .skipped, reason)
                    return JobOutcome(result: .skipped, outputs: [])
                }
                if picked.count < all.count {
                    log.note("\(plainName): \(picked.count) of \(all.count) matrix combinations, as --matrix picks")
                }
                combinations = picked
            }
        }
        let failFast = Self.flag(job.strategy?.failFast, in: context) ?? true
        let maxParallel = (try? job.strategy?.maxParallel?.value(in: context))?.number
        if combinations.count > 1 {
            let limit = maxParallel.map { " (max-parallel \(ExpressionValue.number($0).text))" } ?? ""
            log.note(
                "\(plainName): \(combinations.count) combinations, run one after another here\(limit); fail-fast \(failFast ? "on" : "off")"
            )
        }

        var results: [JobReport.Result] = []
        var outputs: [NamedValue] = []
        var cancelledBy: String?
        for (index, combination) in combinations.enumerated() {
            var contexts = context.values
            contexts["matrix"] = combination?.context ?? .object([])
            contexts["strategy"] = .object([
                ("fail-fast", .bool(failFast)), ("job-index", .number(Double(index))),
                ("job-total", .number(Double(combinations.count))),
                ("max-parallel", .number(maxParallel ?? Double(combinations.count))),
            ])
            context.values = contexts
            let displayName = self.displayName(job, combination, context)
            if let cancelledBy {
                log.plain("")
                log.plain("⊘ Job \(displayName) cancelled: fail-fast, \(cancelledBy) failed")
                run.report(displayName, .cancelled, "fail-fast: \(cancelledBy) failed")
                results.append(.cancelled)
                continue
            }
            if StepProcess.interrupted {
                run.report(displayName, .cancelled, "not started: interrupted")
                results.append(.cancelled)
                continue
            }
            let continueOnError = Self.flag(job.continueOnError, in: context) ?? false
            let instance = try runInstance(job, displayName: displayName, context: context)
            outputs = Self.merge(outputs, instance.outputs)
            if instance.result == .failure, continueOnError {
                log.note("continue-on-error: job \(displayName) failed; the run goes on as if it had not")
                results.append(.success)
                if let last = run.reports.indices.last {
                    run.reports[last].reason += " (continue-on-error)"
                    run.tolerated.insert(last)
                }
                continue
            }
            results.append(instance.result)
            if instance.result == .failure, failFast, combination != nil { cancelledBy = displayName }
        }
        let result: JobReport.Result =
            results.contains(.failure)
            ? .failure
            : results.contains(.refused)
                ? .failure : results.contains(.cancelled) ? .cancelled : results.allSatisfy { $0 == .skipped } ? .skipped : .success
        return JobOutcome(result: result, outputs: outputs)
    }

    /// As GitHub names a job: its `name` (or id), and for a matrix combination its values in
    /// parentheses, unless the name itself uses `matrix` (then the evaluated name alone).
    func displayName(_ job: Job, _ combination: MatrixCombination?, _ context: ExpressionContext) -> String {
        let base = (try? job.name?.text(in: context)) ?? job.id
        guard let combination, job.name?.hasExpressions != true else { return namePrefix + base }
        let label = combination.label
        return namePrefix + (label.isEmpty ? base : "\(base) (\(label))")
    }

    /// One job for one combination: refused, or its steps (or the workflow it calls) run.
    func runInstance(_ job: Job, displayName: String, context: ExpressionContext) throws(DryRunError) -> JobOutcome {
        var labels: [String] = []
        for template in job.runsOn {
            do {
                labels.append(try template.text(in: context))
            } catch {
                return fail(displayName, "runs-on: \(error)")
            }
        }
        if let platform = RunnerPlatform.foreign(labels) {
            if !options.runsOnHost {
                let reason = RunnerPlatform.refusal(labels, platform: platform, inMatrix: context["matrix"] != .object([]))
                log.plain("")
                log.plain("! Job \(displayName) refused: \(reason)")
                run.report(displayName, .refused, reason)
                run.refused = true
                return JobOutcome(result: .refused, outputs: [])
            }
        }
        switch job.body {
        case .call(let call):
            return try runCall(job, call, displayName: displayName, context: context)
        case .steps:
            let secrets = secretsForJobs
            let token = run.event.fromFork ? "" : secrets.last { $0.name.uppercased() == "GITHUB_TOKEN" }?.value ?? ""
            let instance = JobInstance(
                workflow: workflow, job: job, displayName: displayName, inputs: inputs,
                contexts: [
                    "needs": context["needs"] ?? .object([]), "matrix": context["matrix"] ?? .object([]),
                    "strategy": context["strategy"] ?? .object([]),
                ],
                secrets: run.secretsContext(secrets), token: token)
            let jobRun = try JobRun(options: options, event: run.event, instance: instance, vars: run.vars, log: log)
            defer { jobRun.finish() }
            log.plain("")
            log.plain("■ Job \(displayName): workspace \(jobRun.machine.workspace)")
            if let platform = RunnerPlatform.foreign(labels) {
                log.note(
                    "runs-on \(labels.joined(separator: ", ")) is a \(platform) runner, run here with --runs-on-host: steps use this machine's shell (bash) and OS (runner.os \(RunnerEnvironment.platform().0)), not \(platform)'s"
                )
            }
            let result = try jobRun.run()
            if !result.summary.isEmpty { run.summaries.append(result.summary) }
            for failure in result.failures { run.failures.append((displayName, failure)) }
            let outcome: JobReport.Result = result.succeeded ? .success : .failure
            run.report(displayName, outcome, result.succeeded ? "" : result.failures.first ?? "", outputs: result.outputs)
            return JobOutcome(result: outcome, outputs: result.outputs)
        }
    }

    /// The secrets a job of this workflow sees: those given, and `GITHUB_TOKEN` always.
    var secretsForJobs: [NamedValue] { secrets }

    /// A job that fails before its steps (an expression GitHub would fail on).
    func fail(_ name: String, _ message: String) -> JobOutcome {
        log.plain("")
        log.plain("✗ Job \(name) failed: \(message)")
        run.report(name, .failure, message)
        run.failures.append((name, message))
        return JobOutcome(result: .failure, outputs: [])
    }

    // MARK: Reusable workflows

    func runCall(
        _ job: Job, _ call: ReusableWorkflowCall, displayName: String, context: ExpressionContext
    ) throws(DryRunError) -> JobOutcome {
        guard let path = LocalReference.path(call.uses, options: options) else {
            let reason = "\(call.uses) is a remote reusable workflow, not run by the local run: taken as succeeded with no outputs"
            log.plain("")
            log.plain("○ Job \(displayName): \(reason)")
            run.report(displayName, .success, "not run: remote reusable workflow")
            return JobOutcome(result: .success, outputs: [])
        }
        let called = try run.workflow(at: path, for: job, uses: call.uses)
        let interface = called.call ?? WorkflowCallInterface(inputs: [], secrets: [], outputs: [])

        // `with:` evaluated where the job is (without secrets, which Preflight refuses there), typed
        // as the called workflow declares; only `secrets:` sees the secrets.
        var callContext = context
        callContext["secrets"] = run.secretsContext(secretsForJobs)
        var given: [(String, ExpressionValue)] = []
        var computed: Set<String> = []
        for input in call.with {
            if input.template.hasExpressions { computed.insert(input.name.lowercased()) }
            do {
                given.append((input.name, try input.template.value(in: context)))
            } catch {
                return fail(displayName, "with.\(input.name): \(error)")
            }
        }
        let calledInputs: [(String, ExpressionValue)]
        do {
            calledInputs = try Self.resolveInputs(
                interface.inputs, given: given,
                context: ExpressionContext(values: ["github": context["github"] ?? .null, "vars": run.vars]),
                what: "with", at: job.location, computed: computed)
        } catch {
            return fail(displayName, error.message)
        }
        var passed: [NamedValue]
        switch call.secrets {
        case .inherit:
            passed = secretsForJobs
        case .named(let templates):
            passed = []
            for secret in templates {
                do {
                    passed.append(NamedValue(secret.name, try secret.template.text(in: callContext)))
                } catch {
                    return fail(displayName, "secrets.\(secret.name): \(error)")
                }
            }
            passed += secretsForJobs.filter { $0.name.uppercased() == "GITHUB_TOKEN" }
        }
        for value in passed where !value.value.isEmpty { log.addMask(value.value) }

        log.plain("")
        log.plain("■ Job \(displayName) calls \(call.uses)")
        let inner = WorkflowScheduler(
            run: run, workflow: called, inputs: .object(calledInputs), secrets: passed, level: level + 1, namePrefix: displayName + " / ")
        try inner.runJobs(called.entries.map(\.id), assumed: [])

        let jobs = ExpressionValue.object(
            called.entries.map { ($0.id, (inner.outcomes[$0.id] ?? JobOutcome(result: .skipped, outputs: [])).context) })
        let outputsContext = ExpressionContext(values: [
            "github": context["github"] ?? .null, "inputs": .object(calledInputs), "vars": run.vars, "jobs": jobs,
        ])
        var outputs: [NamedValue] = []
        for output in interface.outputs {
            do {
                outputs.append(NamedValue(output.name, try output.template.text(in: outputsContext)))
            } catch {
                return fail(displayName, "\(called.file): on.workflow_call.outputs.\(output.name): \(error)")
            }
        }
        let results = inner.outcomes.values.map(\.result)
        let result: JobReport.Result = results.contains(.failure) ? .failure : results.contains(.cancelled) ? .cancelled : .success
        if !outputs.isEmpty {
            log.plain("")
            log.plain("Outputs of \(displayName):")
            for output in outputs { log.plain("  \(output.name)=\(output.value)") }
        }
        return JobOutcome(result: result, outputs: outputs)
    }

    // MARK: Helpers

    /// A `true`/`false` setting that may be an expression; nil when absent or neither.
    static func flag(_ template: Template?, in context: ExpressionContext) -> Bool? {
        guard let template, let value = try? template.value(in: context) else { return nil }
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return text.lowercased() == "true"
        default: return nil
        }
    }

    /// Outputs of matrix combinations: a later non-empty value wins.
    static func merge(_ earlier: [NamedValue], _ later: [NamedValue]) -> [NamedValue] {
        var result = earlier
        for output in later {
            if let index = result.firstIndex(where: { $0.name == output.name }) {
                if !output.value.isEmpty { result[index] = output }
            } else {
                result.append(output)
            }
        }
        return result
    }
}

extension LocalRun {
    /// The reusable workflow at `path`, read once per run; it must declare `on: workflow_call`.
    func workflow(at path: String, for job: Job, uses: String) throws(DryRunError) -> Workflow {
        if let known = calledWorkflows[path] { return known }
        let relative = path.hasPrefix(options.repositoryRoot + "/") ? String(path.dropFirst(options.repositoryRoot.count + 1)) : path
        let called: Workflow
        do {
            called = try Workflow.load(path, file: relative)
        } catch {
            throw job.location.error("uses: \(uses): \(error.message)")
        }
        guard called.call != nil else {
            throw job.location.error("uses: \(uses): \(relative) is not a reusable workflow (its on: has no workflow_call)")
        }
        calledWorkflows[path] = called
        return called
    }
}
