import Foundation

// Design note
//
// The state of a run lives in three places, and every function says which it touches:
// - `WorkflowScheduler` (one per run, one more per called workflow): which jobs run and in what
//   order, their results and outputs (the `needs` context), matrices, job `if:`, the table.
// - `JobRun` (one per job, per matrix combination): the machine (`RunnerEnvironment`: workspace,
//   RUNNER_TEMP, the files of each step), the process groups, and what carries from step to step
//   across actions: `globalEnv` (GITHUB_ENV additions), `prependPath` (GITHUB_PATH, latest
//   first), `summaries`, `stepNumber`, `jobFailed`. The log with its masks is the run's.
// - `StepScope` (one for the job, one per composite action in use): its inputs, the caller's env
//   context, its defaults, the `steps` context recorded so far and whether one of its steps
//   failed, which is what `success()` and `failure()` read inside it.
//
// Invariants: a step reads the env context as it was before it (never its own GITHUB_ENV
// writes); a step's files are read and applied (`applyFileCommands`) only after its process
// ended; a scope's `failed` changes only through a step's conclusion, so `continue-on-error`
// keeps it false; every process group a step left is killed in `finish`, whatever happened.
// Nothing the run refuses is found after a step ran: `Preflight` checks every selected job first.
//
// Files: `WorkflowScheduler.swift` the jobs, `Preflight.swift` the checks, this one `JobRun` and
// the step loop; `JobRun+Script.swift` a `run:` step, `JobRun+Action.swift` a `uses:` step,
// `JobRun+Node.swift` a JavaScript action (its pre and post stages around the job's steps),
// `Isolation.swift` the `--isolate` sandbox around each step's process, `StepScope.swift` the
// scope and a step's result.
//
// Order of steps for one step (`runStep`): evaluate `env`, then `if:`, then the display name,
// `continue-on-error` and `timeout-minutes`; run it (`runScript` or `runAction`, which pushes a
// new scope); read its file commands; record outcome and conclusion in the scope.
//
// Worked example: steps `a` (`run: echo X=1 >> "$GITHUB_ENV"; exit 3`, `continue-on-error:
// true`) and `b` (`run: echo $X`). `a` exits 3: outcome failure, conclusion success, the scope
// stays not failed; its GITHUB_ENV is still applied, so `b` runs (implicit `success()`) with
// X=1 and prints 1; the job succeeds.

/// Runs a workflow on this machine, the way GitHub and its runner run it: see
/// ``WorkflowScheduler`` for the jobs and ``JobRun`` for the steps of one.
public enum JobRunner {
    /// Reads the workflow, runs the selected jobs and reports them to `output`.
    public static func run(_ options: DryRunOptions, output: LogOutput) throws(DryRunError) -> DryRunResult {
        try WorkflowScheduler.runWorkflow(options, output: output)
    }

    /// Interrupts the runs of this process (for Ctrl-C): the running step's process group gets
    /// SIGINT (SIGKILL on a second call), no further step or job starts, and the run ends as
    /// failed with ``DryRunResult/interrupted`` set.
    public static func interrupt() {
        StepProcess.interrupt()
    }
}

/// One job to run: a job of a workflow, for one matrix combination, with its contexts.
struct JobInstance {
    let workflow: Workflow
    let job: Job
    /// As GitHub names it: `test (ubuntu-latest, 3.12)`, `call / build`.
    let displayName: String
    /// `inputs`, `needs`, `matrix`, `strategy`.
    let inputs: ExpressionValue
    let contexts: [String: ExpressionValue]
    /// The `secrets` context (empty values for a fork's pull request).
    let secrets: ExpressionValue
    /// `GITHUB_TOKEN`'s value, for `github.token`.
    let token: String
}

/// How one job's steps ended.
struct JobRunResult {
    var succeeded: Bool
    var failures: [String]
    var outputs: [NamedValue]
    var summary: String
}

