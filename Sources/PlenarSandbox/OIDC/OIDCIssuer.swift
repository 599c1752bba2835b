import Crypto
import CryptoExtras
import FoundationEssentials
import PlenarAPI
import Synchronization

/// The job a runner-shaped OIDC request token stands for: the repository, ref, event and run
/// whose claims its ID tokens carry. `POST /_sandbox/oidc/jobs`.
public struct OIDCJob: Codable, Sendable {
    public var repository: String
    public var repositoryID: String
    public var repositoryOwnerID: String
    public var ref: String?
    public var sha: String?
    public var eventName: String?
    public var runID: String?
    public var runNumber: String?
    public var runAttempt: String?
    public var environment: String?
    public var workflow: String?
    public var workflowRef: String?
    public var jobWorkflowRef: String?
    public var actor: String?
    public var actorID: String?
    public var headRef: String?
    public var baseRef: String?
    public var repositoryVisibility: String?
    /// Replaces the `sub` GitHub would build (its format is configurable per repository).
    public var sub: String?
    /// Seconds added to `iat`, `nbf` and `exp` (negative: a token already expired).
    public var clockSkewSeconds: Int?
    /// An ID token's life; GitHub's are 5 minutes.
    public var tokenLifetimeSeconds: Int?

    public init(repository: String, repositoryID: String, repositoryOwnerID: String, ref: String? = nil, eventName: String? = nil) {
        self.repository = repository
        self.repositoryID = repositoryID
        self.repositoryOwnerID = repositoryOwnerID
        self.ref = ref
        self.eventName = eventName
    }

    enum CodingKeys: String, CodingKey {
        case repository, ref, sha, environment, workflow, actor, sub
        case repositoryID = "repository_id"
        case repositoryOwnerID = "repository_owner_id"
        case eventName = "event_name"
        case runID = "run_id"
        case runNumber = "run_number"
        case runAttempt = "run_attempt"
        case workflowRef = "workflow_ref"
        case jobWorkflowRef = "job_workflow_ref"
        case actorID = "actor_id"
        case headRef = "head_ref"
        case baseRef = "base_ref"
        case repositoryVisibility = "repository_visibility"
        case clockSkewSeconds = "clock_skew_seconds"
        case tokenLifetimeSeconds = "token_lifetime_seconds"
    }
}

/// What `POST /_sandbox/oidc/jobs` answers: the two variables the runner gives a job with
/// `permissions: id-token: write`.
struct OIDCJobCredentials: Codable, Sendable {
    var requestURL: String
    var requestToken: String

    enum CodingKeys: String, CodingKey {
        case requestURL = "request_url"
        case requestToken = "request_token"
    }
}

/// A GitHub-shaped OIDC issuer at `<root>/oidc`: discovery, JWKS (one RS256 key, made on first
/// use and kept in memory only), and the runner's token endpoint
/// (`GET /oidc/idtoken?api-version=2.0&audience=A` with the job's request token).
final class OIDCIssuer: Sendable {
    static let path = "oidc"
    private struct State {
        var root: String?
        var key: _RSA.Signing.PrivateKey?
        var kid = ""
        /// SHA-256 of a request token → its job.
        var jobs: [String: OIDCJob] = [:]
    }

    private let state = Mutex(State())
    let clock: any SandboxClock

    init(clock: any SandboxClock) {
        self.clock = clock
    }

    /// Called once the server listens: the issuer URL is `<root>/oidc`.
    func setRoot(_ root: String) {
        state.withLock { $0.root = root }
    }

    var issuer: String {
        (state.withLock { $0.root } ?? "http://127.0.0.1") + "/" + Self.path
    }

    private func signingKey() throws -> (key: _RSA.Signing.PrivateKey, kid: String) {
        try state.withLock { state in
            if let key = state.key { return (key, state.kid) }
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let modulus = try key.publicKey.getKeyPrimitives().modulus
            state.key = key
            state.kid = Base64URL.encode(SHA256.hash(data: modulus).prefix(12))
            return (key, state.kid)
        }
    }

    var discovery: JSONValue {
        let issuer = self.issuer
        return .object([
            "issuer": .string(issuer),
            "jwks_uri": .string(issuer + "/.well-known/jwks"),
            "subject_types_supported": .array([.string("public"), .string("pairwise")]),
            "response_types_supported": .array([.string("id_token")]),
            "id_token_signing_alg_values_supported": .array([.string("RS256")]),
            "scopes_supported": .array([.string("openid")]),
            "claims_supported": .array(Self.claimNames.map(JSONValue.string)),
        ])
    }

