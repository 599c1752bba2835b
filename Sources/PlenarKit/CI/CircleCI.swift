import PlenarAPI

/// CircleCI. Variables: circleci.com/docs/reference/variables (`CIRCLECI` is "true" in every
/// job). No masking at run time: CircleCI masks only project and context variables set before the
/// job. Values for later steps: `export` lines appended to `$BASH_ENV`, which CircleCI sources at
/// the start of each later step of the job (circleci.com/docs/set-environment-variable, "Set an
/// environment variable in a shell command"). No summary.
struct CircleCI: CIAdapter {
    var provider: String { "circleci" }
    var name: String { "CircleCI" }

    func isActive(_ environment: [String: String]) -> Bool {
        environment["CIRCLECI"] == "true"
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        var fields = Self.fields(
            environment,
            [
                (.sha, "CIRCLE_SHA1"), (.ref, "CIRCLE_BRANCH"), (.job, "CIRCLE_JOB"), (.runID, "CIRCLE_WORKFLOW_ID"),
                (.jobURL, "CIRCLE_BUILD_URL"), (.actor, "CIRCLE_USERNAME"),
            ])
        if fields[.ref] == nil { fields[.ref] = Self.value(environment, "CIRCLE_TAG") }
        if let owner = Self.value(environment, "CIRCLE_PROJECT_USERNAME"), let name = Self.value(environment, "CIRCLE_PROJECT_REPONAME") {
            fields[.repository] = owner + "/" + name
        }
        // The workflow's page, as datadog-ci builds it (src/helpers/ci.ts).
        if let workflow = fields[.runID] {
            fields[.runURL] = "https://app.circleci.com/pipelines/workflows/\(workflow)"
        }
        return fields
    }

    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend] {
        guard let path = context.env("BASH_ENV") else {
            reporter.note("BASH_ENV is not set: later steps will not see \(handoff.environment.map(\.0).joined(separator: " and "))")
            return []
        }
        if dryRun {
            reporter.note("$BASH_ENV (\(path)) would get \(handoff.environment.map(\.0).joined(separator: ", "))")
            return []
        }
        let text = handoff.environment.map { "export \($0.0)=\(Self.shellQuoted($0.1))\n" }.joined()
        return [FileAppend(path: path, text: reporter.redactor.redact(text), shownAs: "$BASH_ENV (\(path))")]
    }

    /// A single-quoted shell word: exactly `value` to any POSIX shell.
    static func shellQuoted(_ value: String) -> String {
        "'" + value.replacing("'", with: #"'\''"#) + "'"
    }
}
