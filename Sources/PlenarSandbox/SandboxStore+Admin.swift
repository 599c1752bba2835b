import FoundationEssentials
import PlenarAPI

/// `POST /_sandbox/keys`.
public struct MintKeyRequest: Codable, Sendable {
    public var org: String
    public var kind: TokenKind
    public var userEmail: String?
    /// Project keys or ids; absent means every project of the organization.
    public var projects: [String]?
    /// Absent means every scope.
    public var scopes: [String]?
    public var expiresAt: String?
    public var defaultProject: String?
    public var description: String?

    public init(
        org: String, kind: TokenKind, userEmail: String? = nil, projects: [String]? = nil, scopes: [String]? = nil,
        expiresAt: String? = nil, defaultProject: String? = nil, description: String? = nil
    ) {
        self.org = org
        self.kind = kind
        self.userEmail = userEmail
        self.projects = projects
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.defaultProject = defaultProject
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case org, kind, projects, scopes, description
        case userEmail = "user_email"
        case expiresAt = "expires_at"
        case defaultProject = "default_project"
    }
}

/// The answer to a mint: the only time the plaintext token exists outside the caller.
public struct MintedKey: Codable, Sendable {
    public var id: String
    public var token: String
}

/// `POST /_sandbox/projects`.
public struct CreateProjectRequest: Codable, Sendable {
    public var org: String
    public var key: String
    public var name: String
}

/// A key as the admin API lists it: everything but the secret.
struct KeySummary: Codable, Sendable {
    var id: String
    var organization: String
    var kind: TokenKind
    var prefix: String
    var description: String
    var createdBy: String
    var createdAt: Date
    @ExplicitNull var expiresAt: Date?
    @ExplicitNull var revokedAt: Date?
    var scopes: [Scope]
    @ExplicitNull var projects: [String]?
    @ExplicitNull var defaultProject: String?
    @ExplicitNull var lastUsedAt: Date?
    @ExplicitNull var lastUsedIP: String?
    /// For a key exchanged from an OIDC token: the trust record, repository and run.
    var origin: KeyOrigin?

    enum CodingKeys: String, CodingKey {
        case id, organization, kind, prefix, description, scopes, projects, origin
        case createdBy = "created_by"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case defaultProject = "default_project"
        case lastUsedAt = "last_used_at"
        case lastUsedIP = "last_used_ip"
    }
}

extension SandboxStore {
    static let adminEmail = "sandbox-admin@localhost"

    /// Finds the organization by name, creating it when new.
    func organization(named name: String, createdBy: String?) -> Organization {
        if let existing = state.organizations.first(where: { $0.name == name }) { return existing }
        let organization = Organization(id: Secrets.newID("org"), name: name, createdBy: createdBy ?? Self.adminEmail)
        state.organizations.append(organization)
        dirty = true
        return organization
    }

    func createProject(_ request: CreateProjectRequest) throws(APIError) -> ProjectRef {
        let key = request.key.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, !request.name.isEmpty else { throw .invalid("key and name must not be empty") }
        let organization = organization(named: request.org, createdBy: nil)
        if state.projects.contains(where: { $0.organizationID == organization.id && $0.key.lowercased() == key.lowercased() }) {
            throw .invalid("project \(key) already exists in \(organization.name)")
        }
        let project = Project(id: Secrets.newID("prj"), organizationID: organization.id, key: key, name: request.name)
        state.projects.append(project)
        dirty = true
        return project.ref
    }

