import Foundation
import Platform

// Local JavaScript actions (`runs.using: node12/16/20/24`), run the way the runner runs them; the
// runner's files named below are in actions/runner (github.com/actions/runner, src/Runner.Worker).
//
// - Before the job's first step (`prepareJavaScriptActions`): every local action the job's steps
//   use, through composite actions, is read; if one is a JavaScript action and `node` is not on
//   the machine's PATH, the job is refused before anything ran. (The runner brings its own node
//   in externals/; the local run uses the machine's.)
// - `pre` (ActionManager.cs, `PrepareActionsAsync`): the runner runs it at the start of the job
//   only for actions it downloads, never for a `./path` action (ActionRunner.cs warns "`pre`
//   execution is not supported for local action from '…'" when the main stage runs). So here
//   `pre` runs before the job's first step for this repository's own actions named
//   `OWNER/REPO/PATH@REF` (which GitHub downloads), and a `./path` action gets the warning.
//   Only the job's own steps have a pre stage here; inside a composite action it is left out with
//   a note.
// - main (NodeScriptActionHandler.cs): `node <main>` in the workspace, with the step's
//   environment, `INPUT_<NAME>` for every input (Handler.cs `AddInputsToEnvironment`: the name
//   upper-cased, spaces as `_`; declared defaults applied, `with` values the action does not
//   declare included), `STATE_<NAME>` for the state its earlier stages saved (ActionRunner.cs),
//   and no `NODE_ICU_DATA`. A non-zero exit fails the step. Workflow commands on its output and
//   the file commands (`GITHUB_ENV`, `GITHUB_PATH`, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`,
//   `GITHUB_STATE`) are handled as for a run step.
// - `post` (ActionRunner.cs `RegisterPostJobStep`, StepsRunner.cs): registered when the pre or
//   the main stage starts (once), so it runs even when main fails or, after a pre stage, is skipped; after the job's last step the registered post
//   stages run in reverse order, each as a step of its own named `Post <name>`, its `post-if`
//   (default `always()`) evaluated against the job's status, its `with` and `env` evaluated again.
//   A failing post stage fails the job. After an interruption no post stage runs.
// - State (`::save-state name=N::V` or `N=V` in `GITHUB_STATE`) is kept per use of the action and
//   given to its later stages as `STATE_N`.

/// What the job's JavaScript actions carry from stage to stage.
final class ActionLifecycle {
    /// `node`, found on the machine's PATH before the first step.
    var node: String?
    /// What `node --version` said (`v20.20.2`).
    var nodeVersion: String?
    /// The action files whose node version was noted: once each.
    var versionNoted: Set<String> = []
    /// Post stages in the order their main stages started; they run reversed.
    var posts: [PostStage] = []
    /// The state each pre stage saved, by the job step's number.
    var preStates: [Int: ActionState] = [:]
}

/// `STATE_*` of one use of a JavaScript action.
final class ActionState {
    private(set) var values: [NamedValue] = []

    func save(_ entries: [NamedValue]) {
        for entry in entries {
            values.removeAll { $0.name.lowercased() == entry.name.lowercased() }
            values.append(entry)
        }
    }
}

/// A post stage registered by a main stage.
struct PostStage {
    let step: Step
    let reference: String
    let action: NodeAction
    let scope: StepScope
    let name: String
    let state: ActionState
}

extension JobRun {
    // MARK: Before the first step

    /// Refuses the job when it uses a JavaScript action and `node` is not on PATH; then runs the
    /// pre stages. Called before the job's first step.
    func prepareJavaScriptActions(_ top: StepScope) throws(DryRunError) {
        var found: [(step: Step, reference: String, action: NodeAction, top: Bool)] = []
        func walk(_ steps: [Step], depth: Int) {
            for step in steps {
                guard case .uses(let reference, _) = step.body, let folder = localAction(reference),
                    let definition = try? ActionDefinition.load(directory: (folder as NSString).standardizingPath)
                else { continue }
                switch definition {
                case .node(let action): found.append((step, reference, action, depth == 0))
                case .composite(let action) where depth < Self.maximumDepth: walk(action.steps, depth: depth + 1)
                case .composite: break
                }
            }
        }
        walk(job.steps, depth: 0)
        guard let first = found.first else { return }
        let path = machine.baseEnvironment["PATH"] ?? ""
        guard let node = Shell.which("node", in: path) else {
            throw job.location.error(
                "uses: \(first.reference) is a JavaScript action (runs.using: \(first.action.using)), which the local run starts with "
                    + "this machine's node, and node is not on PATH (\(path)). Install Node.js (Debian and Ubuntu: apt-get install nodejs) "
                    + "or run a job without it; no step has run.")
        }
        actionLifecycle.node = node
        var version: [String] = []
        _ = processes.run(
            executable: node, arguments: ["--version"], environment: ["PATH": path], directory: machine.workspace, timeout: nil
        ) { version.append($0) }
        actionLifecycle.nodeVersion = version.first.flatMap { $0.hasPrefix("v") ? $0 : nil }

        for use in found where use.top && use.action.pre != nil && !use.reference.hasPrefix(".") {
            if StepProcess.interrupted { return }
            let state = ActionState()
            actionLifecycle.preStates[use.step.number] = state
            var name = ""
            let result = try runStage(
                .pre, step: use.step, reference: use.reference, action: use.action, scope: top, name: nil, state: state, shown: &name)
            // ActionRunner.cs registers the post stage when the pre stage runs, too: it then runs
            // even if the main stage is skipped.
            if result != nil, use.action.post != nil {
                actionLifecycle.posts.append(
                    PostStage(step: use.step, reference: use.reference, action: use.action, scope: top, name: name, state: state))
            }
            if let result, result.conclusion == .failure {
                top.failed = true
                jobFailed = true
                top.failures.append(result.failure ?? "pre of step \(use.step.number) failed")
            }
        }
    }

