/// Where the dry run's log goes, one line at a time, as soon as it exists.
public protocol LogOutput: AnyObject {
    func write(_ line: String)
}

/// What workflow commands in a step's output asked of the runner.
struct StepCommands {
    /// `::set-output name=…::value` (deprecated, still honoured by the runner).
    var outputs: [NamedValue] = []
    /// `::save-state name=…::value`: the `STATE_<name>` of a JavaScript action's later stages.
    var states: [NamedValue] = []
    /// Commands the runner refuses (`set-env`, `add-path`): each fails the step.
    var errors: [String] = []
}

/// The job's log: step headers, step output with workflow commands applied, annotations and notes,
/// all masked.
///
/// Output lines are handled as the runner handles them: `::add-mask::VALUE` (from any step, on
/// stdout or stderr) adds VALUE to the masker and is not printed; `::warning::`, `::error::` and
/// `::notice::` (with `file`, `line`, `col`, `title` properties) print as `Warning: …`,
/// `Error: …`, `Notice: …` and are listed again at the end; `::group::TITLE` prints `▼ TITLE` and
/// indents what follows until `::endgroup::`; `::debug::` prints only when the secret or variable
/// `ACTIONS_STEP_DEBUG` is `true`; `::stop-commands::TOKEN` turns commands off until a line
/// `::TOKEN::`; `::set-output` sets a step output with a deprecation warning; `::set-env` and
/// `::add-path` are refused, failing the step, as on GitHub; `::save-state name=N::V` keeps
/// `STATE_N` for a JavaScript action's later stages. Any other line is printed as it is,
/// masked: every occurrence of a registered value becomes `***`.
final class Log {
    private let output: LogOutput
    private(set) var masker = Masker()
    /// Composite-action nesting of the current step: two spaces per level.
    var depth = 0
    var showDebug = false
    private var inGroup = false
    private var stopToken: String?
    private(set) var annotations: [String] = []

    init(output: LogOutput) {
        self.output = output
    }

    func addMask(_ value: String) {
        masker.add(value)
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    /// A line of the dry run's own, masked.
    func line(_ text: String) {
        for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
            output.write(masker.mask(indent + (inGroup ? "  " : "") + part))
        }
    }

    /// A line outside any step, not indented.
    func plain(_ text: String) {
        for part in text.split(separator: "\n", omittingEmptySubsequences: false) {
            output.write(masker.mask(String(part)))
        }
    }

    func header(_ name: String) {
        endGroup()
        line("▶ " + name)
    }

    func skipped(_ name: String, because reason: String) {
        endGroup()
        line("○ \(name) (skipped: \(reason))")
    }

    func note(_ text: String) {
        line("· " + text)
    }

    /// An annotation, printed now and kept for the list at the end.
    func annotate(_ kind: String, _ message: String, properties: [String: String] = [:]) {
        var location = properties["file"] ?? ""
        for key in ["line", "col"] {
            if let value = properties[key], !location.isEmpty { location += ":" + value }
        }
        var text = "\(kind): "
        if !location.isEmpty { text += location + ": " }
        if let title = properties["title"], !title.isEmpty { text += title + ": " }
        text += message
        line(text)
        annotations.append(masker.mask(text))
    }

    func endGroup() {
        inGroup = false
    }

    /// Handles one line of a step's output.
    func stepOutput(_ raw: String, commands: inout StepCommands) {
        if let token = stopToken {
            if raw.trimmingCharacters(in: .whitespaces) == "::\(token)::" {
                stopToken = nil
            } else {
                line(raw)
            }
            return
        }
        guard let command = WorkflowCommand(line: raw) else {
            line(raw)
            return
        }
        switch command.name {
        case "add-mask":
            if command.data.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                annotate("Warning", "Can't add secret mask for empty string in ##[add-mask] command.")
            } else {
                masker.add(command.data)
            }
        case "warning": annotate("Warning", command.data, properties: command.properties)
        case "error": annotate("Error", command.data, properties: command.properties)
        case "notice": annotate("Notice", command.data, properties: command.properties)
        case "debug":
            if showDebug { line("Debug: " + command.data) }
        case "group":
            endGroup()
            line("▼ " + command.data)
            inGroup = true
        case "endgroup":
            endGroup()
        case "stop-commands":
            stopToken = command.data
        case "set-output":
            annotate(
                "Warning", "The `set-output` command is deprecated and will be disabled soon. Please upgrade to using Environment Files.")
            if let name = command.properties["name"], !name.isEmpty {
                commands.outputs.append(NamedValue(name, command.data))
            }
        case "save-state":
            // The runner's SaveStateCommandExtension (src/Runner.Worker/ActionCommandManager.cs).
            if let name = command.properties["name"], !name.isEmpty {
                commands.states.append(NamedValue(name, command.data))
            } else {
                let message =
                    "Unable to process command '\(raw.trimmingCharacters(in: .whitespaces))' successfully. Required field 'name' is missing in ##[save-state] command."
                annotate("Error", message)
                commands.errors.append(message)
            }
        case "set-env", "add-path":
            let message =
                "Unable to process command '\(raw.trimmingCharacters(in: .whitespaces))' successfully. The `\(command.name)` command is disabled. Please upgrade to using Environment Files."
            annotate("Error", message)
            commands.errors.append(message)
        default:
            // echo, add-matcher, remove-matcher: nothing to show in a dry run.
            break
        }
    }
}
