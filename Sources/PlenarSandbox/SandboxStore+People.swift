import FoundationEssentials
import PlenarAPI

/// A person who logs in: their organization, the projects they reach, their pinned default.
struct User: Codable, Sendable {
    var id: String
    var organizationID: String
    var email: String
    var name: String
    /// Project ids the person reaches; nil is every project of the organization.
    var projects: [String]?
    var defaultProjectID: String?

    var ref: UserRef { UserRef(email: email, name: name) }

    enum CodingKeys: String, CodingKey {
        case id, email, name, projects
        case organizationID = "organization_id"
        case defaultProjectID = "default_project_id"
    }
}

/// A browser login started by `plenar login`. The poll handle is kept as its SHA-256 only.
struct LoginRecord: Codable, Sendable {
    enum Status: String, Codable, Sendable {
        case pending, approved, denied, consumed
    }

    var handleHash: String
    var userCode: String
    var client: String
    var createdAt: Date
    var expiresAt: Date
    var status: Status
    var userEmail: String?
    var organizationID: String?

    enum CodingKeys: String, CodingKey {
        case client, status
        case handleHash = "handle_hash"
        case userCode = "user_code"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case userEmail = "user_email"
        case organizationID = "organization_id"
    }
}

/// `POST /_sandbox/users`.
public struct CreateUserRequest: Codable, Sendable {
    public var org: String
    public var email: String
    public var name: String
    /// Project keys or ids; absent means every project of the organization.
    public var projects: [String]?
}

extension SandboxStore {
    /// A session ends after this long without use.
    static let sessionIdleLimit: Double = 24 * 3600
    /// A login not approved within this long expires.
    static let loginLifetime: Double = 600
    static let loginInterval = 1
    private static let userCodeAlphabet = Array("BCDFGHJKLMNPQRSTVWXZ")

    static func sessionEnd(lastActive: Date) -> Date {
        lastActive.addingTimeInterval(sessionIdleLimit)
    }

    // MARK: Users

    /// The person a personal token or session acts as; none for an organization key.
    func user(of caller: Caller) -> User? {
        guard caller.key.kind == .personal || caller.key.kind == .session else { return nil }
        return state.users.first { $0.organizationID == caller.organization.id && $0.email == caller.key.createdBy }
    }

    /// The projects the caller's person may reach, when that is narrower than the organization.
    func userReach(_ caller: Caller) -> [String]? {
        user(of: caller)?.projects
    }

    func createUser(_ request: CreateUserRequest) throws(APIError) -> UserRef {
        guard request.email.contains("@"), !request.name.isEmpty else { throw .invalid("email and name are required") }
        let organization = organization(named: request.org, createdBy: request.email)
        if state.users.contains(where: { $0.email == request.email && $0.organizationID == organization.id }) {
            throw .invalid("user \(request.email) already exists in \(organization.name)")
        }
        var projectIDs: [String]?
        if let names = request.projects {
            projectIDs = try names.map { name throws(APIError) in
                guard let project = findProject(name, organizationID: organization.id) else {
                    throw APIError(.notFound, "project \(name) does not exist in organization \(organization.name)")
                }
                return project.id
            }
        }
        let user = User(
            id: Secrets.newID("usr"), organizationID: organization.id, email: request.email, name: request.name, projects: projectIDs)
        state.users.append(user)
        dirty = true
        return user.ref
    }

    /// Every user with their organization's name, for the approval page and the admin API.
    func allUsers() -> [(user: User, organization: String)] {
        state.users.map { user in (user, state.organizations.first { $0.id == user.organizationID }?.name ?? user.organizationID) }
    }

    func seedDemoUsers() throws(APIError) {
        for (email, name, projects) in [("alice.chen@acme.com", "Alice Chen", nil), ("bob.li@acme.com", "Bob Li", ["PLEN-DEMO"])]
        where !state.users.contains(where: { $0.email == email }) {
            _ = try createUser(CreateUserRequest(org: "Acme", email: email, name: name, projects: projects))
        }
    }

    // MARK: Browser login

    func startLogin(root: String, client: String) -> LoginStart {
        let now = clock.now()
        state.logins.removeAll { $0.expiresAt.addingTimeInterval(3600) < now }
        let handle = "lgn_" + Secrets.randomString(length: 40)
        var code: String
        repeat {
            var generator = SystemRandomNumberGenerator()
            let letters = (0..<8).map { _ in Self.userCodeAlphabet.randomElement(using: &generator)! }
            code = String(letters[0..<4]) + "-" + String(letters[4..<8])
        } while state.logins.contains { $0.userCode == code }
        let record = LoginRecord(
            handleHash: Secrets.hash(handle), userCode: code, client: String(client.prefix(100)),
            createdAt: now, expiresAt: now.addingTimeInterval(Self.loginLifetime), status: .pending
        )
        state.logins.append(record)
        dirty = true
        return LoginStart(
            id: handle, userCode: code, verificationURL: root + "/login", verificationURLComplete: root + "/login?code=" + code,
            expiresAt: Timestamp.format(record.expiresAt), interval: Self.loginInterval
        )
    }