    // MARK: After the last step

    /// Runs the registered post stages, the latest first.
    func runPostStages(_ top: StepScope) throws(DryRunError) {
        let posts = actionLifecycle.posts
        actionLifecycle.posts = []
        for post in posts.reversed() {
            if StepProcess.interrupted {
                log.depth = 0
                log.plain("Interrupted: the post stages of JavaScript actions do not run")
                return
            }
            var shown = ""
            let result = try runStage(
                .post, step: post.step, reference: post.reference, action: post.action, scope: post.scope, name: post.name,
                state: post.state, shown: &shown)
            if let result, result.conclusion == .failure {
                top.failed = true
                jobFailed = true
                top.failures.append(result.failure ?? "post of step \(post.step.number) failed")
            }
        }
    }

    enum Stage: String {
        case pre = "Pre", post = "Post"
    }

    /// A pre or post stage as a step of its own: its `env`, its `pre-if` or `post-if` (against
    /// the job's status), a header, then the script. Nil when its condition is false. `shown` is
    /// the step's name, without `Pre ` or `Post `.
    func runStage(
        _ stage: Stage, step: Step, reference: String, action: NodeAction, scope: StepScope, name: String?, state: ActionState,
        shown: inout String
    ) throws(DryRunError) -> StepResult? {
        log.depth = scope.depth
        let files = try machine.stepFiles()
        let github = githubContext(for: step, in: scope, files: files)
        var env = scope.action == nil ? globalEnv : globalEnv.merging(scope.callerEnv)
        var context = expressionContext(scope: scope, env: env, github: github)
        context.succeeded = !jobFailed
        let label = "\(stage.rawValue.lowercased()) of step \(step.number)"
        func failed(_ message: String) -> StepResult {
            log.annotate("Error", message)
            return StepResult(outcome: .failure, conclusion: .failure, failure: "\(label): \(message)")
        }
        var problem: String?
        for variable in step.env {
            do {
                env.set(variable.name, try variable.template.text(in: context))
            } catch {
                problem = try stepFailure(error, "env.\(variable.name)", step)
                break
            }
        }
        context["env"] = env.value
        shown = name ?? displayName(of: step, in: context)
        let title = "\(stage.rawValue) \(shown)"
        let condition = stage == .pre ? action.preCondition : action.postCondition
        if problem == nil {
            do {
                if try !condition.isTrue(in: context) {
                    log.skipped(title, because: "\(stage == .pre ? "pre-if" : "post-if"): \(condition.source)")
                    return nil
                }
            } catch {
                problem = try stepFailure(error, stage == .pre ? "runs.pre-if" : "runs.post-if", step)
            }
        }
        log.header(title)
        defer {
            log.depth = scope.depth
            log.endGroup()
        }
        if let problem { return failed(problem) }
        guard case .uses(_, let with) = step.body else { return nil }
        let inputs: [(String, String)]
        switch try actionInputs(
            step, reference: reference, with: with, declared: action.inputs, file: action.file, context: context, undeclared: true)
        {
        case .values(let values): inputs = values
        case .failed(let result): return StepResult(outcome: .failure, conclusion: .failure, failure: "\(label): \(result.failure ?? "")")
        }
        let script = (stage == .pre ? action.pre : action.post) ?? ""
        var result = try runNodeScript(
            action.path(of: script), action: action, inputs: inputs, state: state, env: env, github: github, files: files, timeout: nil)
        if result.outcome == .failure { result.failure = "\(label) \(SourceLocation.quoted(title)): \(result.failure ?? "failed")" }
        return result
    }

    // MARK: The main stage

