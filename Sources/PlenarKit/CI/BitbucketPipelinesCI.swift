import PlenarAPI

/// Bitbucket Pipelines. Variables: support.atlassian.com/bitbucket-cloud/docs/variables-and-secrets
/// (`BITBUCKET_BUILD_NUMBER` in every step; codecov-cli detects it the same way,
/// codecov_cli/helpers/ci_adapters/bitbucket_ci.py). No masking at run time: Bitbucket masks
/// only secured variables. Values for later steps: `KEY=VALUE` lines appended to
/// `$BITBUCKET_PIPELINES_VARIABLES_PATH`, which later steps get when the step lists them under
/// `output-variables` (support.atlassian.com/bitbucket-cloud/docs/variable-sharing). No summary.
struct BitbucketPipelinesCI: CIAdapter {
    static let variablesFile = "BITBUCKET_PIPELINES_VARIABLES_PATH"

    var provider: String { "bitbucket" }
    var name: String { "Bitbucket Pipelines" }

    func isActive(_ environment: [String: String]) -> Bool {
        Self.value(environment, "BITBUCKET_BUILD_NUMBER") != nil
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        var fields = Self.fields(
            environment,
            [
                (.repository, "BITBUCKET_REPO_FULL_NAME"), (.sha, "BITBUCKET_COMMIT"), (.ref, "BITBUCKET_BRANCH"),
                (.runID, "BITBUCKET_BUILD_NUMBER"), (.actor, "BITBUCKET_STEP_TRIGGERER_UUID"),
            ])
        if fields[.ref] == nil { fields[.ref] = Self.value(environment, "BITBUCKET_TAG") }
        // The pipeline's page, as datadog-ci builds it (src/helpers/ci.ts).
        if let repository = fields[.repository], let build = fields[.runID] {
            fields[.runURL] = "https://bitbucket.org/\(repository)/addon/pipelines/home#!/results/\(build)"
        }
        return fields
    }

    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend] {
        let names = handoff.environment.map(\.0)
        let appends = try Self.variableLines(
            handoff.environment, file: Self.variablesFile, format: { "\($0)=\($1)\n" },
            unset:
                "\(Self.variablesFile) is not set: later steps will not see \(names.joined(separator: " and ")) (Bitbucket's variable sharing: list them under this step's output-variables)",
            reporter: reporter, dryRun: dryRun, context: context
        )
        if !appends.isEmpty {
            reporter.note("later steps see \(names.joined(separator: " and ")) if this step lists them under output-variables")
        }
        return appends
    }
}
