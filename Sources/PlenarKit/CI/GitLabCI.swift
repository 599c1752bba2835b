import PlenarAPI

/// GitLab CI/CD. Variables: docs.gitlab.com/ci/variables/predefined_variables (`GITLAB_CI` is
/// "true" in every job). No masking at run time: GitLab masks only variables marked masked in the
/// project's settings. Values for later jobs: a dotenv report, a file the job names under
/// `artifacts: reports: dotenv:` (docs.gitlab.com/ci/variables/dotenv_variables); plenar cannot
/// read the job's YAML, so `PLENAR_DOTENV` names that file. GitLab reads it line by line as
/// `KEY=VALUE` (`Ci::ParseDotenvArtifactService#scan_line!`, app/services/ci/parse_dotenv_artifact_service.rb:
/// each line must hold `=`, both sides stripped, no multi-line values, under 5 KiB). No summary.
struct GitLabCI: CIAdapter {
    static let dotenvVariable = "PLENAR_DOTENV"

    var provider: String { "gitlab" }
    var name: String { "GitLab CI" }

    func isActive(_ environment: [String: String]) -> Bool {
        environment["GITLAB_CI"] == "true"
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        Self.fields(
            environment,
            [
                (.repository, "CI_PROJECT_PATH"), (.sha, "CI_COMMIT_SHA"), (.ref, "CI_COMMIT_REF_NAME"), (.workflow, "CI_PIPELINE_NAME"),
                (.job, "CI_JOB_NAME"), (.runID, "CI_PIPELINE_ID"), (.runURL, "CI_PIPELINE_URL"), (.jobURL, "CI_JOB_URL"),
                (.actor, "GITLAB_USER_LOGIN"), (.event, "CI_PIPELINE_SOURCE"),
            ])
    }

    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend] {
        try Self.variableLines(
            handoff.environment, file: Self.dotenvVariable, format: { "\($0)=\($1)\n" },
            unset:
                "later jobs get \(handoff.environment.map(\.0).joined(separator: " and ")) through a dotenv report: set \(Self.dotenvVariable)=plenar.env and add artifacts: reports: dotenv: plenar.env to this job",
            reporter: reporter, dryRun: dryRun, context: context
        )
    }
}
