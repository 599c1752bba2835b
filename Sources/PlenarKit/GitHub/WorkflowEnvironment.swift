import PlenarAPI

/// Inside GitHub Actions: `PLENAR_API_URL` and `PLENAR_PROJECT_ID` for later steps, and the
/// step outputs `organization`, `mode`, `project-id`. Never the token.
struct WorkflowEnvironment {
    var dryRun = false
    /// `PLENAR_TOKEN` and its expiry after an OIDC exchange: written to `$GITHUB_ENV` unredacted, masked first.
    var secretEnvironment: [(String, String)] = []

    /// What to append to each file the runner names; none for `--dry-run`, which says what it would do.
    func appends(_ connection: Connection, context: PlenarContext, reporter: Reporter) throws(Failure) -> [FileAppend] {
        let files: [(String, [(String, String)])] = [
            ("GITHUB_ENV", [("PLENAR_API_URL", connection.api.base), ("PLENAR_PROJECT_ID", connection.project.key)]),
            (
                "GITHUB_OUTPUT",
                [("organization", connection.whoami.organization.name), ("mode", connection.mode), ("project-id", connection.project.key)]
            ),
        ]
        var appends: [FileAppend] = []
        for (variable, entries) in files {
            guard let path = context.env(variable) else {
                reporter.warning("\(variable) is not set: later steps will not see the connection")
                continue
            }
            if dryRun {
                reporter.note("$\(variable) would get \(entries.map(\.0).joined(separator: ", "))")
                continue
            }
            let text: String
            do throws(FileError) {
                text =
                    reporter.redactor.redact(try GitHubActions.environmentFileEntries(entries, random: context.random))
                    + (variable == "GITHUB_ENV" ? try GitHubActions.environmentFileEntries(secretEnvironment, random: context.random) : "")
            } catch {
                throw .localFile(error)
            }
            appends.append(FileAppend(path: path, text: text, shownAs: "$\(variable) (\(path))"))
        }
        return appends
    }
}
