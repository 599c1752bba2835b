import PlenarAPI

/// Everything that can stop a command, before or after it reaches the service.
public enum Failure: Error, Equatable {
    /// No token: neither the flag nor `PLENAR_TOKEN`.
    case tokenMissing
    case tokenMalformed(TokenShapeError, source: String)
    case apiURL(APIBaseURL.Problem, value: String)
    /// The service refused the credentials or their reach (401, 403, 422, or 404 for a named project).
    case rejected(status: Int, code: String, message: String)
    /// An organization key with no project to use.
    case noProject
    /// A named project the key does not reach.
    case projectUnreachable(String)
    /// No usable answer in time.
    case unavailable(Unavailable)
    case usage(String)
    /// A local file (a workflow environment file, a config) could not be written.
    case localFile(FileError)
    /// A config file that plenar cannot change without breaking or losing something: it does
    /// not parse, or its shape is not the one expected. It is left as it is.
    case configFile(path: String, reason: String)

    public enum Unavailable: Equatable, Sendable {
        case timedOut(milliseconds: Int)
        case network(String)
        case tls(String)
        case server(status: Int, code: String)
        case rateLimited
        case badResponse(String)
    }
}

/// What a command is for, which decides how a failure ends it.
public enum CommandKind: Equatable {
    /// `signal`, `hook`: never break the job, except for credentials that are wrong.
    case telemetry
    /// `connect`, `status`, `whoami`: the answer is the point.
    case probe
    /// `run`, once its child ended with `child`: the child's status is ours, whatever the report
    /// does; credentials that are wrong turn only a success into 2.
    case wrapper(child: Int32)

    /// Telemetry and the report of a wrapped command say what was skipped, and go on.
    var reportsOnly: Bool { self != .probe }

    /// The exit status when nothing went wrong.
    var success: Int32 {
        if case let .wrapper(child) = self { return child }
        return ExitTable.success
    }
}

public enum Severity: Equatable {
    case warning
    case error
}

/// The failure contract's exit statuses. Nothing else in the code decides one.
public enum ExitTable {
    public static let success: Int32 = 0
    public static let failed: Int32 = 1
    public static let credentials: Int32 = 2
    public static let usage: Int32 = 64

    public static func verdict(_ failure: Failure, for kind: CommandKind) -> (status: Int32, severity: Severity) {
        switch (failure, kind) {
        case (.usage, _): (usage, .error)
        case (.tokenMalformed, .wrapper(let child)), (.apiURL, .wrapper(let child)), (.rejected, .wrapper(let child)),
            (.noProject, .wrapper(let child)), (.projectUnreachable, .wrapper(let child)):
            (child != 0 ? child : credentials, .error)
        case (_, .wrapper(let child)): (child, .warning)
        case (.tokenMissing, .telemetry): (success, .warning)
        case (.tokenMissing, .probe): (credentials, .error)
        case (.tokenMalformed, _), (.apiURL, _), (.rejected, _), (.noProject, _), (.projectUnreachable, _): (credentials, .error)
        case (.unavailable, .telemetry): (success, .warning)
        case (.unavailable, .probe), (.localFile, _), (.configFile, _): (failed, .error)
        }
    }
}

extension Failure {
    /// One line: what happened, and what to do next. `action` says what was skipped ("signal not sent").
    func message(kind: CommandKind, action: String, context: MessageContext) -> String {
        let skipped = kind.reportsOnly ? "\(action); " : ""
        switch self {
        case .tokenMissing:
            return "PLENAR_TOKEN is not set: \(skipped)add the secret to this workflow's env\(context.keyFlag ? " or pass --key -" : "")"
        case let .tokenMalformed(problem, source):
            return "\(source) is not a valid Plenar token: \(problem.explanation)"
        case let .apiURL(.malformed(reason), value):
            return "PLENAR_API_URL \(value) is not usable: \(reason) (for example \(APIBaseURL.hosted))"
        case let .apiURL(.insecure(host), value):
            return "PLENAR_API_URL \(value) is plain http to \(host), which is not loopback: use https; the token is never sent in clear text"
        case let .rejected(status, code, message):
            return Self.rejection(status: status, code: code, message: message, context: context)
        case .noProject:
            return "this organization key has no default project: set --project or PLENAR_PROJECT_ID to one of its projects"
        case let .projectUnreachable(project):
            return "project \(project) is not reachable with this key: check --project or PLENAR_PROJECT_ID, or use a key whose allowlist holds it"
        case let .unavailable(reason):
            let next = kind.reportsOnly ? "\(action); the job goes on" : "try again later"
            switch reason {
            case let .timedOut(milliseconds):
                return "no answer from \(context.host) within \(milliseconds) ms (PLENAR_TIMEOUT_MS): \(next)"
            case let .network(detail):
                return "cannot reach \(context.host): \(detail): \(next)"
            case let .tls(detail):
                return "TLS failed with \(context.host): \(detail): check SSL_CERT_FILE or CURL_CA_BUNDLE, and HTTPS_PROXY; \(next)"
            case let .server(404, code):
                return "\(context.host) answered 404 (\(code)): check that PLENAR_API_URL is the API base ending in /v1; \(next)"
            case let .server(status, code):
                return "\(context.host) answered \(status) (\(code)): \(next)"
            case .rateLimited:
                return "\(context.host) is rate limiting this key (429, still after one retry): \(next)"
            case let .badResponse(detail):
                return "unexpected answer from \(context.host): \(detail): \(next)"
            }
        case let .usage(text):
            return text
        case let .localFile(error):
            return "cannot \(error.action) \(error.path): \(error.reason)"
        case let .configFile(path, reason):
            return "cannot update \(path): \(reason); nothing was written"
        }
    }

    private static func rejection(status: Int, code: String, message: String, context: MessageContext) -> String {
        let key = context.tokenDisplay
        let detail = message.isEmpty ? "" : " (\(message))"
        switch code {
        case "token_revoked":
            return "the key \(key) was revoked (token_revoked): create a new key and update the PLENAR_TOKEN secret"
        case "token_expired":
            return "the key \(key) has expired (token_expired): create a new key and update the PLENAR_TOKEN secret"
        case "token_invalid", "unauthorized":
            return "the service does not accept the key \(key) (\(code)): check that PLENAR_TOKEN holds the whole key, from this organization"
        case "insufficient_scope":
            return "the key \(key) lacks a scope this needs\(detail): create a key with it"
        case "project_not_allowed":
            return "the key \(key) may not reach this project\(detail): use a project in its allowlist (PLENAR_PROJECT_ID or --project)"
        case "project_required":
            return "no project was named and the key \(key) has no default: set --project or PLENAR_PROJECT_ID"
        case "not_found":
            return "the project does not exist\(detail): check --project or PLENAR_PROJECT_ID"
        default:
            return "the service refused the key \(key) with \(status) (\(code))\(detail)"
        }
    }
}

/// What messages may mention: the host, and how the token is shown.
struct MessageContext {
    var host: String
    var tokenDisplay: String
    var keyFlag: Bool
}