    func mintKey(_ request: MintKeyRequest) throws(APIError) -> MintedKey {
        guard !request.org.isEmpty else { throw .invalid("org must not be empty") }
        let scopes: [Scope]
        if let names = request.scopes {
            var parsed: [Scope] = []
            for name in names {
                guard let scope = Scope(rawValue: name) else {
                    throw .invalid("unknown scope \(name); known: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                parsed.append(scope)
            }
            scopes = parsed
        } else {
            scopes = Scope.allCases
        }
        var expiresAt: Date?
        if let text = request.expiresAt {
            guard let date = Timestamp.parse(text) else { throw .invalid("expires_at must be an RFC 3339 timestamp") }
            expiresAt = date
        }
        if request.kind == .org, request.defaultProject != nil {
            throw .invalid("organization keys have no default project; name the project in each call or use an allowlist")
        }
        let organization = organization(named: request.org, createdBy: request.userEmail)
        let allowlist = try request.projects.map { names throws(APIError) in
            try names.map { name throws(APIError) in try projectID(name, in: organization) }
        }
        let defaultProjectID = try request.defaultProject.map { name throws(APIError) in try projectID(name, in: organization) }
        if let defaultProjectID, let allowlist, !allowlist.contains(defaultProjectID) {
            throw .invalid("default_project must be one of the key's projects")
        }
        let token = Secrets.newToken(kind: request.kind)
        let key = KeyRecord(
            id: Secrets.newID("key"), organizationID: organization.id, kind: request.kind,
            hash: Secrets.hash(token), displayPrefix: String(token.prefix(request.kind.prefix.count + 4)),
            description: request.description ?? "\(request.kind.rawValue) key", createdBy: request.userEmail ?? organization.createdBy,
            createdAt: clock.now(), expiresAt: expiresAt, revokedAt: nil, scopes: scopes, allowlist: allowlist,
            defaultProjectID: defaultProjectID, lastUsedAt: nil, lastUsedIP: nil
        )
        keyIndexByHash[key.hash] = state.keys.count
        state.keys.append(key)
        dirty = true
        return MintedKey(id: key.id, token: token)
    }

    private func projectID(_ name: String, in organization: Organization) throws(APIError) -> String {
        guard let project = findProject(name, organizationID: organization.id) else {
            throw APIError(.notFound, "project \(name) does not exist in organization \(organization.name)")
        }
        return project.id
    }

    func revokeKey(id: String) throws(APIError) {
        guard let index = state.keys.firstIndex(where: { $0.id == id }) else {
            throw APIError(.notFound, "no key with id \(id)")
        }
        if state.keys[index].revokedAt == nil {
            state.keys[index].revokedAt = clock.now()
            dirty = true
        }
    }

    func keySummaries() -> [KeySummary] {
        state.keys.map { key in
            KeySummary(
                id: key.id,
                organization: state.organizations.first { $0.id == key.organizationID }?.name ?? key.organizationID,
                kind: key.kind, prefix: key.displayPrefix, description: key.description, createdBy: key.createdBy,
                createdAt: key.createdAt, expiresAt: key.expiresAt, revokedAt: key.revokedAt, scopes: key.scopes,
                projects: key.allowlist.map { ids in ids.map { id in projectKey(id) } },
                defaultProject: key.defaultProjectID.map(projectKey),
                lastUsedAt: key.lastUsedAt, lastUsedIP: key.lastUsedIP, origin: key.origin
            )
        }
    }

    private func projectKey(_ id: String) -> String {
        state.projects.first { $0.id == id }?.key ?? id
    }

    func allProjects() -> [ProjectRef] {
        state.projects.map(\.ref)
    }

    func events(type: EventType?) -> [EventRecord] {
        guard let type else { return state.events }
        return state.events.filter { $0.type == type }
    }

    /// Forgets stored events, idempotency records and rate-limit buckets; keeps organizations, projects and keys.
    func reset() {
        state.events.removeAll()
        state.idempotency.removeAll()
        limiter?.reset()
        dirty = true
    }

    /// Creates the demo organization and projects if missing and mints a fresh set of demo keys.
    func seedDemo() throws(APIError) -> [String: String] {
        let organization = organization(named: "Acme", createdBy: "alice.chen@acme.com")
        for (key, name) in [("PLEN-DEMO", "Demo App"), ("PLEN-OPS", "Ops")]
        where findProject(key, organizationID: organization.id) == nil {
            _ = try createProject(CreateProjectRequest(org: organization.name, key: key, name: name))
        }
        try seedDemoUsers()
        let yesterday = Timestamp.format(clock.now().addingTimeInterval(-86_400))
        let specs: [(String, MintKeyRequest)] = [
            ("org_demo", MintKeyRequest(org: "Acme", kind: .org, projects: ["PLEN-DEMO"], description: "org_demo")),
            ("org_all", MintKeyRequest(org: "Acme", kind: .org, description: "org_all")),
            ("personal", MintKeyRequest(org: "Acme", kind: .personal, defaultProject: "PLEN-DEMO", description: "personal")),
            ("revoked", MintKeyRequest(org: "Acme", kind: .org, projects: ["PLEN-DEMO"], description: "revoked")),
            ("expired", MintKeyRequest(org: "Acme", kind: .org, projects: ["PLEN-DEMO"], expiresAt: yesterday, description: "expired")),
        ]
        var tokens: [String: String] = [:]
        for (name, request) in specs {
            let minted = try mintKey(request)
            if name == "revoked" { try revokeKey(id: minted.id) }
            tokens[name] = minted.token
        }
        return tokens
    }
}
