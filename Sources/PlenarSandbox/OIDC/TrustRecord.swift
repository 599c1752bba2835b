import FoundationEssentials
import PlenarAPI

/// Who may exchange an OIDC token for a key of an organization: an issuer, an audience, the
/// repository and its owner by id (never by name alone), optional patterns, and what the key gets.
struct TrustRecord: Codable, Sendable {
    var id: String
    var organizationID: String
    var description: String
    var issuer: String
    var audience: String
    var repositoryID: String
    var repositoryOwnerID: String
    /// Patterns (`*` matches any run of characters); nil accepts any value, or none.
    var ref: String?
    var environment: String?
    var workflowRef: String?
    var jobWorkflowRef: String?
    /// Project ids the derived key may reach; nil is every project of the organization.
    var projects: [String]?
    var scopes: [Scope]
    var lifetimeSeconds: Int
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, description, issuer, audience, ref, environment, projects, scopes
        case organizationID = "organization_id"
        case repositoryID = "repository_id"
        case repositoryOwnerID = "repository_owner_id"
        case workflowRef = "workflow_ref"
        case jobWorkflowRef = "job_workflow_ref"
        case lifetimeSeconds = "lifetime_seconds"
        case createdAt = "created_at"
    }

    /// The claims this record compares, with the value or pattern each must satisfy.
    var requirements: [(claim: String, expected: String, isPattern: Bool)] {
        var list: [(String, String, Bool)] = [
            ("repository_id", repositoryID, false), ("repository_owner_id", repositoryOwnerID, false),
        ]
        if let ref { list.append(("ref", ref, true)) }
        if let environment { list.append(("environment", environment, true)) }
        if let workflowRef { list.append(("workflow_ref", workflowRef, true)) }
        if let jobWorkflowRef { list.append(("job_workflow_ref", jobWorkflowRef, true)) }
        return list
    }

    /// Every requirement the claims fail; empty when the record matches.
    func mismatches(_ claims: [String: JSONValue]) -> [OIDCMismatch] {
        requirements.compactMap { requirement in
            let actual = UnverifiedJWT.text(claims[requirement.claim])
            let matches =
                actual.map { value in
                    requirement.isPattern ? Glob.matches(requirement.expected, value) : value == requirement.expected
                } ?? false
            return matches ? nil : OIDCMismatch(claim: requirement.claim, expected: requirement.expected, actual: actual, trustRecord: id)
        }
    }
}

/// `POST /_sandbox/oidc/trust`.
public struct CreateTrustRecordRequest: Codable, Sendable {
    public var org: String
    public var issuer: String
    public var audience: String
    public var repositoryID: String
    public var repositoryOwnerID: String
    public var ref: String?
    public var environment: String?
    public var workflowRef: String?
    public var jobWorkflowRef: String?
    public var projects: [String]?
    public var scopes: [String]?
    public var lifetimeSeconds: Int?
    public var description: String?

    public init(
        org: String, issuer: String, audience: String, repositoryID: String, repositoryOwnerID: String, ref: String? = nil,
        environment: String? = nil, workflowRef: String? = nil, jobWorkflowRef: String? = nil, projects: [String]? = nil,
        scopes: [String]? = nil, lifetimeSeconds: Int? = nil, description: String? = nil
    ) {
        self.org = org
        self.issuer = issuer
        self.audience = audience
        self.repositoryID = repositoryID
        self.repositoryOwnerID = repositoryOwnerID
        self.ref = ref
        self.environment = environment
        self.workflowRef = workflowRef
        self.jobWorkflowRef = jobWorkflowRef
        self.projects = projects
        self.scopes = scopes
        self.lifetimeSeconds = lifetimeSeconds
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case org, issuer, audience, ref, environment, projects, scopes, description
        case repositoryID = "repository_id"
        case repositoryOwnerID = "repository_owner_id"
        case workflowRef = "workflow_ref"
        case jobWorkflowRef = "job_workflow_ref"
        case lifetimeSeconds = "lifetime_seconds"
    }
}

/// A trust record as the admin API shows it.
struct TrustRecordSummary: Codable, Sendable {
    var id: String
    var organization: String
    var description: String
    var issuer: String
    var audience: String
    var repositoryID: String
    var repositoryOwnerID: String
    @ExplicitNull var ref: String?
    @ExplicitNull var environment: String?
    @ExplicitNull var workflowRef: String?
    @ExplicitNull var jobWorkflowRef: String?
    @ExplicitNull var projects: [String]?
    var scopes: [Scope]
    var lifetimeSeconds: Int
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, organization, description, issuer, audience, ref, environment, projects, scopes
        case repositoryID = "repository_id"
        case repositoryOwnerID = "repository_owner_id"
        case workflowRef = "workflow_ref"
        case jobWorkflowRef = "job_workflow_ref"
        case lifetimeSeconds = "lifetime_seconds"
        case createdAt = "created_at"
    }
}

/// `*` matches any run of characters (`/` included); everything else matches itself.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let pattern = Array(pattern.utf8)
        let text = Array(text.utf8)
        var (p, t) = (0, 0)
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