    /// Where a login stands; the first poll after approval receives the session token.
    func pollLogin(handle: String) throws(APIError) -> LoginPoll {
        guard let index = state.logins.firstIndex(where: { $0.handleHash == Secrets.hash(handle) }) else {
            throw APIError(.notFound, "no login with this id; start again with plenar login")
        }
        let login = state.logins[index]
        let now = clock.now()
        switch login.status {
        case .pending:
            return LoginPoll(status: login.expiresAt <= now ? .expired : .pending)
        case .denied:
            return LoginPoll(status: .denied)
        case .consumed:
            return LoginPoll(status: .consumed)
        case .approved:
            guard let email = login.userEmail, let organizationID = login.organizationID,
                let organization = state.organizations.first(where: { $0.id == organizationID }),
                let user = state.users.first(where: { $0.email == email && $0.organizationID == organizationID })
            else { throw APIError(.internal, "the approved login names no known user") }
            let token = Secrets.newToken(kind: .session)
            let key = KeyRecord(
                id: Secrets.newID("ses"), organizationID: organizationID, kind: .session, hash: Secrets.hash(token),
                displayPrefix: String(token.prefix(8)), description: "login session (\(login.client))", createdBy: email,
                createdAt: now, expiresAt: nil, revokedAt: nil, scopes: Scope.allCases, allowlist: nil,
                defaultProjectID: nil, lastUsedAt: nil, lastUsedIP: nil
            )
            keyIndexByHash[key.hash] = state.keys.count
            state.keys.append(key)
            state.logins[index].status = .consumed
            dirty = true
            return LoginPoll(
                status: .approved, sessionToken: token, user: user.ref,
                organization: OrganizationRef(id: organization.id, name: organization.name),
                expiresAt: Timestamp.format(Self.sessionEnd(lastActive: now))
            )
        }
    }

    /// `ABCD-EFGH`, typed in any case, with or without the dash.
    static func normalizedCode(_ text: String) -> String {
        let letters = text.uppercased().filter { $0.isLetter }
        guard letters.count == 8 else { return letters }
        return String(letters.prefix(4)) + "-" + String(letters.suffix(4))
    }

    /// A login still waiting for a decision, by its user code.
    func pendingLogin(code: String) -> LoginRecord? {
        let code = Self.normalizedCode(code)
        return state.logins.first { $0.userCode == code && $0.status == .pending && $0.expiresAt > clock.now() }
    }

    func decideLogin(code: String, email: String, approve: Bool) throws(APIError) {
        let code = Self.normalizedCode(code)
        guard let index = state.logins.firstIndex(where: { $0.userCode == code && $0.status == .pending && $0.expiresAt > clock.now() })
        else {
            throw APIError(.notFound, "no login waits for the code \(code): it expired or was decided already")
        }
        guard let user = state.users.first(where: { $0.email == email }) else {
            throw APIError(.notFound, "no user \(email)")
        }
        state.logins[index].status = approve ? .approved : .denied
        state.logins[index].userEmail = user.email
        state.logins[index].organizationID = user.organizationID
        dirty = true
    }

    func loginSummaries() -> [[String: String]] {
        state.logins.map { login in
            let expired = login.status == .pending && login.expiresAt <= clock.now()
            return [
                "user_code": login.userCode, "status": expired ? "expired" : login.status.rawValue, "client": login.client,
                "created_at": Timestamp.format(login.createdAt), "expires_at": Timestamp.format(login.expiresAt),
            ]
        }
    }

    /// `DELETE /cli/session`: the caller's own session ends now.
    func endSession(_ caller: Caller) throws(APIError) {
        try requireSession(caller)
        try revokeKey(id: caller.key.id)
    }

    // MARK: Key management

    func requireSession(_ caller: Caller) throws(APIError) {
        guard caller.key.kind == .session else {
            throw APIError(
                .sessionRequired,
                "this needs a login session (plenar login); an API key (\(caller.key.kind.prefix)…) can never list, create or revoke keys")
        }
    }

    /// The organization's keys and the caller's own personal tokens; never sessions.
    private func visibleKeyIndices(_ caller: Caller) -> [Int] {
        state.keys.indices.filter { index in
            let key = state.keys[index]
            return key.organizationID == caller.organization.id && key.kind != .session
                && (key.kind == .org || key.kind == .oidc || key.createdBy == caller.key.createdBy)
        }
    }

    func keyInfo(_ key: KeyRecord) -> KeyInfo {
        let organizationProjects = state.projects.filter { $0.organizationID == key.organizationID }
        let projects = key.allowlist.map { ids in organizationProjects.filter { ids.contains($0.id) } } ?? organizationProjects
        return KeyInfo(
            id: key.id, kind: key.kind, prefix: key.displayPrefix, description: key.description, createdBy: key.createdBy,
            createdAt: Timestamp.format(key.createdAt), expiresAt: key.expiresAt.map(Timestamp.format), expiresInDays: key.expiryDays,
            revokedAt: key.revokedAt.map(Timestamp.format), lastUsedAt: key.lastUsedAt.map(Timestamp.format), lastUsedIP: key.lastUsedIP,
            scopes: key.scopes.sorted(), scope: ProjectScope(mode: key.allowlist == nil ? .all : .allowlist, projects: projects.map(\.ref)),
            replaces: key.replaces, origin: key.origin
        )
    }

