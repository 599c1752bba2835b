import Foundation

/// The event that starts a local run, shared by all its jobs: `github.event_name`, the payload
/// (`github.event`, the file at `GITHUB_EVENT_PATH`) and the ref.
///
/// Payloads: `--event-file` gives one as it is. Otherwise push and pull_request get a payload of
/// the shape GitHub sends (a push of the commit to the ref; a pull request `opened` from a branch
/// `feature`, from a fork for `pull_request_fork`), `workflow_dispatch` its `inputs` (as strings),
/// `ref`, `repository`, `sender` and `workflow`; any other event only `repository` and `sender`.
///
/// The ref: `--ref`, else a payload's own (`ref` of a push, `refs/pull/N/merge` for a pull
/// request), else `refs/heads/main`. `github.ref_name` is its last part (`v1.2.3` for
/// `refs/tags/v1.2.3`, `1/merge` for a pull request) and `github.ref_type` `tag` or `branch`.
struct RunEvent {
    let name: String
    let fromFork: Bool
    let payload: ExpressionValue
    let ref: String
    let baseRef: String
    let headRef: String
    let actor: String
    let sha: String
    let runID: String
    /// Said once at the start of the run: where the payload came from.
    let notes: [String]

    var refName: String {
        for prefix in ["refs/heads/", "refs/tags/", "refs/pull/"] where ref.hasPrefix(prefix) { return String(ref.dropFirst(prefix.count)) }
        return ref
    }

    var refType: String { ref.hasPrefix("refs/tags/") ? "tag" : "branch" }

    static func make(
        _ event: DryRunEvent, options: DryRunOptions, workflowPath: String, dispatchInputs: [(String, ExpressionValue)]
    ) throws(DryRunError) -> RunEvent {
        let repository = options.repository
        let owner = String(repository.prefix { $0 != "/" })
        let repositoryName = String(repository.split(separator: "/").last ?? "app")
        let sha = options.sha ?? String(repeating: "0", count: 40)
        let runID = String(UInt32.random(in: 1_000_000...UInt32.max))
        var notes: [String] = []

        if let file = options.eventFile {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw DryRunError("--event-file \(file): cannot read it: \(error.localizedDescription)")
            }
            let payload: ExpressionValue
            do {
                payload = try ExpressionValue.parseJSON(text)
            } catch {
                throw DryRunError("--event-file \(file): not JSON: \(error)")
            }
            guard case .object(let object) = payload else { throw DryRunError("--event-file \(file): the payload must be a JSON object") }
            let pullRequest = object["pull_request"].flatMap { value -> ExpressionObject? in
                if case .object(let pull) = value { return pull }
                return nil
            }
            func field(_ value: ExpressionValue?, _ path: String...) -> String? {
                var current = value
                for key in path {
                    guard case .object(let inner)? = current else { return nil }
                    current = inner[key]
                }
                if case .string(let text)? = current { return text }
                if case .number? = current { return current?.text }
                return nil
            }
            let pullValue = object["pull_request"]
            let headFork: Bool = {
                guard case .object(let head)? = pullRequest?["head"], case .object(let repo)? = head["repo"] else { return false }
                return repo["fork"] == .bool(true)
            }()
            let fromFork = event.fromFork || (event.name == "pull_request" && headFork)
            if fromFork, !event.fromFork { notes.append("the payload's pull request comes from a fork: secrets are empty, as on GitHub") }
            var ref = field(payload, "ref") ?? "refs/heads/main"
            if let number = field(pullValue, "number") ?? field(payload, "number"), pullRequest != nil { ref = "refs/pull/\(number)/merge" }
            notes.append("the payload is \(file)")
            return RunEvent(
                name: event.name, fromFork: fromFork, payload: payload, ref: options.ref ?? ref,
                baseRef: field(pullValue, "base", "ref") ?? "", headRef: field(pullValue, "head", "ref") ?? "",
                actor: field(payload, "sender", "login") ?? "dry-run", sha: field(pullValue, "head", "sha") ?? sha, runID: runID,
                notes: notes)
        }

