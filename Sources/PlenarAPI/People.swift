/// A person as the API names them.
public struct UserRef: Codable, Sendable, Hashable {
    public var email: String
    public var name: String

    public init(email: String, name: String) {
        self.email = email
        self.name = name
    }
}

/// `POST /cli/sessions`: a login waiting for a person to approve it in the browser.
public struct LoginStart: Codable, Sendable, Hashable {
    /// The poll handle: whoever holds it receives the session, so it is as secret as a token.
    public var id: String
    public var userCode: String
    public var verificationURL: String
    /// The verification URL with the code filled in.
    public var verificationURLComplete: String
    public var expiresAt: String
    /// Seconds to wait between polls.
    public var interval: Int

    public init(id: String, userCode: String, verificationURL: String, verificationURLComplete: String, expiresAt: String, interval: Int) {
        self.id = id
        self.userCode = userCode
        self.verificationURL = verificationURL
        self.verificationURLComplete = verificationURLComplete
        self.expiresAt = expiresAt
        self.interval = interval
    }

    enum CodingKeys: String, CodingKey {
        case id, interval
        case userCode = "user_code"
        case verificationURL = "verification_url"
        case verificationURLComplete = "verification_url_complete"
        case expiresAt = "expires_at"
    }
}

/// `POST /cli/sessions/{id}/poll`: where a login stands. The session token comes once, on the
/// first poll after approval; later polls answer `consumed`.
public struct LoginPoll: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case pending, approved, denied, expired, consumed
    }

    public var status: Status
    @ExplicitNull public var sessionToken: String?
    @ExplicitNull public var user: UserRef?
    @ExplicitNull public var organization: OrganizationRef?
    /// When the session ends if unused (24 h after its last use).
    @ExplicitNull public var expiresAt: String?

    public init(
        status: Status, sessionToken: String? = nil, user: UserRef? = nil, organization: OrganizationRef? = nil, expiresAt: String? = nil
    ) {
        self.status = status
        self.sessionToken = sessionToken
        self.user = user
        self.organization = organization
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case status, user, organization
        case sessionToken = "session_token"
        case expiresAt = "expires_at"
    }
}

/// A key as key management shows it: everything but the secret.
public struct KeyInfo: Codable, Sendable, Hashable {
    public var id: String
    public var kind: TokenKind
    public var prefix: String
    public var description: String
    public var createdBy: String
    public var createdAt: String
    @ExplicitNull public var expiresAt: String?
    /// The expiry period chosen at creation (30, 90, 180, 365), null for never.
    @ExplicitNull public var expiresInDays: Int?
    @ExplicitNull public var revokedAt: String?
    @ExplicitNull public var lastUsedAt: String?
    @ExplicitNull public var lastUsedIP: String?
    public var scopes: [Scope]
    public var scope: ProjectScope
    /// The key this one was created to replace (`keys rotate`).
    @ExplicitNull public var replaces: String?
    /// For a key exchanged from an OIDC token: the trust record, repository and run it came from.
    public var origin: KeyOrigin?

    public init(
        id: String, kind: TokenKind, prefix: String, description: String, createdBy: String, createdAt: String,
        expiresAt: String?, expiresInDays: Int?, revokedAt: String?, lastUsedAt: String?, lastUsedIP: String?,
        scopes: [Scope], scope: ProjectScope, replaces: String?, origin: KeyOrigin? = nil
    ) {
        self.id = id
        self.kind = kind
        self.prefix = prefix
        self.description = description
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.expiresInDays = expiresInDays
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedIP = lastUsedIP
        self.scopes = scopes
        self.scope = scope
        self.replaces = replaces
        self.origin = origin
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, prefix, description, scopes, scope, replaces, origin
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case expiresInDays = "expires_in_days"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
        case lastUsedIP = "last_used_ip"
    }
}

/// `GET /keys`.
public struct KeyList: Codable, Sendable, Hashable {
    public var keys: [KeyInfo]

    public init(keys: [KeyInfo]) {
        self.keys = keys
    }
}

/// `POST /keys`: a new organization key or personal token.
public struct CreateKeyRequest: Codable, Sendable, Hashable {
    /// Expiry periods the service offers; null is never.
    public static let expiryPeriods = [30, 90, 180, 365]

    public var kind: TokenKind
    public var description: String
    @ExplicitNull public var expiresInDays: Int?
    /// Project keys or ids; null is every project of the organization.
    @ExplicitNull public var projects: [String]?
    /// Null is every scope.
    @ExplicitNull public var scopes: [Scope]?
    @ExplicitNull public var replaces: String?

    public init(kind: TokenKind, description: String, expiresInDays: Int?, projects: [String]?, scopes: [Scope]?, replaces: String? = nil) {
        self.kind = kind
        self.description = description
        self.expiresInDays = expiresInDays
        self.projects = projects
        self.scopes = scopes
        self.replaces = replaces
    }

    enum CodingKeys: String, CodingKey {
        case kind, description, projects, scopes, replaces
        case expiresInDays = "expires_in_days"
    }
}

/// The answer to `POST /keys`: the only time the plaintext exists outside its holder.
public struct CreatedKey: Codable, Sendable, Hashable {
    public var key: KeyInfo
    public var token: String

    public init(key: KeyInfo, token: String) {
        self.key = key
        self.token = token
    }
}

/// `GET`/`PUT /me/default-project`: the user's pinned default project.
public struct DefaultProject: Codable, Sendable, Hashable {
    @ExplicitNull public var defaultProject: ProjectRef?
    @ExplicitNull public var user: UserRef?

    public init(defaultProject: ProjectRef?, user: UserRef?) {
        self.defaultProject = defaultProject
        self.user = user
    }

    enum CodingKeys: String, CodingKey {
        case user
        case defaultProject = "default_project"
    }
}

/// The body of `PUT /me/default-project`: a project id or key, or null to unpin.
public struct SetDefaultProject: Codable, Sendable, Hashable {
    @ExplicitNull public var project: String?

    public init(project: String?) {
        self.project = project
    }
}
