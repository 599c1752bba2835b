import FoundationEssentials
import Platform
import PlenarAPI

/// `plenar run -- CMD ARGS…`: runs the command so that it cannot be told from the command
/// itself (its argv, stdin, environment plus `PLENAR_RUN_ID`, signals, exit status), except that
/// secrets vanish from its output; then reports the run with one `POST /runs`, inside the failure
/// contract's rules for `run`: the report never changes the command's outcome, except that wrong
/// credentials turn a success into 2.
public struct RunCommand {
    /// The command and its arguments, byte for byte.
    public var command: [[UInt8]]
    public var name: String?
    public var project: String?
    /// `--mask` values, byte for byte.
    public var masks: [[UInt8]]
    public var maskVariables: [String]
    public var redact: Bool
    /// `--json`: after the command's own output, one document on stdout with the run's id (null
    /// when it was not reported), exit code, signal, status and duration.
    public var json = false

    /// After a forwarded signal (a cancelled job), the report gets at most this long.
    public static let cancelledReportTimeout = Duration.seconds(1)

    public init(
        command: [[UInt8]], name: String? = nil, project: String? = nil, masks: [[UInt8]] = [], maskVariables: [String] = [],
        redact: Bool = true
    ) {
        self.command = command
        self.name = name
        self.project = project
        self.masks = masks
        self.maskVariables = maskVariables
        self.redact = redact
    }

    public init(
        command: [String], name: String? = nil, project: String? = nil, masks: [String] = [], maskVariables: [String] = [],
        redact: Bool = true
    ) {
        self.init(
            command: command.map { Array($0.utf8) }, name: name, project: project, masks: masks.map { Array($0.utf8) },
            maskVariables: maskVariables, redact: redact)
    }

    /// How `plenar run` ends: with `status`, or, when the command was killed by a signal, killed
    /// by that same signal (so a shell running `plenar run` stops on Ctrl-C as it would for the
    /// command itself; `$?` is 128+N either way).
    public struct Ending: Equatable, Sendable {
        public var status: Int32
        public var signal: Int32?
    }

    public func run(_ context: PlenarContext) -> Ending {
        guard !command.isEmpty else {
            let status = Invocation(context: context, kind: .telemetry, skipped: "run not reported")
                .fail(.usage("plenar run needs a command after --, for example plenar run -- make test"))
            return Ending(status: status)
        }
        var notes: [String] = []
        let secrets = secretSet(context, notes: &notes)
        let pending = PendingRedactor(secrets: secrets.secrets)
        // The CI learns what we mask, so a later step printing it unwrapped is masked too, and a
        // command's own `::add-mask::` of such a value (which comes out as `::add-mask::***`)
        // loses nothing. A log command the runner consumes is written now; an agent call
        // (Buildkite) waits until the command has ended, since nothing may delay its start.
        let ci = secrets.secrets.isEmpty ? nil : CIAdapters.current(context.environment)
        if let ci, ci.masking == .logCommand {
            notes += ci.announceMasks(secrets.secrets.map(\.value), context: context, deadline: context.clock.now())
        }
        // The environment as plenar got it, byte for byte and in order, plus PLENAR_RUN_ID.
        let runID = Array("PLENAR_RUN_ID=".utf8)
        let environment = context.environmentBytes.filter { !$0.starts(with: runID) } + [runID + Array(("run_" + context.random(24)).utf8)]
        let startedAt = context.clock.date()
        let outcome: ChildOutcome
        if redact {
            var stdout = DeferredRedactingFilter(pending)
            var stderr = DeferredRedactingFilter(pending)
            outcome = context.children.run(command, environment: environment, stdout: &stdout, stderr: &stderr)
        } else {
            var stdout = PassThroughFilter()
            var stderr = PassThroughFilter()
            outcome = context.children.run(command, environment: environment, stdout: &stdout, stderr: &stderr)
        }

        var settings = Settings(context: context, project: project)
        if outcome.signal != nil, settings.timeout > Self.cancelledReportTimeout {
            settings.timeout = Self.cancelledReportTimeout
            settings.timeoutSource = "the limit on a cancelled run's report"
        }
        if let ci, ci.masking == .agent, outcome.signal == nil {
            notes += ci.announceMasks(secrets.secrets.map(\.value), context: context, deadline: context.clock.now() + settings.timeout)
        }
        let invocation = Invocation(context: context, kind: .wrapper(child: outcome.status), skipped: "run not reported")
        var reported: Accepted?
        let status = invocation.run(settings, redactor: pending.value) { reporter throws(Failure) in
            if let problem = outcome.problem {
                reporter.error(problem)
            }
            for note in notes {
                reporter.warning(note)
            }
            if let note = ci?.noMaskingNote { reporter.note(note) }
            let (_, _, client) = try OIDCRefresh.credentials(settings: settings, context: context, reporter: reporter)
            let body = report(outcome, startedAt: startedAt, settings: settings, context: context, redactor: reporter.redactor)
            let bytes = Array(try encode(reporter.redactor.redact(json: body)))
            reported = try Spool.post(
                "/runs", body: bytes, namesProject: settings.project != nil, what: "run report", client: client,
                settingsToken: settings.token, context: context, reporter: reporter)
        }
        if json {
            context.stdout.write(Self.summary(outcome, status: status, id: reported?.id))
        }
        if case let .signaled(signal) = outcome.termination, status == outcome.status {
            return Ending(status: status, signal: signal)
        }
        return Ending(status: status)
    }

