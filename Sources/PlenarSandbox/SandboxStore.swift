import FoundationEssentials
import PlenarAPI

/// A key that passed authentication, with what the request needs to know about it.
struct Caller: Sendable {
    var key: KeyRecord
    var organization: Organization
    /// When the key was used before this request.
    var previousUse: Date?
}

/// The sandbox's state: organizations, projects, keys, stored events, and the rules that guard them.
///
/// Every mutation marks the state dirty; ``flush()`` writes it to the `--state` file when there is one.
public actor SandboxStore {
    var state: SandboxState
    var keyIndexByHash: [String: Int] = [:]
    var limiter: RateLimiter?
    let clock: any SandboxClock
    private let stateFile: StateFile?
    var dirty = false

    public init(clock: any SandboxClock = SystemClock(), rateLimit: Int? = nil, stateFile: StateFile? = nil) throws(SandboxError) {
        self.clock = clock
        self.stateFile = stateFile
        self.limiter = rateLimit.map(RateLimiter.init(rate:))
        self.state = try stateFile?.load() ?? SandboxState()
        for (index, key) in state.keys.enumerated() {
            keyIndexByHash[key.hash] = index
        }
    }

    // MARK: Persistence

    /// Writes the state to the state file if anything changed since the last write.
    public func flush() throws(SandboxError) {
        guard dirty, let stateFile else { return }
        try stateFile.save(state)
        dirty = false
    }

    // MARK: Authentication

    func authenticate(authorization: String?, peer: String?) throws(APIError) -> Caller {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else {
            throw APIError(.unauthorized, "send the token as 'Authorization: Bearer <token>'")
        }
        let token = String(authorization.dropFirst(7))
        do {
            _ = try TokenShape.check(token)
        } catch {
            throw APIError(.tokenInvalid, "malformed token: \(error.explanation)")
        }
        guard let index = keyIndexByHash[Secrets.hash(token)] else {
            throw APIError(.tokenInvalid, "this token is not known to the server; check that the secret holds the whole key")
        }
        let now = clock.now()
        let key = state.keys[index]
        if let revokedAt = key.revokedAt {
            throw APIError(.tokenRevoked, "key \(key.id) was revoked at \(Timestamp.format(revokedAt)); create a new key")
        }
        if let expiresAt = key.expiresAt, expiresAt <= now {
            throw APIError(.tokenExpired, "key \(key.id) expired at \(Timestamp.format(expiresAt)); create a new key")
        }
        if key.kind == .session, Self.sessionEnd(lastActive: key.lastUsedAt ?? key.createdAt) <= now {
            throw APIError(.tokenExpired, "this login session ended after 24 h without use; run plenar login")
        }
        // Last use alone does not trigger a save; it is written with the next real change.
        state.keys[index].lastUsedAt = now
        state.keys[index].lastUsedIP = peer
        if let wait = limiter?.take(key: key.id, now: now) {
            throw APIError(
                .rateLimited, "rate limit of \(limiter!.rate) requests per second exceeded; retry after \(wait) s", retryAfter: wait)
        }
        guard let organization = state.organizations.first(where: { $0.id == key.organizationID }) else {
            throw APIError(.internal, "key \(key.id) belongs to no organization")
        }
        return Caller(key: key, organization: organization, previousUse: key.lastUsedAt)
    }

    // MARK: Reads

    func whoami(_ caller: Caller) -> WhoAmI {
        let key = caller.key
        let reachable = reachableProjects(caller)
        return WhoAmI(
            kind: key.kind,
            organization: OrganizationRef(id: caller.organization.id, name: caller.organization.name),
            createdBy: key.createdBy,
            key: WhoAmI.Key(
                id: key.id,
                prefix: key.displayPrefix,
                description: key.description,
                createdAt: Timestamp.format(key.createdAt),
                expiresAt: key.kind == .session
                    ? Timestamp.format(Self.sessionEnd(lastActive: clock.now())) : key.expiresAt.map(Timestamp.format),
                lastUsedAt: caller.previousUse.map(Timestamp.format)
            ),
            scopes: key.scopes.sorted(),
            scope: ProjectScope(mode: key.allowlist == nil && userReach(caller) == nil ? .all : .allowlist, projects: reachable.map(\.ref)),
            defaultProject: (try? resolveProject(caller, requested: nil))?.ref,
            user: user(of: caller)?.ref
        )
    }

    func projects(_ caller: Caller) throws(APIError) -> ProjectList {
        try require(.projectsRead, caller)
        return ProjectList(projects: reachableProjects(caller).map(\.ref))
    }

    // MARK: Records

    /// Validates and stores one posted record; a repeated `Idempotency-Key` returns the first record's id.
    func record(
        _ type: EventType, body: JSONValue, caller: Caller, projectHeader: String?, idempotencyKey: String?
    ) throws(APIError) -> Accepted {
        try require(type.requiredScope, caller)
        guard let members = body.objectValue else {
            throw .invalid("the request body must be a JSON object, not \(body.typeName)")
        }
        try EventValidation.validate(type, members)
        let requested = members["project_id"]?.stringValue ?? projectHeader
        let project = try resolveProject(caller, requested: requested)
        // Per organization, not per key: a spooled record may be sent again with a later key of the
        // same organization (an OIDC key exchanged again), and must still be stored once.
        let replayKey = idempotencyKey.map { "\(caller.organization.id) \(type.rawValue) \($0)" }
        if let replayKey, let existing = state.idempotency[replayKey] {
            return Accepted(id: existing)
        }
        let event = EventRecord(
            type: type, id: Secrets.newID(type.rawValue), projectID: project.id, keyID: caller.key.id,
            body: body.maskingTokenShapes, receivedAt: clock.now()
        )
        state.events.append(event)
        if let replayKey { state.idempotency[replayKey] = event.id }
        dirty = true
        return Accepted(id: event.id)
    }

    // MARK: Rules

    func require(_ scope: Scope, _ caller: Caller) throws(APIError) {
        guard caller.key.scopes.contains(scope) else {
            throw APIError(.insufficientScope, "key \(caller.key.id) lacks the \(scope.rawValue) scope")
        }
    }

    func reachableProjects(_ caller: Caller) -> [Project] {
        var own = state.projects.filter { $0.organizationID == caller.organization.id }
        if let reach = userReach(caller) { own = own.filter { reach.contains($0.id) } }
        guard let allowlist = caller.key.allowlist else { return own }
        return own.filter { allowlist.contains($0.id) }
    }

    /// Project resolution: the named project, else a one-project allowlist, else a personal default;
    /// never a guess.
    func resolveProject(_ caller: Caller, requested: String?) throws(APIError) -> Project {
        if let requested, !requested.isEmpty {
            guard let project = findProject(requested, organizationID: caller.organization.id) else {
                throw APIError(.notFound, "project \(requested) does not exist in organization \(caller.organization.name)")
            }
            if let allowlist = caller.key.allowlist, !allowlist.contains(project.id) {
                throw APIError(.projectNotAllowed, "key \(caller.key.id) may not reach project \(project.key)")
            }
            if let reach = userReach(caller), !reach.contains(project.id) {
                throw APIError(.projectNotAllowed, "\(caller.key.createdBy) may not reach project \(project.key)")
            }
            return project
        }
        if let allowlist = caller.key.allowlist, allowlist.count == 1,
            let project = state.projects.first(where: { $0.id == allowlist[0] })
        {
            return project
        }
        if let pinned = user(of: caller)?.defaultProjectID, let project = reachableProjects(caller).first(where: { $0.id == pinned }) {
            return project
        }
        if let projectID = caller.key.defaultProjectID, let project = state.projects.first(where: { $0.id == projectID }) {
            return project
        }
        throw APIError(
            .projectRequired,
            "no project was named and this key has no single default; send project_id (a project id or key such as PLEN-DEMO)")
    }

    func findProject(_ name: String, organizationID: String) -> Project? {
        state.projects.first {
            $0.organizationID == organizationID && ($0.id == name || $0.key.lowercased() == name.lowercased())
        }
    }
}