/// Runs the steps of one job on this machine, the way the GitHub Actions runner runs them.
///
/// The job's steps run in order. A step's implicit condition is `success()`: after a failing
/// step only steps whose `if:` calls `always()` or `failure()` run. A failing step (a non-zero
/// exit, a time-out, an expression that fails, a refused workflow command, a malformed
/// `GITHUB_ENV` or `GITHUB_OUTPUT`) fails the job, unless it has `continue-on-error: true`: then
/// its outcome is failure, its conclusion success, and the job goes on as if it had succeeded.
///
/// For each step, in the runner's order: its `env` is evaluated (against the env context before
/// it: workflow `env`, then job `env`, then `GITHUB_ENV` additions of earlier steps), then its
/// `if:`, then its `name`, `timeout-minutes`, and its `run` or `uses`. `GITHUB_ENV` entries
/// become env for later steps, `GITHUB_PATH` lines are put before PATH for later steps (the
/// latest first), `GITHUB_OUTPUT` entries become `steps.<id>.outputs`, and
/// `GITHUB_STEP_SUMMARY` joins the job summary. Job and workflow `defaults.run` give run steps
/// their shell and working directory (relative to the workspace).
///
/// `uses:` runs a composite action from a local path: `./path` under the repository root, or
/// `OWNER/REPO[/PATH]@REF` naming this repository (``DryRunOptions/selfRepository``). Its `with`
/// values and declared defaults, evaluated where the action is used, are its `inputs`; as on
/// GitHub they are not exported as `INPUT_*` variables (actions/runner#665). A `required` input
/// with neither is an error, which GitHub itself does not check. Its steps see
/// `github.action_path` and `GITHUB_ACTION_PATH` (its folder), their own `steps` context, and
/// `success()`/`failure()` for the action's own steps; their env context is the runner's: the
/// job's env, then the calling step's env context (which wins, even over `GITHUB_ENV` written
/// inside the action), then their own `env`. Workflow and job `defaults` do not apply inside.
/// After its steps, `outputs.<name>.value` is evaluated into the calling step's outputs.
/// A local JavaScript action (`runs.using: node20`, …) runs with the machine's `node`, its
/// `post` after the job's last step (see JobRun+Node.swift).
/// Any other action is skipped with a note and succeeds with no outputs, except
/// `actions/cache` (and `actions/cache/restore`), whose `cache-hit` is `'false'`; its `with`
/// is not evaluated.
final class JobRun {
    let options: DryRunOptions
    let instance: JobInstance
    let workflow: Workflow
    let job: Job
    let machine: RunnerEnvironment
    let log: Log
    let processes = StepProcess()
    let secrets: ExpressionValue
    let vars: ExpressionValue
    var globalEnv = EnvironmentList()
    var prependPath: [String] = []
    var jobFailed = false
    var summaries: [String] = []
    var stepNumber = 0
    /// Pre and post stages and state of JavaScript actions (JobRun+Node.swift).
    let actionLifecycle = ActionLifecycle()
    /// `--isolate`: the sandbox each step's process runs in (Isolation.swift).
    var isolation: Isolation?

    /// The deepest nesting of composite actions the runner allows.
    static let maximumDepth = 9

    init(options: DryRunOptions, event: RunEvent, instance: JobInstance, vars: ExpressionValue, log: Log) throws(DryRunError) {
        self.options = options
        self.instance = instance
        workflow = instance.workflow
        job = instance.job
        self.log = log
        secrets = instance.secrets
        self.vars = vars
        machine = try RunnerEnvironment(options: options, event: event, workflow: workflow, job: job, token: instance.token)
    }

    func finish() {
        processes.reapGroups()
        machine.remove()
    }

    func run() throws(DryRunError) -> JobRunResult {
        let annotationsBefore = log.annotations.count
        try prepareIsolation()
        let top = StepScope(
            depth: 0, action: nil, inputs: instance.inputs, callerEnv: EnvironmentList(),
            defaults: job.defaults.overriding(workflow.defaults))
        // An expression that fails in the job's env or outputs fails the job, as on GitHub.
        if let problem = evaluateJobEnvironment(top) {
            log.annotate("Error", problem)
            jobFailed = true
            top.failures.append(problem)
        } else {
            try prepareJavaScriptActions(top)
            try runSteps(job.steps, in: top)
            try runPostStages(top)
        }

        var outputs: [NamedValue] = []
        let context = expressionContext(scope: top, env: globalEnv, github: machine.github)
        for output in job.outputs {
            do {
                let value = try output.template.text(in: context)
                // As the runner does ("Passing information between jobs"): an output holding a
                // masked value is not passed on, so a later job sees it empty, as on GitHub.
                if log.masker.mask(value) != value {
                    log.annotate("Warning", "Skip output '\(output.name)' since it may contain secret.")
                    continue
                }
                outputs.append(NamedValue(output.name, value))
            } catch {
                let problem = "\(job.location.error("outputs.\(output.name)", error).message)"
                log.annotate("Error", problem)
                jobFailed = true
                top.failures.append(problem)
            }
        }
        processes.reapGroups()
        return report(top, outputs: outputs, annotationsBefore: annotationsBefore)
    }