    func jwks() throws -> JSONValue {
        let (key, kid) = try signingKey()
        let primitives = try key.publicKey.getKeyPrimitives()
        return .object([
            "keys": .array([
                .object([
                    "kty": .string("RSA"), "alg": .string("RS256"), "use": .string("sig"), "kid": .string(kid),
                    "n": .string(Base64URL.encode(primitives.modulus)), "e": .string(Base64URL.encode(primitives.publicExponent)),
                ])
            ])
        ])
    }

    /// Registers a job and returns its request URL and token, as the runner sets them.
    func register(_ job: OIDCJob) throws(APIError) -> OIDCJobCredentials {
        guard job.repository.split(separator: "/").count == 2 else { throw .invalid("repository must be OWNER/NAME") }
        guard !job.repositoryID.isEmpty, !job.repositoryOwnerID.isEmpty else {
            throw .invalid("repository_id and repository_owner_id are required")
        }
        let token = Secrets.randomString(length: 40)
        state.withLock { $0.jobs[Secrets.hash(token)] = job }
        return OIDCJobCredentials(requestURL: issuer + "/idtoken?api-version=2.0", requestToken: token)
    }

    func job(requestToken: String) -> OIDCJob? {
        state.withLock { $0.jobs[Secrets.hash(requestToken)] }
    }

    /// An ID token for `job`, with GitHub's claim set.
    func mint(_ job: OIDCJob, audience: String?) throws -> String {
        let (key, kid) = try signingKey()
        return try JWT.sign(claims: claims(job, audience: audience), key: key, kid: kid)
    }

    func claims(_ job: OIDCJob, audience: String?) -> [String: JSONValue] {
        let owner = String(job.repository.split(separator: "/")[0])
        let ref = job.ref ?? "refs/heads/main"
        let event = job.eventName ?? "push"
        let workflowRef = job.workflowRef ?? "\(job.repository)/.github/workflows/ci.yml@\(ref)"
        let sha = job.sha ?? String(repeating: "0", count: 40)
        let now = Int(clock.now().timeIntervalSince1970) + (job.clockSkewSeconds ?? 0)
        let sub: String =
            job.sub
            ?? {
                if let environment = job.environment { return "repo:\(job.repository):environment:\(environment)" }
                if event.hasPrefix("pull_request") { return "repo:\(job.repository):pull_request" }
                return "repo:\(job.repository):ref:\(ref)"
            }()
        var claims: [String: JSONValue] = [
            "iss": .string(issuer),
            "aud": .string(audience ?? "https://github.com/\(owner)"),
            "sub": .string(sub),
            "jti": .string(UUID().uuidString.lowercased()),
            "iat": .number(Double(now)),
            "nbf": .number(Double(now)),
            "exp": .number(Double(now + (job.tokenLifetimeSeconds ?? 300))),
            "repository": .string(job.repository),
            "repository_id": .string(job.repositoryID),
            "repository_owner": .string(owner),
            "repository_owner_id": .string(job.repositoryOwnerID),
            "repository_visibility": .string(job.repositoryVisibility ?? "private"),
            "ref": .string(ref),
            "ref_type": .string(ref.hasPrefix("refs/tags/") ? "tag" : "branch"),
            "ref_protected": .string("false"),
            "sha": .string(sha),
            "workflow": .string(job.workflow ?? "CI"),
            "workflow_ref": .string(workflowRef),
            "workflow_sha": .string(sha),
            "job_workflow_ref": .string(job.jobWorkflowRef ?? workflowRef),
            "job_workflow_sha": .string(sha),
            "event_name": .string(event),
            "run_id": .string(job.runID ?? "1000001"),
            "run_number": .string(job.runNumber ?? "1"),
            "run_attempt": .string(job.runAttempt ?? "1"),
            "actor": .string(job.actor ?? "octocat"),
            "actor_id": .string(job.actorID ?? "583231"),
            "head_ref": .string(job.headRef ?? ""),
            "base_ref": .string(job.baseRef ?? ""),
            "runner_environment": .string("github-hosted"),
        ]
        if let environment = job.environment { claims["environment"] = .string(environment) }
        return claims
    }

    static let claimNames = [
        "sub", "aud", "iss", "jti", "iat", "nbf", "exp", "repository", "repository_id", "repository_owner", "repository_owner_id",
        "repository_visibility", "ref", "ref_type", "ref_protected", "sha", "workflow", "workflow_ref", "workflow_sha",
        "job_workflow_ref", "job_workflow_sha", "event_name", "run_id", "run_number", "run_attempt", "actor", "actor_id",
        "head_ref", "base_ref", "environment", "runner_environment",
    ]
}
