import FoundationEssentials
import PlenarAPI

extension SandboxStore {
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    static let oidcLeeway: Double = 30
    static let oidcDefaultKeyLifetime = 3600
    /// The longest life a derived key may be given: a GitHub-hosted job's limit.
    static let oidcMaximumKeyLifetime = 6 * 3600

    // MARK: Trust records

    func addTrustRecord(_ request: CreateTrustRecordRequest) throws(APIError) -> TrustRecordSummary {
        guard !request.org.isEmpty else { throw .invalid("org must not be empty") }
        guard OIDCIssuerURL.isAcceptable(request.issuer) else {
            throw .invalid("issuer must be an https URL (or http to a loopback host), such as https://token.actions.githubusercontent.com")
        }
        guard !request.audience.isEmpty else { throw .invalid("audience must not be empty") }
        for (name, value) in [("repository_id", request.repositoryID), ("repository_owner_id", request.repositoryOwnerID)]
        where value.isEmpty || !value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw .invalid("\(name) must be the numeric id GitHub gives (gh api repos/OWNER/REPO --jq .id, .owner.id); names can be reused")
        }
        let lifetime = request.lifetimeSeconds ?? Self.oidcDefaultKeyLifetime
        guard (60...Self.oidcMaximumKeyLifetime).contains(lifetime) else {
            throw .invalid("lifetime_seconds must be between 60 and \(Self.oidcMaximumKeyLifetime)")
        }
        var scopes = Scope.allCases
        if let names = request.scopes {
            scopes = try names.map { name throws(APIError) in
                guard let scope = Scope(rawValue: name) else { throw .invalid("unknown scope \(name)") }
                return scope
            }
        }
        let organization = organization(named: request.org, createdBy: nil)
        let projects = try request.projects.map { names throws(APIError) in
            try names.map { name throws(APIError) in
                guard let project = findProject(name, organizationID: organization.id) else {
                    throw APIError(.notFound, "project \(name) does not exist in organization \(organization.name)")
                }
                return project.id
            }
        }
        let record = TrustRecord(
            id: Secrets.newID("otr"), organizationID: organization.id,
            description: request.description ?? "GitHub Actions, repository \(request.repositoryID)", issuer: request.issuer,
            audience: request.audience, repositoryID: request.repositoryID, repositoryOwnerID: request.repositoryOwnerID,
            ref: request.ref, environment: request.environment, workflowRef: request.workflowRef, jobWorkflowRef: request.jobWorkflowRef,
            projects: projects, scopes: scopes, lifetimeSeconds: lifetime, createdAt: clock.now()
        )
        state.trustRecords.append(record)
        dirty = true
        return summary(record)
    }

    func trustRecordSummaries() -> [TrustRecordSummary] {
        state.trustRecords.map(summary)
    }

    func removeTrustRecord(id: String) throws(APIError) {
        guard let index = state.trustRecords.firstIndex(where: { $0.id == id }) else {
            throw APIError(.notFound, "no trust record with id \(id)")
        }
        state.trustRecords.remove(at: index)
        dirty = true
    }

    /// Whether any trust record names this issuer: the only issuers whose keys the server fetches.
    func isTrustedIssuer(_ issuer: String) -> Bool {
        state.trustRecords.contains { $0.issuer == issuer }
    }

    private func summary(_ record: TrustRecord) -> TrustRecordSummary {
        TrustRecordSummary(
            id: record.id, organization: state.organizations.first { $0.id == record.organizationID }?.name ?? record.organizationID,
            description: record.description, issuer: record.issuer, audience: record.audience, repositoryID: record.repositoryID,
            repositoryOwnerID: record.repositoryOwnerID, ref: record.ref, environment: record.environment,
            workflowRef: record.workflowRef, jobWorkflowRef: record.jobWorkflowRef,
            projects: record.projects.map { ids in ids.map { id in state.projects.first { $0.id == id }?.key ?? id } },
            scopes: record.scopes, lifetimeSeconds: record.lifetimeSeconds, createdAt: record.createdAt
        )
    }

    // MARK: The exchange

    /// Checks a token whose signature is verified against the trust records and mints its key.
    ///
    /// Order: time (`exp`, `nbf`, `iat`), replay (`jti`), the records of the token's repository
    /// owner, audience, then the claims. A refusal's details name only records of that owner, so
    /// one organization's trust records are never shown to another's jobs.
    func exchange(issuer: String, claims: [String: JSONValue]) throws(APIError) -> OIDCExchangeResponse {
        let now = clock.now()
        try checkTimes(claims, now: now)
        guard let jti = claims["jti"]?.stringValue, !jti.isEmpty else {
            throw refusal(
                .oidcTokenInvalid, "the token has no jti claim", [OIDCMismatch(claim: "jti", expected: "a unique id", actual: nil)])
        }
        state.exchangedTokenIDs = state.exchangedTokenIDs.filter { $0.value > now }
        if state.exchangedTokenIDs[jti] != nil {
            throw refusal(
                .oidcTokenReplayed, "this token (jti \(jti)) was already exchanged; request a fresh one from the runner",
                [OIDCMismatch(claim: "jti", expected: "not exchanged before", actual: jti)])
        }
        let ownerID = UnverifiedJWT.text(claims["repository_owner_id"])
        let owned = state.trustRecords.filter { $0.issuer == issuer && $0.repositoryOwnerID == ownerID }
        guard !owned.isEmpty else {
            throw refusal(
                .oidcClaimsMismatch,
                "no trust record for this issuer trusts repository owner \(ownerID ?? "(none)") (\(UnverifiedJWT.text(claims["repository_owner"]) ?? "?")); create one for the repository",
                [OIDCMismatch(claim: "repository_owner_id", expected: "the owner id of a trust record", actual: ownerID)])
        }
        let audiences = audienceList(claims["aud"])
        let heard = owned.filter { audiences.contains($0.audience) }
        guard !heard.isEmpty else {
            throw refusal(
                .oidcAudienceMismatch,
                "the token's audience \(audiences.joined(separator: ",")) is not the one its trust records expect; request the token with that audience (--audience)",
                owned.map {
                    OIDCMismatch(claim: "aud", expected: $0.audience, actual: audiences.joined(separator: ","), trustRecord: $0.id)
                })
        }
        var mismatches: [OIDCMismatch] = []
        for record in heard {
            let failed = record.mismatches(claims)
            guard failed.isEmpty else {
                mismatches += failed
                continue
            }
            let exp = claims["exp"]?.intValue ?? Int(now.timeIntervalSince1970)
            state.exchangedTokenIDs[jti] = Date(timeIntervalSince1970: Double(exp) + Self.oidcLeeway)
            return mint(record, issuer: issuer, claims: claims, now: now)
        }
        let first = mismatches[0]
        throw refusal(
            .oidcClaimsMismatch,
            "the token's \(first.claim) \(first.actual ?? "(none)") does not match trust record \(first.trustRecord ?? "?"), which expects \(first.expected)",
            mismatches)
    }

    private func checkTimes(_ claims: [String: JSONValue], now: Date) throws(APIError) {
        let leeway = Self.oidcLeeway
        let seconds = now.timeIntervalSince1970
        guard let exp = claims["exp"]?.intValue, let iat = claims["iat"]?.intValue else {
            throw refusal(.oidcTokenInvalid, "the token lacks exp or iat", [])
        }
        if Double(exp) + leeway <= seconds {
            throw refusal(
                .oidcTokenExpired,
                "the token expired at \(Timestamp.format(Date(timeIntervalSince1970: Double(exp)))); request a fresh one (they live 5 minutes)",
                [OIDCMismatch(claim: "exp", expected: "after \(Timestamp.format(now.addingTimeInterval(-leeway)))", actual: String(exp))])
        }
        if let nbf = claims["nbf"]?.intValue, Double(nbf) - leeway > seconds {
            throw refusal(
                .oidcTokenExpired, "the token is not valid before \(Timestamp.format(Date(timeIntervalSince1970: Double(nbf))))",
                [OIDCMismatch(claim: "nbf", expected: "before \(Timestamp.format(now.addingTimeInterval(leeway)))", actual: String(nbf))])
        }
        if Double(iat) - leeway > seconds {
            throw refusal(
                .oidcTokenInvalid, "the token was issued in the future (iat)",
                [OIDCMismatch(claim: "iat", expected: "before \(Timestamp.format(now.addingTimeInterval(leeway)))", actual: String(iat))])
        }
    }

    private func audienceList(_ value: JSONValue?) -> [String] {
        switch value {
        case let .string(text)?: [text]
        case let .array(items)?: items.compactMap(\.stringValue)
        default: []
        }
    }

    private func mint(_ record: TrustRecord, issuer: String, claims: [String: JSONValue], now: Date) -> OIDCExchangeResponse {
        let claim = { (name: String) in UnverifiedJWT.text(claims[name]) }
        let origin = KeyOrigin(
            issuer: issuer, trustRecord: record.id, repository: claim("repository") ?? "?", repositoryID: record.repositoryID,
            ref: claim("ref"), runID: claim("run_id"), runAttempt: claim("run_attempt"), workflowRef: claim("workflow_ref")
        )
        let token = Secrets.newToken(kind: .oidc)
        let expiresAt = now.addingTimeInterval(Double(record.lifetimeSeconds))
        let key = KeyRecord(
            id: Secrets.newID("key"), organizationID: record.organizationID, kind: .oidc, hash: Secrets.hash(token),
            displayPrefix: String(token.prefix(TokenKind.oidc.prefix.count + 4)),
            description: "OIDC: \(origin.repository) run \(origin.runID ?? "?") attempt \(origin.runAttempt ?? "?")",
            createdBy: "oidc:\(origin.repository)", createdAt: now, expiresAt: expiresAt, revokedAt: nil, scopes: record.scopes,
            allowlist: record.projects, defaultProjectID: nil, lastUsedAt: nil, lastUsedIP: nil, origin: origin
        )
        keyIndexByHash[key.hash] = state.keys.count
        state.keys.append(key)
        dirty = true
        return OIDCExchangeResponse(
            token: token, keyID: key.id, prefix: key.displayPrefix, expiresAt: Timestamp.format(expiresAt), scopes: key.scopes.sorted(),
            origin: origin)
    }

    private func refusal(_ code: ErrorCode, _ message: String, _ mismatches: [OIDCMismatch]) -> APIError {
        var error = APIError(code, message)
        error.details = OIDCRefusalDetails(mismatches: mismatches).jsonValue
        return error
    }
}

extension Encodable {
    /// The value as a `JSONValue` (for an error's `details`).
    var jsonValue: JSONValue? {
        guard let data = try? JSONEncoder().encode(self) else { return nil }
        return try? JSONDecoder().decode(JSONValue.self, from: data)
    }
}
