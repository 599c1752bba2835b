import FoundationEssentials
import PlenarAPI

/// Keyless CI: a GitHub Actions job's OIDC token, exchanged for a short-lived Plenar key
/// (`POST /oidc/exchange`), within the invocation's deadline.
public struct OIDCLogin: Equatable, Sendable {
    public static let defaultAudience = "plenar"
    static let requestURLVariable = "ACTIONS_ID_TOKEN_REQUEST_URL"
    static let requestTokenVariable = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
    /// Later steps get these through `$GITHUB_ENV` beside `PLENAR_TOKEN`, to exchange again near the end.
    static let audienceVariable = "PLENAR_OIDC_AUDIENCE"
    static let expiryVariable = "PLENAR_TOKEN_EXPIRES_AT"

    public var requestURL: String
    public var requestToken: String
    public var audience: String

    /// What to do for credentials in this job.
    public enum Plan: Equatable, Sendable {
        /// A key was given (`--key`, `PLENAR_TOKEN`), or OIDC was neither asked for nor possible: the usual path.
        case key
        case exchange(OIDCLogin)
        /// A fork's pull request: GitHub gives it no OIDC token and no secrets. Telemetry skips.
        case forkSkip
    }

    /// An explicit key always wins. Otherwise OIDC is used when asked (`--oidc`,
    /// `PLENAR_OIDC=true`) or when the runner offers a token (`ACTIONS_ID_TOKEN_REQUEST_URL`).
    public static func plan(context: PlenarContext, asked: Bool, keyGiven: Bool, audience: String?) throws(Failure) -> Plan {
        if keyGiven { return .key }
        let asked = asked || ["1", "true"].contains(context.env("PLENAR_OIDC")?.lowercased() ?? "")
        let url = context.env(requestURLVariable)
        guard asked || url != nil else { return .key }
        if let url, let token = context.env(requestTokenVariable) {
            return .exchange(
                OIDCLogin(requestURL: url, requestToken: token, audience: audience ?? context.env(audienceVariable) ?? defaultAudience))
        }
        if isForkPullRequest(context) { return .forkSkip }
        throw .oidc(.noPermission(insideActions: GitHubActions.isActive(context.environment)))
    }

    /// A `pull_request` event whose head is another repository (`$GITHUB_EVENT_PATH`).
    static func isForkPullRequest(_ context: PlenarContext) -> Bool {
        guard let event = context.env("GITHUB_EVENT_NAME"), event.hasPrefix("pull_request"), event != "pull_request_target",
            let path = context.env("GITHUB_EVENT_PATH"), let bytes = try? context.files.read(path).contents,
            let payload = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
            let head = payload["pull_request"]?["head"]?["repo"]
        else { return false }
        if case .bool(true)? = head["fork"] { return true }
        return head["full_name"]?.stringValue.map { $0 != context.env("GITHUB_REPOSITORY") } ?? false
    }

    /// Fetches the ID token and exchanges it; the client's deadline covers both.
    public func exchange(_ client: PlenarClient) throws(Failure) -> OIDCExchangeResponse {
        let idToken = try client.oidcIDToken(requestURL: requestURL, requestToken: requestToken, audience: audience)
        return try client.oidcExchange(idToken: idToken)
    }

    /// `PLENAR_TOKEN` and what a later step needs to exchange again, for `$GITHUB_ENV`.
    static func environmentEntries(_ exchanged: OIDCExchangeResponse, audience: String) -> [(String, String)] {
        [("PLENAR_TOKEN", exchanged.token), (expiryVariable, exchanged.expiresAt), (audienceVariable, audience)]
    }
}

