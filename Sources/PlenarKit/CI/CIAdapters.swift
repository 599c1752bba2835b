/// Every CI plenar knows, and the one place that finds the one running this job. Looked up only
/// when needed (a record about to be sent, a secret to mask, connect's hand-off, status's
/// summary), so a command with nothing to send never pays for it.
enum CIAdapters {
    /// In the order tried: each is recognised by a variable only its CI sets.
    static let all: [any CIAdapter] = [
        GitHubActionsCI(), GitLabCI(), BuildkiteCI(), CircleCI(), AzurePipelinesCI(), BitbucketPipelinesCI(), JenkinsCI(),
    ]

    static func current(_ environment: [String: String]) -> (any CIAdapter)? {
        all.first { $0.isActive(environment) }
    }

    /// Tells the CI running this job, if any, to mask `secrets` in its log from now on, within
    /// `PLENAR_TIMEOUT_MS`, and says so through `reporter`: a warning for what could not be
    /// masked, a note where the CI cannot mask at all. The one way commands mask in a CI.
    static func announceMasks(_ secrets: [[UInt8]], context: PlenarContext, reporter: Reporter) {
        guard !secrets.isEmpty, let adapter = current(context.environment) else { return }
        let (timeout, _) = Settings.timeout(context.environment)
        for warning in adapter.announceMasks(secrets, context: context, deadline: context.clock.now() + timeout) {
            reporter.warning(warning)
        }
        if let note = adapter.noMaskingNote { reporter.note(note) }
    }
}