    func listKeys(_ caller: Caller) throws(APIError) -> KeyList {
        try requireSession(caller)
        return KeyList(keys: visibleKeyIndices(caller).map { keyInfo(state.keys[$0]) })
    }

    private func visibleKeyIndex(_ caller: Caller, id: String) throws(APIError) -> Int {
        try requireSession(caller)
        guard let index = visibleKeyIndices(caller).first(where: { state.keys[$0].id == id }) else {
            throw APIError(.notFound, "no key \(id) among this organization's keys and your personal tokens")
        }
        return index
    }

    func key(_ caller: Caller, id: String) throws(APIError) -> KeyInfo {
        keyInfo(state.keys[try visibleKeyIndex(caller, id: id)])
    }

    func revokeKey(_ caller: Caller, id: String) throws(APIError) -> KeyInfo {
        let index = try visibleKeyIndex(caller, id: id)
        try revokeKey(id: id)
        return keyInfo(state.keys[index])
    }

    func createKey(_ caller: Caller, _ request: CreateKeyRequest) throws(APIError) -> CreatedKey {
        try requireSession(caller)
        let description = request.description.trimmingCharacters(in: .whitespaces)
        guard !description.isEmpty, description.count <= 200 else { throw .invalid("description must be 1 to 200 characters") }
        guard request.kind != .session else { throw .invalid("kind must be org or personal; sessions come from plenar login") }
        if let days = request.expiresInDays, !CreateKeyRequest.expiryPeriods.contains(days) {
            throw .invalid("expires_in_days must be null (never) or one of 30, 90, 180, 365")
        }
        if let replaced = request.replaces {
            _ = try visibleKeyIndex(caller, id: replaced)
        }
        let organization = caller.organization
        var allowlist: [String]?
        if let names = request.projects {
            guard !names.isEmpty else { throw .invalid("projects must name at least one project, or be null for all") }
            allowlist = try names.map { name throws(APIError) in
                guard let project = findProject(name, organizationID: organization.id) else {
                    throw APIError(.notFound, "project \(name) does not exist in organization \(organization.name)")
                }
                if request.kind == .personal, let reach = userReach(caller), !reach.contains(project.id) {
                    throw APIError(.projectNotAllowed, "\(caller.key.createdBy) may not reach project \(project.key)")
                }
                return project.id
            }
        }
        let token = Secrets.newToken(kind: request.kind)
        let now = clock.now()
        let key = KeyRecord(
            id: Secrets.newID("key"), organizationID: organization.id, kind: request.kind, hash: Secrets.hash(token),
            displayPrefix: String(token.prefix(8)), description: description, createdBy: caller.key.createdBy, createdAt: now,
            expiresAt: request.expiresInDays.map { now.addingTimeInterval(Double($0) * 86_400) }, revokedAt: nil,
            scopes: request.scopes ?? Scope.allCases, allowlist: allowlist, defaultProjectID: nil, lastUsedAt: nil, lastUsedIP: nil,
            expiryDays: request.expiresInDays, replaces: request.replaces
        )
        keyIndexByHash[key.hash] = state.keys.count
        state.keys.append(key)
        dirty = true
        return CreatedKey(key: keyInfo(key), token: token)
    }

    // MARK: Default project

    private func ensureUserIndex(_ caller: Caller) throws(APIError) -> Int {
        guard caller.key.kind == .personal || caller.key.kind == .session else {
            throw APIError(
                .forbidden,
                "organization keys have no default project on purpose: name the project in each call (PLENAR_PROJECT_ID or project_id)")
        }
        if let index = state.users.firstIndex(where: { $0.organizationID == caller.organization.id && $0.email == caller.key.createdBy }) {
            return index
        }
        state.users.append(
            User(id: Secrets.newID("usr"), organizationID: caller.organization.id, email: caller.key.createdBy, name: caller.key.createdBy))
        dirty = true
        return state.users.count - 1
    }

    func defaultProject(_ caller: Caller) throws(APIError) -> DefaultProject {
        let index = try ensureUserIndex(caller)
        let pinned = state.users[index].defaultProjectID.flatMap { id in state.projects.first { $0.id == id } }
        return DefaultProject(defaultProject: pinned?.ref, user: state.users[index].ref)
    }

    func setDefaultProject(_ caller: Caller, _ request: SetDefaultProject) throws(APIError) -> DefaultProject {
        let index = try ensureUserIndex(caller)
        if let name = request.project {
            let project = try resolveProject(caller, requested: name)
            state.users[index].defaultProjectID = project.id
        } else {
            state.users[index].defaultProjectID = nil
        }
        dirty = true
        return try defaultProject(caller)
    }
}
