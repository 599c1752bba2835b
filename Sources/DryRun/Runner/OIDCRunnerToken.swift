import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What the runner gives a job that may request an OIDC token (`permissions: id-token: write`,
/// and not a fork's pull request): `ACTIONS_ID_TOKEN_REQUEST_URL` and `_TOKEN`, here from the
/// sandbox's GitHub-shaped issuer (`POST /_sandbox/oidc/jobs`), for the job's own claims.
enum OIDCRunnerToken {
    /// The `permissions` a job ends up with: its own, else the workflow's; id-token is written
    /// only by `id-token: write` or `write-all`.
    static func grantsIDToken(job: YAMLPermissions, workflow: YAMLPermissions) -> Bool {
        (job.idTokenWrite ?? workflow.idTokenWrite) ?? false
    }

    static func variables(
        sandbox: String, repository: String, ref: String, sha: String, event: String, runID: String, workflowRef: String
    ) throws(DryRunError) -> [String: String] {
        let job: [String: String] = [
            "repository": repository, "repository_id": "1", "repository_owner_id": "1", "ref": ref, "sha": sha, "event_name": event,
            "run_id": runID, "workflow_ref": workflowRef,
        ]
        guard let url = URL(string: sandbox + "/_sandbox/oidc/jobs"), let body = try? JSONSerialization.data(withJSONObject: job) else {
            throw DryRunError("--oidc-sandbox \(sandbox) is not a URL")
        }
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let answer = Answer()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            answer.set(data, (response as? HTTPURLResponse)?.statusCode ?? 0)
            done.signal()
        }.resume()
        done.wait()
        let (data, status) = answer.get()
        guard status == 201, let data, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let requestURL = object["request_url"] as? String, let token = object["request_token"] as? String
        else {
            throw DryRunError("the sandbox at \(sandbox) gave no OIDC request token (\(status))")
        }
        return ["ACTIONS_ID_TOKEN_REQUEST_URL": requestURL, "ACTIONS_ID_TOKEN_REQUEST_TOKEN": token]
    }

    private final class Answer: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        private var status = 0
        func set(_ data: Data?, _ status: Int) { lock.withLock { (self.data, self.status) = (data, status) } }
        func get() -> (Data?, Int) { lock.withLock { (data, status) } }
    }
}

/// `permissions:` of a workflow or job, as far as the dry run needs it.
public struct YAMLPermissions: Sendable {
    /// nil when the block is absent.
    public var idTokenWrite: Bool?

    static func parse(_ node: YAMLNode?) -> YAMLPermissions {
        switch node {
        case nil: YAMLPermissions(idTokenWrite: nil)
        case .scalar(let text, _, _)?: YAMLPermissions(idTokenWrite: text == "write-all")
        case .mapping(let pairs, _)?:
            YAMLPermissions(
                idTokenWrite: pairs.contains { pair in
                    if pair.key == "id-token", case .scalar("write", _, _) = pair.value { return true }
                    return false
                })
        default: YAMLPermissions(idTokenWrite: false)
        }
    }
}