    /// What is masked: the Plenar token, every `--mask` value and `--mask-env` variable, and the
    /// values of variables whose names say they hold secrets.
    func secretSet(_ context: PlenarContext, notes: inout [String]) -> SecretSet {
        var secrets = SecretSet()
        let values = SecretSet.values(of: maskVariables + ["PLENAR_TOKEN"], in: context.environmentBytes)
        secrets.addEnvironment(context.environmentBytes)
        secrets.add(token: values[maskVariables.count] ?? [])
        for mask in masks where !secrets.add(mask: mask) {
            notes.append(
                "a --mask value shorter than \(RedactionPolicy.minimumExplicitLength) bytes is not masked: it would hide ordinary text")
        }
        for (variable, value) in zip(maskVariables, values) {
            // Empty is what a workflow gives for a secret it does not have (a registry a release
            // does not publish to, a fork): nothing to mask, nothing to say. Unset is likely a typo.
            guard let value else {
                notes.append("--mask-env \(variable): the variable is not set, so nothing of it is masked (is the name right?)")
                continue
            }
            if !value.isEmpty, !secrets.add(mask: value) {
                notes.append(
                    "--mask-env \(variable): the value is shorter than \(RedactionPolicy.minimumExplicitLength) bytes, so it is not masked: it would hide ordinary text"
                )
            }
        }
        return secrets
    }

    func report(_ outcome: ChildOutcome, startedAt: Date, settings: Settings, context: PlenarContext, redactor: Redactor) -> JSONValue {
        var body: [String: JSONValue] = [
            "name": .string(name ?? Self.basename(String(decoding: command[0], as: UTF8.self))),
            // Each argument redacted before quoting: quoting splits a secret holding a quote.
            "command": .string(Self.commandLine(command.map { String(decoding: redactor.redact(bytes: $0), as: UTF8.self) })),
            "exit_code": .number(Double(outcome.status)),
            "duration_ms": .number(Double(outcome.milliseconds)),
            "started_at": .string(startedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
            "status": .string(outcome.verdict),
        ]
        if case let .signaled(number) = outcome.termination {
            body["signal"] = .number(Double(number))
        }
        body["project_id"] = settings.project.map(JSONValue.string)
        body["ci"] = CIContext.detect(context.environment)
        return .object(body)
    }

    /// The `--json` document: one line.
    static func summary(_ outcome: ChildOutcome, status: Int32, id: String?) -> String {
        var fields: [String: JSONValue] = [
            "id": id.map(JSONValue.string) ?? .null,
            "exit_code": .number(Double(status)),
            "command_exit_code": .number(Double(outcome.status)),
            "signal": .null,
            "status": .string(outcome.verdict),
            "duration_ms": .number(Double(outcome.milliseconds)),
        ]
        if case let .signaled(number) = outcome.termination { fields["signal"] = .number(Double(number)) }
        let data = (try? JSONEncoder.plenar.encode(JSONValue.object(fields))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The argv as a shell would need it typed, so the report reads like the step's own line.
    static func commandLine(_ argv: [String]) -> String {
        argv.map { argument in
            let plain =
                !argument.isEmpty
                && argument.unicodeScalars.allSatisfy {
                    ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "@%+=:,./_-".unicodeScalars.contains($0)
                }
            return plain ? argument : "'" + argument.replacing("'", with: #"'\''"#) + "'"
        }.joined(separator: " ")
    }
}
