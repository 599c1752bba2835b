import FoundationEssentials
import Hummingbird
import PlenarAPI

extension Sandbox {
    /// The exchange (`POST /v1/oidc/exchange`), the GitHub-shaped issuer under `/oidc`, and the
    /// admin API for trust records and jobs under `/_sandbox/oidc`.
    func addOIDCRoutes(to router: Router<SandboxRequestContext>) {
        let (store, issuer, jwks, clock) = (self.store, self.oidcIssuer, self.jwks, configuration.clock)

        router.post("v1/oidc/exchange") { request, _ in
            let body = try await request.decode(OIDCExchangeRequest.self)
            let token = try JWT.parse(body.token)
            guard let iss = token.claims["iss"]?.stringValue else {
                throw APIError(.oidcTokenInvalid, "the token has no iss claim")
            }
            guard await store.isTrustedIssuer(iss) else {
                var error = APIError(
                    .oidcIssuerUntrusted, "no trust record names the issuer \(iss); create one for the repository with that issuer")
                error.details =
                    OIDCRefusalDetails(mismatches: [
                        OIDCMismatch(claim: "iss", expected: "the issuer of a trust record", actual: iss)
                    ]).jsonValue
                throw error
            }
            guard token.algorithm == "RS256", let kid = token.keyID else {
                throw APIError(.oidcTokenInvalid, "the token must be signed with RS256 and name its key (kid)")
            }
            let key = try await jwks.key(issuer: iss, kid: kid, now: clock.now())
            guard token.isSigned(by: key) else {
                throw APIError(.oidcTokenInvalid, "the token's signature does not verify with \(iss)'s key \(kid)")
            }
            let exchanged = try await store.exchange(issuer: iss, claims: token.claims)
            try await store.flush()
            return Responses.json(exchanged, status: .created)
        }

        let oidc = router.group(RouterPath(stringLiteral: OIDCIssuer.path))
        oidc.get(".well-known/openid-configuration") { _, _ in Responses.json(issuer.discovery) }
        oidc.get(".well-known/jwks") { _, _ in Responses.json(try issuer.jwks()) }
        oidc.get("idtoken") { request, _ in
            let authorization = request.headers[.authorization] ?? ""
            guard authorization.lowercased().hasPrefix("bearer "),
                let job = issuer.job(requestToken: String(authorization.dropFirst(7)))
            else {
                throw APIError(.unauthorized, "send the job's ACTIONS_ID_TOKEN_REQUEST_TOKEN as a bearer token")
            }
            let audience = request.uri.queryParameters["audience"].map(String.init)
            return Responses.json(["value": try issuer.mint(job, audience: audience)])
        }

        let admin = router.group("_sandbox/oidc").add(middleware: LoopbackOnlyMiddleware())
        admin.get("issuer") { _, _ in Responses.json(["issuer": issuer.issuer]) }
        admin.post("jobs") { request, _ in
            Responses.json(try issuer.register(try await request.decode(OIDCJob.self)), status: .created)
        }
        admin.post("trust") { request, _ in
            let record = try await store.addTrustRecord(try await request.decode(CreateTrustRecordRequest.self))
            try await store.flush()
            return Responses.json(record, status: .created)
        }
        admin.get("trust") { _, _ in
            Responses.json(["trust_records": await store.trustRecordSummaries()])
        }
        admin.delete("trust/:id") { _, context in
            try await store.removeTrustRecord(id: try context.parameters.require("id"))
            try await store.flush()
            return Response(status: .noContent)
        }
    }
}

extension Sandbox {
    /// The demo repository of `scripts/dry-run` (`acme/app`, repository and owner id 1) may
    /// exchange this sandbox's OIDC tokens with the audience `plenar` for a key to `PLEN-DEMO`.
    /// Call once the server listens (the issuer URL holds its port).
    public func seedDemoTrust() async throws {
        let issuer = oidcIssuer.issuer
        guard await !store.trustRecordSummaries().contains(where: { $0.issuer == issuer && $0.repositoryID == "1" }) else { return }
        _ = try await store.addTrustRecord(
            CreateTrustRecordRequest(
                org: "Acme", issuer: issuer, audience: "plenar", repositoryID: "1", repositoryOwnerID: "1", projects: ["PLEN-DEMO"],
                description: "demo: acme/app on GitHub Actions"))
        try await store.flush()
    }
}
