import PlenarAPI

/// Jenkins. Variables: www.jenkins.io/doc/book/pipeline/jenkinsfile/#using-environment-variables
/// (`JENKINS_URL`, `JOB_NAME`, `BUILD_NUMBER`, `BUILD_URL`; `STAGE_NAME` inside a stage), the Git
/// plugin's `GIT_COMMIT`, `GIT_BRANCH`, `GIT_URL`, and multibranch's `BRANCH_NAME`
/// (codecov-cli and datadog-ci detect Jenkins by `JENKINS_URL`). No masking at run time (the
/// Credentials Binding plugin masks only what it binds), no way for a `sh` step to set variables
/// for later steps (the Jenkinsfile does that: `env.NAME = sh(returnStdout: true, …)`), no summary.
struct JenkinsCI: CIAdapter {
    var provider: String { "jenkins" }
    var name: String { "Jenkins" }

    func isActive(_ environment: [String: String]) -> Bool {
        Self.value(environment, "JENKINS_URL") != nil
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        var fields = Self.fields(
            environment,
            [
                (.sha, "GIT_COMMIT"), (.ref, "BRANCH_NAME"), (.workflow, "JOB_NAME"), (.job, "STAGE_NAME"), (.runID, "BUILD_NUMBER"),
                (.runURL, "BUILD_URL"),
            ])
        if fields[.ref] == nil { fields[.ref] = Self.value(environment, "GIT_BRANCH") }
        if let remote = Self.value(environment, "GIT_URL") { fields[.repository] = GitRemote.slug(remote) }
        return fields
    }

    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend] {
        reporter.note(
            "Jenkins gives a step no way to set variables for later steps: set \(handoff.environment.map(\.0).joined(separator: " and ")) in the pipeline's environment block, or read them from plenar connect --json (api_url, project.key)"
        )
        return []
    }
}