    /// Workflow `env`, then job `env` (which sees the workflow's), into the env every step starts
    /// from; the problem when an expression fails.
    func evaluateJobEnvironment(_ top: StepScope) -> String? {
        for (list, location) in [(workflow.env, SourceLocation(file: workflow.file)), (job.env, job.location)] {
            let context = expressionContext(scope: top, env: globalEnv, github: machine.github)
            var values: [NamedValue] = []
            for variable in list {
                do {
                    values.append(NamedValue(variable.name, try variable.template.text(in: context)))
                } catch {
                    return location.error("env.\(variable.name)", error).message
                }
            }
            for value in values { globalEnv.set(value.name, value.value) }
        }
        return nil
    }

    func report(_ top: StepScope, outputs: [NamedValue], annotationsBefore: Int) -> JobRunResult {
        log.depth = 0
        log.endGroup()
        if !outputs.isEmpty {
            log.plain("")
            log.plain("Job outputs:")
            for output in outputs { log.plain("  \(output.name)=\(output.value)") }
        }
        let annotations = log.annotations.dropFirst(annotationsBefore)
        if !annotations.isEmpty {
            log.plain("")
            log.plain("Annotations:")
            for annotation in annotations { log.plain("  " + annotation) }
        }
        let summary = summaries.joined()
        if !summary.isEmpty {
            log.plain("")
            log.plain("Job summary:")
            log.plain(summary.hasSuffix("\n") ? String(summary.dropLast()) : summary)
        }
        log.plain("")
        if jobFailed {
            log.plain("✗ Job \(instance.displayName) failed")
            for failure in top.failures { log.plain("  ✗ " + failure) }
        } else {
            log.plain("✓ Job \(instance.displayName) succeeded")
        }
        return JobRunResult(succeeded: !jobFailed, failures: top.failures, outputs: outputs, summary: summary)
    }

    // MARK: Steps

    func runSteps(_ steps: [Step], in scope: StepScope) throws(DryRunError) {
        for step in steps {
            if StepProcess.interrupted {
                scope.failed = true
                if scope.action == nil {
                    jobFailed = true
                    log.depth = 0
                    log.plain("Interrupted: step \(step.number) and the steps after it do not run")
                    scope.failures.append("interrupted before step \(step.number)")
                }
                return
            }
            let result = try runStep(step, in: scope)
            if let id = step.id { scope.record(id: id, outcome: result) }
            if result.conclusion == .failure {
                scope.failed = true
                if scope.action == nil { jobFailed = true }
                scope.failures.append(result.failure ?? "step \(step.number) failed")
            }
        }
    }

    /// The `github` context of one step: the job's, plus the step's files, `action` and, inside
    /// a composite action, `action_path` and `action_status`.
    func githubContext(for step: Step, in scope: StepScope, files: StepFiles) -> [(String, ExpressionValue)] {
        var github = machine.github
        stepNumber += 1
        github.append(("action", .string(step.id ?? "__run_\(stepNumber)")))
        if let action = scope.action {
            github.append(("action_path", .string(action.directory)))
            github.append(("action_status", .string(scope.failed ? "failure" : "success")))
        }
        github += [
            ("env", .string(files.env)), ("output", .string(files.output)), ("path", .string(files.path)),
            ("step_summary", .string(files.summary)), ("state", .string(files.state)),
        ]
        return github
    }

    func expressionContext(scope: StepScope, env: EnvironmentList, github: [(String, ExpressionValue)]) -> ExpressionContext {
        ExpressionContext(
            values: [
                "github": .object(github), "env": env.value, "inputs": scope.inputs, "steps": scope.steps,
                "secrets": secrets, "vars": vars, "runner": machine.runner,
                "job": .object([("status", .string(jobFailed ? "failure" : "success"))]),
            ].merging(instance.contexts) { own, _ in own },
            succeeded: !scope.failed
        )
    }

    /// An expression error in a step: something unsupported stops the dry run; anything else
    /// fails the step, as on GitHub, and gives the message to show.
    func stepFailure(_ error: ExpressionError, _ construct: String, _ step: Step) throws(DryRunError) -> String {
        if case .unsupported = error { throw step.location.error(construct, error) }
        return "\(construct): \(error)"
    }

