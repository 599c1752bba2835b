import PlenarAPI

/// The CI run a command is part of, sent with signals, hooks and runs. Never secrets.
public enum CIContext {
    public static func detect(_ environment: [String: String]) -> JSONValue? {
        func value(_ name: String) -> JSONValue? {
            environment[name].flatMap { $0.isEmpty ? nil : .string($0) }
        }
        if GitHubActions.isActive(environment) {
            var fields: [String: JSONValue] = ["provider": .string("github")]
            let names = [
                ("repository", "GITHUB_REPOSITORY"), ("sha", "GITHUB_SHA"), ("ref", "GITHUB_REF"),
                ("workflow", "GITHUB_WORKFLOW"), ("job", "GITHUB_JOB"), ("run_id", "GITHUB_RUN_ID"),
                ("run_attempt", "GITHUB_RUN_ATTEMPT"), ("actor", "GITHUB_ACTOR"), ("event", "GITHUB_EVENT_NAME"),
            ]
            for (field, variable) in names {
                fields[field] = value(variable)
            }
            return .object(fields)
        }
        if environment["GITLAB_CI"] == "true" {
            var fields: [String: JSONValue] = ["provider": .string("gitlab")]
            let names = [
                ("repository", "CI_PROJECT_PATH"), ("sha", "CI_COMMIT_SHA"), ("ref", "CI_COMMIT_REF_NAME"),
                ("workflow", "CI_PIPELINE_SOURCE"), ("job", "CI_JOB_NAME"), ("run_id", "CI_PIPELINE_ID"),
                ("actor", "GITLAB_USER_LOGIN"),
            ]
            for (field, variable) in names {
                fields[field] = value(variable)
            }
            return .object(fields)
        }
        if environment["CI"] == "true" || environment["CI"] == "1" {
            return .object(["provider": .string("unknown")])
        }
        return nil
    }
}
