import PlenarAPI

extension Failure {
    /// One line: what happened, and what to do next. `action` says what was skipped ("signal not sent").
    func message(kind: CommandKind, action: String, context: MessageContext) -> String {
        let skipped = kind.reportsOnly ? "\(action); " : ""
        switch self {
        case .tokenMissing:
            let next =
                switch context.audience {
                case .actions: "add the secret to this workflow's env"
                case .ci: "set PLENAR_TOKEN in this job's environment from a masked CI secret"
                case .person: "export PLENAR_TOKEN=<key> (an org key pko_… or a personal token plt_…), or run plenar login"
                }
            return "PLENAR_TOKEN is not set: \(skipped)\(next)\(context.keyFlag ? " or pass --key -" : "")"
        case let .keyInputEmpty(waited):
            let what =
                waited.map { "no key arrived on standard input within \($0.wholeMilliseconds) ms (\(Settings.timeoutVariable))" }
                ?? "standard input was empty"
            return
                "--key - reads the key from standard input, and \(what): pipe the key in, for example printf %s \"$KEY\" | plenar connect --key -"
        case let .tokenMalformed(problem, source):
            return "\(source) is not a valid Plenar token: \(problem.explanation)"
        case let .apiURL(.malformed(reason), value):
            return "PLENAR_API_URL \(APIBaseURL.display(value)) is not usable: \(reason) (for example \(APIBaseURL.hosted))"
        case let .apiURL(.insecure(host), value):
            return
                "PLENAR_API_URL \(APIBaseURL.display(value)) is plain http to \(host.printable), which is not loopback: use https; the token is never sent in clear text"
        case let .rejected(status, code, message):
            return Self.rejection(status: status, code: code, message: message, context: context)
        case .noProject:
            return "this organization key has no default project: set --project or PLENAR_PROJECT_ID to one of its projects"
        case let .projectUnreachable(project):
            return
                "project \(project) is not reachable with this key: check --project or PLENAR_PROJECT_ID, or use a key whose allowlist holds it"
        case let .unavailable(reason):
            let next = kind.reportsOnly ? "\(action); the job goes on" : "try again later"
            switch reason {
            case let .timedOut(milliseconds):
                return "no answer from \(context.host) within \(milliseconds) ms (\(context.timeoutSource)): \(next)"
            case let .network(detail):
                return "cannot reach \(context.host): \(detail): \(next)"
            case let .tls(detail):
                return "TLS failed with \(context.host): \(detail): check SSL_CERT_FILE or CURL_CA_BUNDLE, and HTTPS_PROXY; \(next)"
            case let .server(404, code):
                return "\(context.host) answered 404 (\(code)): check that PLENAR_API_URL is the API base ending in /v1; \(next)"
            case let .server(status, code):
                return "\(context.host) answered \(status) (\(code.printable)): \(next)"
            case let .redirected(status):
                return
                    "\(context.host) answered \(status), a redirect, which plenar does not follow (it would carry the key to another address): check that PLENAR_API_URL is the API base ending in /v1; \(next)"
            case .rateLimited(nil):
                return "\(context.host) is rate limiting this key (429, still after one retry): \(next)"
            case let .rateLimited(wait?):
                return
                    "\(context.host) is rate limiting this key (429) and asks to wait \(wait.wholeMilliseconds / 1000) s (Retry-After), more than is left of \(context.timeoutSource): not retried; \(next)"
            case let .oversized(bytes):
                return
                    "\(context.host) answered with more than \(bytes >> 20) MiB, more than any Plenar answer: check that PLENAR_API_URL is the Plenar API; \(next)"
            case let .badResponse(detail):
                return "unexpected answer from \(context.host): \(detail): \(next)"
            }
        case let .spooled(reason, action):
            return Failure.unavailable(reason).message(kind: kind, action: action, context: context)
        case let .usage(text):
            return text
        case let .localFile(error):
            return "cannot \(error.action) \(error.path): \(error.reason)"
        case let .configFile(path, reason):
            return "cannot update \(path): \(reason); nothing was written"
        case let .people(problem):
            return problem.message
        case let .oidc(problem):
            return problem.isCredentials
                ? problem.message : "\(problem.message): \(kind.reportsOnly ? "\(action); the job goes on" : "try again later")"
        case let .encoding(detail):
            return "cannot encode the result: \(detail)"
        }
    }

    private static func rejection(status: Int, code: String, message: String, context: MessageContext) -> String {
        let key = context.tokenDisplay
        let typed = ErrorCode(rawValue: code)
        let (message, code) = (message.printable, code.printable)
        let detail = message.isEmpty ? "" : " (\(message))"
        if key.hasPrefix(TokenKind.session.prefix), [.tokenRevoked, .tokenExpired, .tokenInvalid].contains(typed) {
            return
                "the login session \(key) from \(context.tokenSource) has ended (\(code): revoked, or 24 h without use): run plenar login"
        }
        // Where the next key goes: the flag it came from, or the variable.
        let replace = context.tokenSource == "PLENAR_TOKEN" ? "update the PLENAR_TOKEN secret" : "pass it with \(context.tokenSource)"
        switch typed {
        case .sessionRequired?:
            return
                "this needs a login session, and \(key) from \(context.tokenSource) is an API key, which can never list, create or revoke keys: run plenar login (and unset PLENAR_TOKEN for this command, which wins over the login)"
        case .tokenRevoked?:
            return "the key \(key) was revoked (token_revoked): create a new key and \(replace)"
        case .tokenExpired?:
            return "the key \(key) has expired (token_expired): create a new key and \(replace)"
        case .tokenInvalid?, .unauthorized?:
            return
                "the service does not accept the key \(key) (\(code)): check that \(context.tokenSource) holds the whole key, from this organization"
        case .insufficientScope?:
            return "the key \(key) lacks a scope this needs\(detail): create a key with it"
        case .projectNotAllowed?:
            return "the key \(key) may not reach this project\(detail): use a project in its allowlist (PLENAR_PROJECT_ID or --project)"
        case .projectRequired?:
            return "no project was named and the key \(key) has no default: set --project or PLENAR_PROJECT_ID"
        case .notFound?:
            return "the project does not exist\(detail): check --project or PLENAR_PROJECT_ID"
        default:
            return "the service refused the key \(key) with \(status) (\(code))\(detail)"
        }
    }
}