    func runStep(_ step: Step, in scope: StepScope) throws(DryRunError) -> StepResult {
        log.depth = scope.depth
        let files = try machine.stepFiles()
        let github = githubContext(for: step, in: scope, files: files)
        var env = scope.action == nil ? globalEnv : globalEnv.merging(scope.callerEnv)
        var context = expressionContext(scope: scope, env: env, github: github)
        var problem: String?

        var stepEnv: [NamedValue] = []
        for variable in step.env {
            do {
                stepEnv.append(NamedValue(variable.name, try variable.template.text(in: context)))
            } catch {
                problem = try stepFailure(error, "env.\(variable.name)", step)
                break
            }
        }
        for variable in stepEnv { env.set(variable.name, variable.value) }
        context["env"] = env.value

        let name = displayName(of: step, in: context)
        if problem == nil {
            do {
                if try !step.condition.isTrue(in: context) {
                    log.skipped(name, because: step.condition == .success ? "an earlier step failed" : "if: \(step.condition.source)")
                    return StepResult(outcome: .skipped, conclusion: .skipped)
                }
            } catch {
                problem = try stepFailure(error, "if", step)
            }
        }
        log.header(name)
        var result: StepResult
        if let problem {
            log.annotate("Error", problem)
            result = StepResult(outcome: .failure, conclusion: .failure, failure: problem)
        } else {
            switch step.body {
            case .run(let script, _, let shell, let workingDirectory):
                result = try runScript(
                    step, script: script, shell: shell, workingDirectory: workingDirectory, scope: scope, context: context, env: env,
                    github: github, files: files)
            case .uses(let reference, let with):
                result = try runAction(step, reference: reference, with: with, scope: scope, context: context, env: env)
            }
        }
        log.depth = scope.depth
        log.endGroup()

        if result.outcome == .failure {
            result.failure = "step \(step.number) \(SourceLocation.quoted(name)): \(result.failure ?? "failed")"
            switch try continuesOnError(step, context: context) {
            case .success(true):
                log.note("continue-on-error: the step failed; the job goes on")
                result.conclusion = .success
            case .success(false): break
            case .failure(let problem):
                log.annotate(
                    "Error",
                    "The step failed and an error occurred when attempting to determine whether to continue on error: \(problem.message)")
            }
        }
        return result
    }

    /// The name the log shows: `name` evaluated (as written if it cannot be), else the runner's default.
    func displayName(of step: Step, in context: ExpressionContext) -> String {
        guard let name = step.name else { return step.defaultName }
        if let text = try? name.text(in: context) { return text }
        return name.parts.map { part in
            switch part {
            case .text(let text): text
            case .expression(_, let source): "${{ \(source) }}"
            }
        }.joined()
    }

    /// `continue-on-error` once the step failed. A value that is not true or false is a problem
    /// (the message), which the runner treats as "do not continue" (StepsRunner.cs: "an error
    /// occurred when attempting to determine whether to continue on error"); only an unsupported
    /// expression stops the run, and Preflight finds those before anything runs.
    func continuesOnError(_ step: Step, context: ExpressionContext) throws(DryRunError) -> Result<Bool, StepValueProblem> {
        guard let template = step.continueOnError else { return .success(false) }
        let value: ExpressionValue
        do {
            value = try template.value(in: context)
        } catch {
            return .failure(StepValueProblem(try stepFailure(error, "continue-on-error", step)))
        }
        switch value {
        case .bool(let flag): return .success(flag)
        case .string(let text) where ["true", "false"].contains(text.lowercased()): return .success(text.lowercased() == "true")
        default: return .failure(StepValueProblem("continue-on-error: '\(value.text)' is not true or false"))
        }
    }

    /// `timeout-minutes`: nil for none; a value that is not a whole number fails the step (a
    /// problem), as on GitHub. Clamped to `Int32.max` minutes, as the runner's int is.
    func timeout(of step: Step, context: ExpressionContext) throws(DryRunError) -> Result<(Duration, Int)?, StepValueProblem> {
        guard let template = step.timeoutMinutes else { return .success(nil) }
        let value: ExpressionValue
        do {
            value = try template.value(in: context)
        } catch {
            return .failure(StepValueProblem(try stepFailure(error, "timeout-minutes", step)))
        }
        let minutes = value.number
        guard minutes.isFinite, minutes == minutes.rounded(), value.isPrimitive, value != .null else {
            return .failure(StepValueProblem("timeout-minutes: '\(value.text)' is not a whole number of minutes"))
        }
        guard minutes > 0 else { return .success(nil) }
        let whole = Int(min(minutes, Double(Int32.max)))
        return .success((options.minute * whole, whole))
    }
}

/// A step setting (`continue-on-error`, `timeout-minutes`) whose value fails the step.
struct StepValueProblem: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