        let pullRequest = event.name == "pull_request" || event.name == "pull_request_target"
        let actor = event.fromFork ? "fork-contributor" : "dry-run"
        let ref = options.ref ?? (pullRequest ? "refs/pull/1/merge" : "refs/heads/main")
        let repositoryValue = ExpressionValue.object([
            ("name", .string(repositoryName)), ("full_name", .string(repository)), ("owner", .object([("login", .string(owner))])),
            ("fork", .bool(false)), ("private", .bool(false)), ("default_branch", .string("main")),
        ])
        let sender = ExpressionValue.object([("login", .string(actor))])
        let payload: ExpressionValue
        switch event.name {
        case "push":
            payload = .object([
                ("ref", .string(ref)), ("before", .string(String(repeating: "0", count: 40))), ("after", .string(sha)),
                ("created", .bool(false)), ("deleted", .bool(false)), ("forced", .bool(false)),
                ("base_ref", .null), ("head_commit", .object([("id", .string(sha)), ("message", .string("Dry run"))])),
                ("pusher", .object([("name", .string(actor))])), ("repository", repositoryValue), ("sender", sender),
            ])
        case "pull_request", "pull_request_target":
            let headRepository =
                event.fromFork
                ? ExpressionValue.object([
                    ("name", .string(repositoryName)), ("full_name", .string("\(actor)/\(repositoryName)")),
                    ("owner", .object([("login", .string(actor))])), ("fork", .bool(true)), ("private", .bool(false)),
                ]) : repositoryValue
            let headOwner = event.fromFork ? actor : owner
            payload = .object([
                ("action", .string("opened")), ("number", .number(1)),
                (
                    "pull_request",
                    .object([
                        ("number", .number(1)), ("title", .string("Dry run")), ("user", .object([("login", .string(actor))])),
                        (
                            "head",
                            .object([
                                ("ref", .string("feature")), ("sha", .string(sha)), ("label", .string("\(headOwner):feature")),
                                ("repo", headRepository),
                            ])
                        ),
                        (
                            "base",
                            .object([
                                ("ref", .string("main")), ("sha", .string(sha)), ("label", .string("\(owner):main")),
                                ("repo", repositoryValue),
                            ])
                        ),
                    ])
                ),
                ("repository", repositoryValue), ("sender", sender),
            ])
        case "workflow_dispatch":
            payload = .object([
                ("inputs", .object(dispatchInputs.map { ($0.0, .string($0.1.text)) })), ("ref", .string(ref)),
                ("repository", repositoryValue), ("sender", sender), ("workflow", .string(workflowPath)),
            ])
        default:
            payload = .object([("repository", repositoryValue), ("sender", sender)])
            notes.append("the \(event.name) payload has only repository and sender; give a full one with --event-file")
        }
        return RunEvent(
            name: event.name, fromFork: event.fromFork, payload: payload, ref: ref, baseRef: pullRequest ? "main" : "",
            headRef: pullRequest ? "feature" : "", actor: actor, sha: sha, runID: runID, notes: notes)
    }

    /// The `github` context of a job, without the entries of one step.
    func github(
        options: DryRunOptions, workflow: Workflow, jobID: String, workspace: String, eventPath: String, token: String
    ) -> [(String, ExpressionValue)] {
        let repository = options.repository
        let owner = String(repository.prefix { $0 != "/" })
        let workflowPath = RunnerEnvironment.workflowPath(workflow.file)
        return [
            ("action_ref", .string("")), ("action_repository", .string("")), ("actor", .string(actor)), ("actor_id", .string("1")),
            ("api_url", .string("https://api.github.com")), ("base_ref", .string(baseRef)),
            ("event", payload), ("event_name", .string(name)), ("event_path", .string(eventPath)),
            ("graphql_url", .string("https://api.github.com/graphql")), ("head_ref", .string(headRef)),
            ("job", .string(jobID)), ("ref", .string(ref)), ("ref_name", .string(refName)),
            ("ref_protected", .string("false")), ("ref_type", .string(refType)), ("repository", .string(repository)),
            ("repository_id", .string("1")), ("repository_owner", .string(owner)), ("repository_owner_id", .string("1")),
            ("retention_days", .string("90")), ("run_attempt", .string("1")), ("run_id", .string(runID)),
            ("run_number", .string("1")), ("server_url", .string("https://github.com")), ("sha", .string(sha)),
            ("token", .string(token)), ("triggering_actor", .string(actor)), ("workflow", .string(workflow.name ?? workflowPath)),
            ("workflow_ref", .string("\(repository)/\(workflowPath)@\(ref)")), ("workflow_sha", .string(sha)),
            ("workspace", .string(workspace)),
        ]
    }
}
