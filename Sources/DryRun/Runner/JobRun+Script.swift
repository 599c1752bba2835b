import Foundation

/// A `run:` step: its shell, its process, its environment, its file commands.
extension JobRun {
    func runScript(
        _ step: Step, script: Template, shell: String?, workingDirectory: Template?, scope: StepScope,
        context: ExpressionContext, env: EnvironmentList, github: [(String, ExpressionValue)], files: StepFiles
    ) throws(DryRunError) -> StepResult {
        func failed(_ message: String) -> StepResult {
            log.annotate("Error", message)
            return StepResult(outcome: .failure, conclusion: .failure, failure: message)
        }
        let limit: (Duration, Int)?
        switch try timeout(of: step, context: context) {
        case .success(let value): limit = value
        case .failure(let problem): return failed(problem.message)
        }
        let scriptText: String
        var folder = machine.workspace
        do {
            scriptText = try script.text(in: context)
        } catch {
            return failed(try stepFailure(error, "run", step))
        }
        // Job and workflow defaults do not reach into composite actions, as on GitHub.
        let isJobStep = scope.action == nil
        do {
            if let relative = try workingDirectory?.text(in: context) ?? (isJobStep ? scope.defaults.workingDirectory : nil) {
                folder = relative.hasPrefix("/") ? relative : (machine.workspace as NSString).appendingPathComponent(relative)
            }
        } catch {
            return failed(try stepFailure(error, "working-directory", step))
        }

        var environment = processEnvironment(env: env, github: github)
        let plan: Shell.Plan
        switch Shell.plan(shell ?? (isJobStep ? scope.defaults.shell : nil), searchPath: environment["PATH"] ?? "") {
        case .success(let found): plan = found
        case .failure(let error): return failed(error.message)
        }
        let scriptPath = "\(machine.temp)/\(UUID().uuidString.lowercased())\(plan.fileExtension)"
        do {
            try Data(plan.fixUp(scriptText).utf8).write(to: URL(fileURLWithPath: scriptPath))
        } catch {
            return failed("cannot write the script \(scriptPath): \(error.localizedDescription)")
        }
        environment["PWD"] = nil
        let command = plan.shell(script: scriptPath)

        var commands = StepCommands()
        let (executable, arguments) = isolated(command.executable, command.arguments, directory: folder)
        let termination = processes.run(
            executable: executable, arguments: arguments, environment: environment, directory: folder,
            timeout: limit?.0
        ) { line in
            log.stepOutput(line, commands: &commands)
        }
        log.endGroup()

        var result = StepResult(outcome: .success, conclusion: .success)
        switch termination {
        case .exited(0):
            break
        case .exited(let code):
            result = failed("Process completed with exit code \(code).")
        case .signaled(let signal):
            result = failed("Process completed with exit code \(128 + signal).")
        case .timedOut:
            let minutes = limit?.1 ?? 0
            result = failed("The action has timed out (timeout-minutes: \(minutes)).")
        case .failed(let reason):
            result = failed(reason)
        }
        conclude(&result, commands: commands, files: files)
        return result
    }

    /// What a step's process left, once it ended: a refused workflow command fails a step that
    /// succeeded; its file commands are applied, and their outputs follow those of `::set-output`;
    /// a file that cannot be applied fails a step that succeeded.
    func conclude(_ result: inout StepResult, commands: StepCommands, files: StepFiles) {
        if let refused = commands.errors.first, result.outcome == .success {
            result = StepResult(outcome: .failure, conclusion: .failure, failure: refused)
        }
        let fileCommands = applyFileCommands(files)
        result.outputs = commands.outputs + fileCommands.outputs
        if let problem = fileCommands.problem, result.outcome == .success {
            result.outcome = .failure
            result.conclusion = .failure
            result.failure = problem
        }
    }

    /// The step's environment: the machine's, the env context, then the `GITHUB_*` and `RUNNER_*`
    /// variables of the contexts (which win), and PATH with the `GITHUB_PATH` folders first.
    func processEnvironment(env: EnvironmentList, github: [(String, ExpressionValue)]) -> [String: String] {
        var environment = machine.baseEnvironment
        for variable in env.entries { environment[variable.name] = variable.value }
        for (key, value) in github where RunnerEnvironment.exportedGitHubKeys.contains(key) {
            if case .string(let text) = value { environment["GITHUB_" + key.uppercased()] = text }
        }
        if case .object(let runner) = machine.runner {
            for entry in runner.entries { environment["RUNNER_" + entry.key.uppercased()] = entry.value.text }
        }
        environment["PATH"] = EnvFiles.path(prepending: prependPath, to: environment["PATH"] ?? "")
        return environment
    }

    /// Reads the step's files after it ran: env and PATH for later steps, outputs, summary. A
    /// malformed env or output file fails the step with the runner's message.
    func applyFileCommands(_ files: StepFiles) -> (outputs: [NamedValue], problem: String?) {
        var problem: String?
        do {
            for variable in try EnvFiles.parseAssignments(StepFiles.read(files.env)) {
                globalEnv.set(variable.name, variable.value)
            }
        } catch {
            problem = "Unable to process file command 'env' successfully. \(error.message)"
            log.annotate("Error", problem!)
        }
        EnvFiles.prepend(EnvFiles.parsePath(StepFiles.read(files.path)), to: &prependPath)
        var outputs: [NamedValue] = []
        do {
            outputs = try EnvFiles.parseAssignments(StepFiles.read(files.output))
        } catch {
            let message = "Unable to process file command 'output' successfully. \(error.message)"
            log.annotate("Error", message)
            problem = problem ?? message
        }
        let summary = StepFiles.read(files.summary)
        if !summary.isEmpty { summaries.append(summary.hasSuffix("\n") ? summary : summary + "\n") }
        return (outputs, problem)
    }
}
