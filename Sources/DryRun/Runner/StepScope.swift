/// The steps of one job or of one composite action, and what they have done so far.
final class StepScope {
    let depth: Int
    /// The composite action whose steps these are; nil for the job's own.
    let action: CompositeAction?
    let inputs: ExpressionValue
    /// In a composite action, the env context of the step that used it.
    let callerEnv: EnvironmentList
    let defaults: RunDefaults
    private var records: [(String, ExpressionValue)] = []
    /// A step failed (its conclusion): the job's status, or the action's own inside one.
    var failed = false
    var failures: [String] = []

    init(depth: Int, action: CompositeAction?, inputs: ExpressionValue, callerEnv: EnvironmentList, defaults: RunDefaults) {
        self.depth = depth
        self.action = action
        self.inputs = inputs
        self.callerEnv = callerEnv
        self.defaults = defaults
    }

    func record(id: String, outcome: StepResult) {
        records.append(
            (
                id,
                .object([
                    ("outputs", .strings(outcome.outputs.map { ($0.name, $0.value) })),
                    ("outcome", .string(outcome.outcome.rawValue)),
                    ("conclusion", .string(outcome.conclusion.rawValue)),
                ])
            ))
    }

    /// The `steps` context.
    var steps: ExpressionValue { .object(records) }
}

enum StepStatus: String {
    case success, failure, skipped
}

struct StepResult {
    var outcome: StepStatus
    var conclusion: StepStatus
    var outputs: [NamedValue] = []
    var failure: String?
}
