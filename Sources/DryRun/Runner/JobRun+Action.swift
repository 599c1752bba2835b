import Foundation

/// A `uses:` step: a local composite action run in a scope of its own, or a skipped one.
extension JobRun {
    /// The folder of a local action: `./path` under the repository root, or this repository's
    /// own `OWNER/REPO[/PATH]@REF`; nil for any other action.
    func localAction(_ reference: String) -> String? {
        LocalReference.path(reference, options: options)
    }

    func runAction(
        _ step: Step, reference: String, with: [NamedTemplate], scope: StepScope, context: ExpressionContext, env: EnvironmentList
    ) throws(DryRunError) -> StepResult {
        guard let folder = localAction(reference) else {
            log.note("skipped: \(reference) is not run by the dry run")
            let name = reference.split(separator: "@").first.map(String.init)?.lowercased() ?? ""
            if ["actions/cache", "actions/cache/restore"].contains(name) {
                log.note("outputs: cache-hit=false")
                return StepResult(outcome: .success, conclusion: .success, outputs: [NamedValue("cache-hit", "false")])
            }
            return StepResult(outcome: .success, conclusion: .success)
        }
        guard scope.depth < Self.maximumDepth else {
            throw step.location.error("uses: \(reference): composite actions nest more than \(Self.maximumDepth) deep")
        }
        let definition: ActionDefinition
        do {
            definition = try ActionDefinition.load(directory: (folder as NSString).standardizingPath)
        } catch {
            throw step.location.error("uses: \(reference): \(error.message)")
        }
        let action: CompositeAction
        switch definition {
        case .composite(let composite):
            action = composite
        case .node(let node):
            return try runNodeAction(step, reference: reference, with: with, action: node, scope: scope, context: context, env: env)
        }
        let inputs: [(String, String)]
        switch try actionInputs(step, reference: reference, with: with, declared: action.inputs, file: action.file, context: context) {
        case .values(let values): inputs = values
        case .failed(let result): return result
        }

        let inner = StepScope(depth: scope.depth + 1, action: action, inputs: .strings(inputs), callerEnv: env, defaults: RunDefaults())
        try runSteps(action.steps, in: inner)
        log.depth = scope.depth

        var outputsContext = context
        outputsContext["steps"] = inner.steps
        outputsContext["inputs"] = inner.inputs
        if case .object(let github) = context["github"] ?? .null {
            outputsContext["github"] = .object(github.entries.map { ($0.key, $0.value) } + [("action_path", .string(action.directory))])
        }
        var outputs: [NamedValue] = []
        var outputProblem: String?
        for output in action.outputs {
            do {
                outputs.append(NamedValue(output.name, try output.template.text(in: outputsContext)))
            } catch {
                // The action's steps have run: a value that fails fails the step, never the run.
                let message = try stepFailure(error, "\(action.file): outputs.\(output.name)", step)
                log.annotate("Error", message)
                outputProblem = outputProblem ?? message
            }
        }
        if let outputProblem, !inner.failed {
            return StepResult(outcome: .failure, conclusion: .failure, outputs: outputs, failure: "in \(reference), \(outputProblem)")
        }
        guard !inner.failed else {
            return StepResult(
                outcome: .failure, conclusion: .failure, outputs: outputs,
                failure: "in \(reference), " + inner.failures.joined(separator: "; "))
        }
        return StepResult(outcome: .success, conclusion: .success, outputs: outputs)
    }

    enum ActionInputs {
        case values([(String, String)])
        /// A `with` value failed to evaluate: the step's result.
        case failed(StepResult)
    }

    /// An action's inputs: `with` values, then declared defaults, both evaluated where the action
    /// is used (the runner's `ActionRunner.RunAsync`, src/Runner.Worker/ActionRunner.cs). With
    /// `undeclared`, `with` values the action does not declare follow, as the runner passes them
    /// to a JavaScript action; either way they get its warning.
    func actionInputs(
        _ step: Step, reference: String, with: [NamedTemplate], declared inputs: [ActionInput], file: String, context: ExpressionContext,
        undeclared: Bool = false
    ) throws(DryRunError) -> ActionInputs {
        var given: [String: String] = [:]
        for input in with {
            do {
                given[input.name.lowercased()] = try input.template.text(in: context)
            } catch {
                let message = try stepFailure(error, "with.\(input.name)", step)
                log.annotate("Error", message)
                return .failed(StepResult(outcome: .failure, conclusion: .failure, failure: message))
            }
        }
        let declared = Set(inputs.map { $0.name.lowercased() })
        let unexpected = with.map(\.name).filter { !declared.contains($0.lowercased()) }
        if !unexpected.isEmpty {
            let valid = inputs.map { "'\($0.name)'" }.joined(separator: ", ")
            log.annotate(
                "Warning", "Unexpected input(s) \(unexpected.map { "'\($0)'" }.joined(separator: ", ")), valid inputs are [\(valid)]")
        }
        var values: [(String, String)] = []
        for input in inputs {
            if let value = given[input.name.lowercased()] {
                values.append((input.name, value))
            } else if let defaultValue = input.defaultValue {
                do {
                    values.append((input.name, try defaultValue.text(in: context)))
                } catch {
                    // As a with: value that fails: the step fails, the job goes on to its always() steps.
                    let message = try stepFailure(error, "\(file): inputs.\(input.name).default", step)
                    log.annotate("Error", message)
                    return .failed(StepResult(outcome: .failure, conclusion: .failure, failure: message))
                }
            } else if input.required {
                throw step.location.error(
                    "uses: \(reference): input '\(input.name)' is required by \(file) and has no default; give it with with:")
            } else {
                values.append((input.name, ""))
            }
        }
        if undeclared {
            for name in unexpected { values.append((name, given[name.lowercased()] ?? "")) }
        }
        return .values(values)
    }
}
