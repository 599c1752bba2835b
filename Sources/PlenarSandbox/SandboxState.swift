import FoundationEssentials
import PlenarAPI

/// Everything the sandbox keeps across restarts: organizations, projects, key hashes, stored events.
///
/// Plaintext tokens are never part of it: a key is found by the SHA-256 of the bearer token.
struct SandboxState: Codable, Sendable {
    static let currentVersion = 1

    var version = SandboxState.currentVersion
    var organizations: [Organization] = []
    var projects: [Project] = []
    var keys: [KeyRecord] = []
    var events: [EventRecord] = []
    /// `"<organization id> <event type> <Idempotency-Key>"` → the id of the event first stored under it.
    var idempotency: [String: String] = [:]
    /// People who log in, with their reach and pinned default project.
    var users: [User] = []
    /// Browser logins started by `plenar login`, pending or decided.
    var logins: [LoginRecord] = []
    /// Who may exchange an OIDC token for a key (`POST /v1/oidc/exchange`).
    var trustRecords: [TrustRecord] = []
    /// `jti` of each exchanged OIDC token → when it may be forgotten (its `exp` plus the leeway).
    var exchangedTokenIDs: [String: Date] = [:]
}

extension SandboxState {
    /// A state file written before users and logins existed reads with none of them.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        organizations = try container.decode([Organization].self, forKey: .organizations)
        projects = try container.decode([Project].self, forKey: .projects)
        keys = try container.decode([KeyRecord].self, forKey: .keys)
        events = try container.decode([EventRecord].self, forKey: .events)
        idempotency = try container.decode([String: String].self, forKey: .idempotency)
        users = try container.decodeIfPresent([User].self, forKey: .users) ?? []
        logins = try container.decodeIfPresent([LoginRecord].self, forKey: .logins) ?? []
        trustRecords = try container.decodeIfPresent([TrustRecord].self, forKey: .trustRecords) ?? []
        exchangedTokenIDs = try container.decodeIfPresent([String: Date].self, forKey: .exchangedTokenIDs) ?? [:]
    }
}

struct Organization: Codable, Sendable {
    var id: String
    var name: String
    var createdBy: String

    enum CodingKeys: String, CodingKey {
        case id, name
        case createdBy = "created_by"
    }
}

struct Project: Codable, Sendable {
    var id: String
    var organizationID: String
    var key: String
    var name: String

    var ref: ProjectRef { ProjectRef(id: id, key: key, name: name) }

    enum CodingKeys: String, CodingKey {
        case id, key, name
        case organizationID = "organization_id"
    }
}

struct KeyRecord: Codable, Sendable {
    var id: String
    var organizationID: String
    var kind: TokenKind
    /// Hex SHA-256 of the full token.
    var hash: String
    /// Kind prefix and first four characters, e.g. `pko_AbCd`.
    var displayPrefix: String
    var description: String
    var createdBy: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    var scopes: [Scope]
    /// Project ids the key may reach; `nil` means every project of its organization.
    var allowlist: [String]?
    var defaultProjectID: String?
    var lastUsedAt: Date?
    var lastUsedIP: String?
    /// The expiry period chosen at creation, kept so a rotation can choose it again.
    var expiryDays: Int?
    /// The key this one replaces (`keys rotate`).
    var replaces: String?
    /// For a key exchanged from an OIDC token: where it came from.
    var origin: KeyOrigin?

    enum CodingKeys: String, CodingKey {
        case id, kind, hash, description, scopes, allowlist, replaces, origin
        case expiryDays = "expiry_days"
        case organizationID = "organization_id"
        case displayPrefix = "prefix"
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case defaultProjectID = "default_project_id"
        case lastUsedAt = "last_used_at"
        case lastUsedIP = "last_used_ip"
    }
}

struct EventRecord: Codable, Sendable {
    var type: EventType
    var id: String
    var projectID: String
    var keyID: String
    var body: JSONValue
    var receivedAt: Date

    enum CodingKeys: String, CodingKey {
        case type, id, body
        case projectID = "project_id"
        case keyID = "key_id"
        case receivedAt = "received_at"
    }
}
