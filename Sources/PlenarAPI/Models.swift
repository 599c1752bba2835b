/// A project as the API names it: an opaque id, a human key (`PLEN-DEMO`) and a name.
public struct ProjectRef: Codable, Sendable, Hashable {
    public var id: String
    public var key: String
    public var name: String

    public init(id: String, key: String, name: String) {
        self.id = id
        self.key = key
        self.name = name
    }
}

public struct OrganizationRef: Codable, Sendable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

/// Which projects a key may reach: every project of its organization, or an allowlist.
public struct ProjectScope: Codable, Sendable, Hashable {
    public enum Mode: String, Codable, Sendable {
        case all
        case allowlist
    }

    public var mode: Mode
    public var projects: [ProjectRef]

    public init(mode: Mode, projects: [ProjectRef]) {
        self.mode = mode
        self.projects = projects
    }
}

/// `GET /whoami`: who the token is, what it may do, and where.
public struct WhoAmI: Codable, Sendable, Hashable {
    public struct Key: Codable, Sendable, Hashable {
        public var id: String
        /// The token's kind prefix and its first four characters (`pko_AbCd`): enough to tell keys apart, never the secret.
        public var prefix: String
        public var description: String
        public var createdAt: String
        @ExplicitNull public var expiresAt: String?
        /// The most recent use of the key before this request.
        @ExplicitNull public var lastUsedAt: String?

        public init(id: String, prefix: String, description: String, createdAt: String, expiresAt: String?, lastUsedAt: String?) {
            self.id = id
            self.prefix = prefix
            self.description = description
            self.createdAt = createdAt
            self.expiresAt = expiresAt
            self.lastUsedAt = lastUsedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, prefix, description
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
        }
    }

    public var kind: TokenKind
    public var organization: OrganizationRef
    public var createdBy: String
    public var key: Key
    public var scopes: [Scope]
    public var scope: ProjectScope
    /// The project a call without one resolves to, if any.
    @ExplicitNull public var defaultProject: ProjectRef?
    /// The person a personal token or login session acts as; null for an organization key.
    @ExplicitNull public var user: UserRef?

    public init(
        kind: TokenKind, organization: OrganizationRef, createdBy: String, key: Key,
        scopes: [Scope], scope: ProjectScope, defaultProject: ProjectRef?, user: UserRef? = nil
    ) {
        self.user = user
        self.kind = kind
        self.organization = organization
        self.createdBy = createdBy
        self.key = key
        self.scopes = scopes
        self.scope = scope
        self.defaultProject = defaultProject
    }

    enum CodingKeys: String, CodingKey {
        case kind, organization, key, scopes, scope, user
        case createdBy = "created_by"
        case defaultProject = "default_project"
    }
}

/// `GET /projects`.
public struct ProjectList: Codable, Sendable, Hashable {
    public var projects: [ProjectRef]

    public init(projects: [ProjectRef]) {
        self.projects = projects
    }
}

/// The 202 answer to every POST: the id the server gave the stored record.
public struct Accepted: Codable, Sendable, Hashable {
    public var id: String

    public init(id: String) {
        self.id = id
    }
}

/// The three kinds of record a client posts, and where each goes.
public enum EventType: String, Codable, Sendable, CaseIterable {
    case signal
    case hook
    case run

    public var path: String {
        switch self {
        case .signal: "/signals"
        case .hook: "/hooks"
        case .run: "/runs"
        }
    }

    public var requiredScope: Scope {
        switch self {
        case .signal: .signalsWrite
        case .hook: .hooksWrite
        case .run: .runsWrite
        }
    }
}

/// Header names the API defines beyond the standard ones.
public enum PlenarHeader {
    public static let idempotencyKey = "Idempotency-Key"
    /// A project for requests whose body names none (MCP clients set it from `PLENAR_PROJECT_ID`).
    public static let project = "X-Plenar-Project"
}
