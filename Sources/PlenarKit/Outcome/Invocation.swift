import PlenarAPI

/// Runs one command's logic and turns its outcome into the failure contract's exit status and
/// message. Every command goes through here; nothing else decides an exit status.
public struct Invocation {
    public let context: PlenarContext
    public let kind: CommandKind
    /// What is skipped when telemetry fails, for the message ("signal not sent").
    public let skipped: String

    public init(context: PlenarContext, kind: CommandKind, skipped: String) {
        self.context = context
        self.kind = kind
        self.skipped = skipped
    }

    /// `keyFlag`: the command takes `--key`, so the key is masked in GitHub Actions before any output.
    /// `redactor`: one that knows more secrets than the token (`run`'s masks).
    public func run(
        _ settings: Settings, keyFlag: Bool = false, redactor: Redactor? = nil, _ body: (Reporter) throws(Failure) -> Void
    ) -> Int32 {
        let secrets = [settings.token].compactMap { $0 }
        let reporter = Reporter(context: context, secrets: secrets, redactor: redactor, maskInActions: keyFlag)
        for warning in settings.warnings {
            reporter.warning(warning)
        }
        do {
            try body(reporter)
            return kind.success
        } catch {
            return conclude(error, reporter: reporter, settings: settings, keyFlag: keyFlag)
        }
    }

    /// A failure found before settings exist (a usage problem with stdin, say).
    public func fail(_ failure: Failure) -> Int32 {
        let reporter = Reporter(context: context, secrets: [])
        return conclude(failure, reporter: reporter, settings: Settings(context: context), keyFlag: false)
    }

    private func conclude(_ failure: Failure, reporter: Reporter, settings: Settings, keyFlag: Bool) -> Int32 {
        let verdict = ExitTable.verdict(failure, for: kind)
        let host = (try? APIBaseURL(settings.apiURLText).host) ?? APIBaseURL.display(settings.apiURLText)
        let message = failure.message(
            kind: kind, action: skipped,
            context: MessageContext(
                host: host, tokenDisplay: TokenShape.display(settings.token ?? ""), keyFlag: keyFlag,
                tokenSource: settings.tokenSource, audience: Audience(context.environment), timeoutSource: settings.timeoutSource
            )
        )
        switch verdict.severity {
        case .warning: reporter.warning(message)
        case .error: reporter.error(message)
        }
        return verdict.status
    }
}
