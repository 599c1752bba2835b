import FoundationEssentials
import PlenarAPI

/// Keyless CI, later steps: a derived key (`pke_`) in `PLENAR_TOKEN` whose end
/// (`PLENAR_TOKEN_EXPIRES_AT`, handed on by `connect`) is near is exchanged again from the job's
/// OIDC token, while the runner's request token is still there, within the same deadline. The
/// new key is masked, used for this request, and appended to `$GITHUB_ENV` for the steps after.
/// The one place every networked command gets its key and client from.
public enum OIDCRefresh {
    /// Exchange again when the key has at most this long left (or has ended).
    public static let margin: TimeInterval = 300

    public enum Decision: Equatable, Sendable {
        /// Use the key as it is: not a derived key from `PLENAR_TOKEN`, no readable expiry, far
        /// from its end, or no request token to exchange again with.
        case keep
        /// Exchange again; `expired`: the current key has already ended.
        case refresh(OIDCLogin, expiresAt: String, expired: Bool)
    }

    /// Only `PLENAR_TOKEN` is judged: the expiry beside it describes it, not a `--key`.
    public static func decide(token: String?, tokenSource: String, environment: [String: String], now: Date) -> Decision {
        guard let token, token.hasPrefix(TokenKind.oidc.prefix), tokenSource == "PLENAR_TOKEN",
            let text = environment[OIDCLogin.expiryVariable]?.trimmed, let expires = StatusReport.parse(text)
        else { return .keep }
        let left = expires.timeIntervalSince(now)
        guard left <= margin,
            let url = environment[OIDCLogin.requestURLVariable], !url.isEmpty,
            let requestToken = environment[OIDCLogin.requestTokenVariable], !requestToken.isEmpty
        else { return .keep }
        let audience = environment[OIDCLogin.audienceVariable].flatMap { $0.isEmpty ? nil : $0 } ?? OIDCLogin.defaultAudience
        return .refresh(OIDCLogin(requestURL: url, requestToken: requestToken, audience: audience), expiresAt: text, expired: left <= 0)
    }

    /// The checked key and API, and a client whose deadline covers any exchange and what follows.
    /// The new key's entries are appended to `$GITHUB_ENV` at once. A failed exchange is a warning, and the current
    /// key is used: the service judges it (an ended key is its rejection, as ever).
    static func credentials(
        settings: Settings, context: PlenarContext, reporter: Reporter
    ) throws(Failure) -> (token: String, api: APIBaseURL, client: PlenarClient) {
        try credentials(settings: settings, context: context, reporter: reporter) { append($0, context: context, reporter: reporter) }
    }

    /// As above, the new key's entries handed to `environment` (`connect`'s own `$GITHUB_ENV` write).
    static func credentials(
        settings: Settings, context: PlenarContext, reporter: Reporter, environment: ([(String, String)]) -> Void
    ) throws(Failure) -> (token: String, api: APIBaseURL, client: PlenarClient) {
        let (token, api) = try settings.validated()
        let client = PlenarClient(api: api, token: token, timeout: settings.timeout, context: context)
        guard
            case let .refresh(login, expiresAt, expired) = decide(
                token: token, tokenSource: settings.tokenSource, environment: context.environment, now: context.clock.date())
        else { return (token, api, client) }
        let exchanged: OIDCExchangeResponse
        do throws(Failure) {
            exchanged = try login.exchange(client)
        } catch {
            let reason: String
            if case let .oidc(problem) = error { reason = problem.message } else { reason = PlenarClient.describe(error) }
            reporter.warning(
                "the key in PLENAR_TOKEN \(expired ? "ended" : "ends") at \(expiresAt.printable) and exchanging this job's OIDC token again failed (\(reason)): \(expired ? "sending with it anyway" : "using it until then")"
            )
            return (token, api, client)
        }
        CIAdapters.announceMasks([Array(exchanged.token.utf8)], context: context, reporter: reporter)
        let entries = OIDCLogin.environmentEntries(exchanged, audience: login.audience)
        environment(entries)
        reporter.note(
            "the key in PLENAR_TOKEN \(expired ? "ended" : "ends") at \(expiresAt.printable): exchanged this job's OIDC token again for key \(exchanged.prefix)…, valid until \(exchanged.expiresAt)"
        )
        return (exchanged.token, api, client.authorized(exchanged.token))
    }

    /// `PLENAR_TOKEN`, its expiry and audience for the steps after this one; a file that cannot
    /// be written is a warning (this step has its key).
    static func append(_ entries: [(String, String)], context: PlenarContext, reporter: Reporter) {
        guard let path = context.env("GITHUB_ENV") else {
            reporter.warning("GITHUB_ENV is not set: later steps will not see the key exchanged again")
            return
        }
        do throws(FileError) {
            try context.files.append(try GitHubActions.environmentFileEntries(entries, random: context.random), to: path)
        } catch {
            reporter.warning("cannot append the key exchanged again to $GITHUB_ENV (\(error.path)): \(error.reason)")
        }
    }
}
