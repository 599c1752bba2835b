import PlenarAPI

/// GitHub Actions. Variables: docs.github.com/en/actions/reference/workflows-and-actions/variables
/// (`GITHUB_ACTIONS` is "true" in every step). Masking: the `::add-mask::` workflow command;
/// values for later steps: `$GITHUB_ENV` and `$GITHUB_OUTPUT`; summary: `$GITHUB_STEP_SUMMARY`
/// (docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
struct GitHubActionsCI: CIAdapter {
    var provider: String { "github" }
    var name: String { "GitHub Actions" }
    var masking: CIMasking { .logCommand }

    func isActive(_ environment: [String: String]) -> Bool {
        GitHubActions.isActive(environment)
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        var fields = Self.fields(
            environment,
            [
                (.repository, "GITHUB_REPOSITORY"), (.sha, "GITHUB_SHA"), (.ref, "GITHUB_REF"), (.workflow, "GITHUB_WORKFLOW"),
                (.job, "GITHUB_JOB"), (.runID, "GITHUB_RUN_ID"), (.runAttempt, "GITHUB_RUN_ATTEMPT"), (.actor, "GITHUB_ACTOR"),
                (.event, "GITHUB_EVENT_NAME"),
            ])
        // The run's page, as datadog-ci builds it (src/helpers/ci.ts): server, repository, run id, attempt.
        if let server = Self.value(environment, "GITHUB_SERVER_URL"), let repository = fields[.repository], let run = fields[.runID] {
            fields[.runURL] = "\(server)/\(repository)/actions/runs/\(run)" + (fields[.runAttempt].map { "/attempts/\($0)" } ?? "")
        }
        return fields
    }

    /// On stderr: the runner reads workflow commands from both streams, and stdout stays clean
    /// JSON. The runner consumes the lines without showing them.
    func announceMasks(_ secrets: [[UInt8]], context: PlenarContext, deadline: Duration) -> [String] {
        for secret in secrets {
            context.stderr.write(GitHubActions.maskCommands(secret))
        }
        return secrets.allSatisfy(GitHubActions.canMask) ? [] : [CIMaskText.notText("the runner's ::add-mask::")]
    }

    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend] {
        var appends: [FileAppend] = []
        for (variable, entries) in [("GITHUB_ENV", handoff.environment), ("GITHUB_OUTPUT", handoff.outputs)] {
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
                    + (variable == "GITHUB_ENV"
                        ? try GitHubActions.environmentFileEntries(handoff.secretEnvironment, random: context.random) : "")
            } catch {
                throw .localFile(error)
            }
            appends.append(FileAppend(path: path, text: text, shownAs: "$\(variable) (\(path))"))
        }
        return appends
    }

    func summary(_ markdown: String, context: PlenarContext, reporter: Reporter, deadline: Duration) {
        guard let summary = context.env("GITHUB_STEP_SUMMARY") else { return }
        do throws(FileError) {
            try context.files.append(markdown, to: summary)
        } catch {
            reporter.warning("cannot write the step summary to \(error.path): \(error.reason)")
        }
    }

}