    /// A `uses:` step naming a local JavaScript action: its main stage, after registering its post stage.
    func runNodeAction(
        _ step: Step, reference: String, with: [NamedTemplate], action: NodeAction, scope: StepScope, context: ExpressionContext,
        env: EnvironmentList
    ) throws(DryRunError) -> StepResult {
        let state = scope.action == nil ? actionLifecycle.preStates[step.number] ?? ActionState() : ActionState()
        if action.pre != nil {
            if reference.hasPrefix(".") {
                log.annotate("Warning", "`pre` execution is not supported for local action from '\(reference)'")
            } else if scope.action != nil {
                log.note("runs.pre of \(reference) inside a composite action is not run by the local run")
            }
        }
        let inputs: [(String, String)]
        switch try actionInputs(
            step, reference: reference, with: with, declared: action.inputs, file: action.file, context: context, undeclared: true)
        {
        case .values(let values): inputs = values
        case .failed(let result): return result
        }
        let registered = actionLifecycle.posts.contains { $0.scope === scope && $0.step.number == step.number }
        if action.post != nil, !registered {
            actionLifecycle.posts.append(
                PostStage(
                    step: step, reference: reference, action: action, scope: scope, name: displayName(of: step, in: context),
                    state: state))
        }
        guard case .object(let githubObject) = context["github"] ?? .null else {
            return StepResult(outcome: .failure, conclusion: .failure)
        }
        let github = githubObject.entries.map { ($0.key, $0.value) }
        let files = StepFiles(github: github)
        let limit: (Duration, Int)?
        switch try timeout(of: step, context: context) {
        case .success(let value): limit = value
        case .failure(let problem):
            log.annotate("Error", problem.message)
            return StepResult(outcome: .failure, conclusion: .failure, failure: problem.message)
        }
        return try runNodeScript(
            action.path(of: action.main), action: action, inputs: inputs, state: state, env: env, github: github, files: files,
            timeout: limit)
    }

    /// `node SCRIPT` for one stage, in the workspace, and what it left in its files.
    func runNodeScript(
        _ script: String, action: NodeAction, inputs: [(String, String)], state: ActionState, env: EnvironmentList,
        github: [(String, ExpressionValue)], files: StepFiles, timeout limit: (Duration, Int)?
    ) throws(DryRunError) -> StepResult {
        func failed(_ message: String) -> StepResult {
            log.annotate("Error", message)
            return StepResult(outcome: .failure, conclusion: .failure, failure: message)
        }
        var environment = processEnvironment(env: env, github: github)
        let node: String
        if let found = actionLifecycle.node ?? Shell.which("node", in: machine.baseEnvironment["PATH"] ?? "") {
            node = found
            actionLifecycle.node = found
        } else {
            throw DryRunError("\(action.file): a JavaScript action (runs.using: \(action.using)) needs node, and node is not on PATH")
        }
        // HandlerFactory.cs: node12 and node16 actions run with node20 on GitHub.
        let using = action.using.lowercased()
        let githubMajor = ["node12", "node16"].contains(using) ? 20 : Int(using.dropFirst(4)) ?? 20
        let version = actionLifecycle.nodeVersion
        let major = version.flatMap { Int($0.dropFirst().prefix { $0.isNumber }) }
        if major != githubMajor, actionLifecycle.versionNoted.insert(action.file).inserted {
            log.note(
                "runs.using: \(action.using): GitHub's runner runs it with node\(githubMajor); here with \(node) (\(version ?? "version unknown"))"
            )
        }
        guard FileManager.default.fileExists(atPath: script) else {
            return failed("File not found: '\(script)'")
        }
        for entry in state.values { environment["STATE_\(entry.name)"] = entry.value }
        for (name, value) in inputs {
            environment["INPUT_\(name.replacingOccurrences(of: " ", with: "_").uppercased())"] = value
        }
        // NodeScriptActionHandler.cs: "Remove environment variable that may cause conflicts".
        environment["NODE_ICU_DATA"] = nil

        var commands = StepCommands()
        let (executable, arguments) = isolated(node, [script], directory: machine.workspace)
        let termination = processes.run(
            executable: executable, arguments: arguments, environment: environment, directory: machine.workspace, timeout: limit?.0
        ) { line in
            log.stepOutput(line, commands: &commands)
        }
        log.endGroup()

        var result = StepResult(outcome: .success, conclusion: .success)
        switch termination {
        case .exited(0): break
        case .exited(let code): result = StepResult(outcome: .failure, conclusion: .failure, failure: "node exited with code \(code)")
        case .signaled(let signal):
            result = StepResult(outcome: .failure, conclusion: .failure, failure: "node was killed by signal \(signal)")
        case .timedOut: result = failed("The action has timed out (timeout-minutes: \(limit?.1 ?? 0)).")
        case .failed(let reason): result = failed(reason)
        }
        if let refused = commands.errors.first, result.outcome == .success {
            result = StepResult(outcome: .failure, conclusion: .failure, failure: refused)
        }
        state.save(commands.states)
        do {
            state.save(try EnvFiles.parseAssignments(StepFiles.read(files.state)))
        } catch {
            let message = "Unable to process file command 'state' successfully. \(error.message)"
            log.annotate("Error", message)
            if result.outcome == .success { result = StepResult(outcome: .failure, conclusion: .failure, failure: message) }
        }
        conclude(&result, commands: commands, files: files)
        return result
    }
}

extension StepFiles {
    /// The files named in a step's `github` context (`env`, `output`, `path`, `step_summary`, `state`).
    init(github: [(String, ExpressionValue)]) {
        func value(_ key: String) -> String {
            if case .string(let text)? = github.last(where: { $0.0 == key })?.1 { return text }
            return "/dev/null"
        }
        self.init(env: value("env"), output: value("output"), path: value("path"), summary: value("step_summary"), state: value("state"))
    }
}
