/// Who reads a message and takes the next step it names.
enum Audience: Equatable {
    /// A GitHub Actions workflow: the step is the workflow's (`env:`, `secrets.`).
    case actions
    /// Another CI (`CI` set): the step is the job's configuration.
    case ci
    /// A person at a terminal.
    case person

    init(_ environment: [String: String]) {
        if GitHubActions.isActive(environment) {
            self = .actions
        } else if let ci = environment["CI"], !ci.isEmpty, ci.lowercased() != "false", ci != "0" {
            self = .ci
        } else {
            self = .person
        }
    }
}
