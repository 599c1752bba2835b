import PlenarAPI

/// What `connect` hands to later steps of the job, through the CI running it (`CIAdapter`):
/// `PLENAR_API_URL` and `PLENAR_PROJECT_ID`, and in GitHub Actions the step outputs
/// `organization`, `mode`, `project-id`. Never the token, but for an OIDC exchange's key.
struct WorkflowEnvironment {
    var adapter: any CIAdapter
    var dryRun = false
    /// `PLENAR_TOKEN` and its expiry after an OIDC exchange: written to `$GITHUB_ENV` unredacted, masked first.
    var secretEnvironment: [(String, String)] = []

    func handoff(_ connection: Connection) -> CIHandoff {
        CIHandoff(
            environment: [("PLENAR_API_URL", connection.api.base), ("PLENAR_PROJECT_ID", connection.project.key)],
            outputs: [
                ("organization", connection.whoami.organization.name), ("mode", connection.mode), ("project-id", connection.project.key),
            ],
            secretEnvironment: secretEnvironment
        )
    }

    /// What to append to files the CI reads, in the same update as the config files; none for
    /// `--dry-run`, which says what it would do.
    func appends(_ connection: Connection, context: PlenarContext, reporter: Reporter) throws(Failure) -> [FileAppend] {
        try adapter.handoffAppends(handoff(connection), context: context, reporter: reporter, dryRun: dryRun)
    }

    /// Once every file is written: the CI's log commands or agent calls, within `deadline`.
    func afterWrite(_ connection: Connection, context: PlenarContext, reporter: Reporter, deadline: Duration) {
        adapter.handoffAfterWrite(handoff(connection), context: context, reporter: reporter, deadline: deadline, dryRun: dryRun)
    }
}
