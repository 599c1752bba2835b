/// The fields of the `ci` object sent with every signal, hook and run (docs/api.md, "The ci
/// object"): the CI run a record belongs to, each a string, any of them absent when the CI does
/// not say. Never secrets. The CLI fills them from the CI's environment; the sandbox checks that
/// each is a string.
public enum CIField: String, Sendable, CaseIterable {
    /// `github`, `gitlab`, `buildkite`, `circleci`, `azure-pipelines`, `jenkins`, `bitbucket`,
    /// or `unknown` (`CI` set, no known CI recognised).
    case provider
    /// The repository, as `owner/name` where the CI gives that form.
    case repository
    /// The commit.
    case sha
    /// The branch, tag or ref, as the CI names it.
    case ref
    /// The workflow, pipeline or build definition.
    case workflow
    /// The job or step.
    case job
    /// The run, pipeline or build.
    case runID = "run_id"
    /// Which attempt of the run or job this is, counting from 1.
    case runAttempt = "run_attempt"
    /// A link to the run in the CI's web interface.
    case runURL = "run_url"
    /// A link to the job.
    case jobURL = "job_url"
    /// Who or what started the run.
    case actor
    /// What started the run: a push, a pull request, a schedule…
    case event
}