extension PlenarClient {
    /// `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=A` with the request token, as actions/core does.
    func oidcIDToken(requestURL: String, requestToken: String, audience: String) throws(Failure) -> String {
        try Self.checkRequestURL(requestURL)
        let separator = requestURL.contains("?") ? "&" : "?"
        let request = HTTPRequestSpec(
            method: "GET", url: requestURL + separator + "audience=" + Self.percentEncoded(audience),
            headers: [("Authorization", "Bearer \(requestToken)"), ("User-Agent", userAgent), ("Accept", "application/json")]
        )
        let reply: HTTPReply
        do {
            reply = try send(request, check: false)
        } catch {
            throw .oidc(.tokenEndpointUnavailable(Self.describe(error)))
        }
        if reply.status == 401 || reply.status == 403 { throw .oidc(.tokenEndpointRefused(status: reply.status)) }
        guard reply.status == 200, let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(reply.body)))?["value"]?.stringValue
        else {
            throw .oidc(.tokenEndpointUnavailable("it answered \(reply.status) without a token"))
        }
        return value
    }

    /// `POST /oidc/exchange`; a refusal carries the compared claims, the token's side decoded here.
    func oidcExchange(idToken: String) throws(Failure) -> OIDCExchangeResponse {
        let body = (try? JSONEncoder().encode(OIDCExchangeRequest(token: idToken))).map { Array($0) } ?? []
        let request = HTTPRequestSpec(
            method: "POST", url: api.url("/oidc/exchange"),
            headers: [("User-Agent", userAgent), ("Accept", "application/json"), ("Content-Type", "application/json")], body: body
        )
        let reply = try send(request, check: false)
        if reply.status == 401 || reply.status == 403 {
            let error = try? JSONDecoder().decode(ErrorBody.self, from: Data(reply.body))
            let details = error?.error.details.flatMap { details in
                (try? JSONEncoder().encode(details)).flatMap { try? JSONDecoder().decode(OIDCRefusalDetails.self, from: $0) }
            }
            let claims = UnverifiedJWT.claims(of: idToken) ?? [:]
            var comparison = (details?.mismatches ?? []).map { mismatch in
                ClaimComparison(
                    claim: mismatch.claim, token: UnverifiedJWT.text(claims[mismatch.claim]) ?? mismatch.actual,
                    expected: mismatch.expected,
                    trustRecord: mismatch.trustRecord)
            }
            let compared = Set(comparison.map(\.claim))
            for name in ["iss", "aud", "repository", "repository_id", "repository_owner_id", "ref", "environment", "workflow_ref"]
            where !compared.contains(name) {
                if let value = UnverifiedJWT.text(claims[name]) {
                    comparison.append(ClaimComparison(claim: name, token: value, expected: "", trustRecord: nil))
                }
            }
            throw .oidc(
                .refused(
                    status: reply.status, code: error?.error.code ?? ErrorCode.forStatus(reply.status).rawValue,
                    message: error?.error.message ?? "", comparison: comparison))
        }
        let checked = try Self.check(reply)
        do {
            return try JSONDecoder().decode(OIDCExchangeResponse.self, from: Data(checked.body))
        } catch {
            throw .unavailable(.badResponse("the exchange's \(reply.status) answer is not the expected JSON"))
        }
    }

    /// The runner's request token goes over https, or plain http to loopback only.
    static func checkRequestURL(_ url: String) throws(Failure) {
        let lower = url.lowercased()
        if lower.hasPrefix("https://") { return }
        guard lower.hasPrefix("http://") else { throw .oidc(.requestURL("not an https URL")) }
        let authority = lower.dropFirst(7).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = String(authority.split(separator: "@").last ?? "")
        if host.hasPrefix("["), let end = host.firstIndex(of: "]") {
            host = String(host[host.index(after: host.startIndex)..<end])
        } else if let colon = host.lastIndex(of: ":") {
            host = String(host[..<colon])
        }
        guard Loopback.contains(host) else {
            throw .oidc(
                .requestURL("plain http to \(host.printable), which is not loopback: the runner's token is never sent in clear text"))
        }
    }

    /// This client, deadline and all, sending `token` from now on.
    func authorized(_ token: String) -> PlenarClient {
        var copy = self
        copy.token = token
        return copy
    }

    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            if TokenRule.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "~")
            {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return encoded
    }

    static func describe(_ failure: Failure) -> String {
        switch failure {
        case let .unavailable(.timedOut(milliseconds)): "no answer within \(milliseconds) ms (\(Settings.timeoutVariable))"
        case let .unavailable(.network(detail)), let .unavailable(.tls(detail)), let .unavailable(.badResponse(detail)): detail
        case let .unavailable(.server(status, _)): "it answered \(status)"
        default: "\(failure)"
        }
    }
}

extension OIDCLogin {
    /// The key, the API and a client: the given key as always, or one exchanged from the job's
    /// OIDC token (masked with `::add-mask::` before anything else, and handed to `environment`
    /// for `$GITHUB_ENV`). The client's deadline covers the exchange and what follows.
    static func credentials(
        _ plan: Plan, settings: Settings, context: PlenarContext, reporter: Reporter,
        environment: (_ entries: [(String, String)]) -> Void
    ) throws(Failure) -> (token: String, api: APIBaseURL, client: PlenarClient) {
        guard case let .exchange(login) = plan else {
            return try OIDCRefresh.credentials(settings: settings, context: context, reporter: reporter, environment: environment)
        }
        let api: APIBaseURL
        do {
            api = try APIBaseURL(settings.apiURLText)
        } catch {
            throw .apiURL(error, value: settings.apiURLText)
        }
        let client = PlenarClient(api: api, token: "", timeout: settings.timeout, context: context)
        let exchanged = try login.exchange(client)
        CIAdapters.announceMasks([Array(exchanged.token.utf8)], context: context, reporter: reporter)
        environment(environmentEntries(exchanged, audience: login.audience))
        reporter.note(
            "exchanged this job's OIDC token (\(exchanged.origin.repository.printable), \(exchanged.origin.ref?.printable ?? "no ref")) for key \(exchanged.prefix)…, valid until \(exchanged.expiresAt)"
        )
        return (exchanged.token, api, client.authorized(exchanged.token))
    }

    /// A fork's pull request: the telemetry skip (warn, `connected=false`, exit 0).
    static func skipConnect(context: PlenarContext, json: Bool) -> Int32 {
        let reporter = Reporter(context: context, secrets: [])
        reporter.warning(
            "this is a pull request from a fork, which GitHub gives no OIDC token and no secrets: not connected; plenar steps will skip")
        if let path = context.env("GITHUB_OUTPUT"),
            let text = try? GitHubActions.environmentFileEntries([("connected", "false")], random: context.random)
        {
            try? context.files.append(text, to: path)
        }
        if json { reporter.result(#"{"connected": false, "reason": "fork_pull_request"}"# + "\n") }
        return ExitTable.success
    }
}
