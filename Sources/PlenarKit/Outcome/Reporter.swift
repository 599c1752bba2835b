import PlenarAPI

/// Writes what people read (stderr) and what programs read (stdout), through the redactor.
/// Inside GitHub Actions, warnings and errors become annotations. When asked (`connect`, where a
/// key may arrive from outside the workflow's secrets), the CI running the job is told to mask the
/// key before anything else (`CIAdapters.announceMasks`: `::add-mask::` on stderr in GitHub
/// Actions, so stdout stays clean JSON). That is the only place a raw key is ever written, and
/// the runner consumes it without showing it.
public struct Reporter {
    let context: PlenarContext
    public let redactor: Redactor
    let inActions: Bool

    public init(context: PlenarContext, secrets: [String], redactor: Redactor? = nil, maskInActions: Bool = false) {
        self.context = context
        self.redactor = redactor ?? Redactor(secrets: secrets)
        self.inActions = GitHubActions.isActive(context.environment)
        if maskInActions {
            CIAdapters.announceMasks(secrets.map { Array($0.utf8) }, context: context, reporter: self)
        }
    }

    public func result(_ text: String) {
        context.stdout.write(redactor.redact(text))
    }

    /// A line for people on stderr that is neither a warning nor an error.
    public func note(_ text: String) {
        context.stderr.write("plenar: \(redactor.redact(text))\n")
    }

    public func warning(_ text: String) {
        report(.warning, text)
    }

    public func error(_ text: String) {
        report(.error, text)
    }

    func report(_ severity: Severity, _ text: String) {
        let line = redactor.redact(text)
        if inActions {
            context.stderr.write(GitHubActions.annotation(severity, "plenar: " + line))
        } else {
            context.stderr.write("plenar: \(severity == .error ? "error" : "warning"): \(line)\n")
        }
    }
}
