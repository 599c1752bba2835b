import Platform
import PlenarAPI

/// Everything that can stop a command, before or after it reaches the service.
public enum Failure: Error, Equatable {
    /// No token: neither the flag nor `PLENAR_TOKEN`.
    case tokenMissing
    /// `--key -`, and no key came on standard input: it ended empty, or (`waited`) stayed open and silent that long.
    case keyInputEmpty(waited: Duration?)
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
    /// No usable answer in time, and the record was spooled (`action` says so and where) for a later call.
    case spooled(Unavailable, action: String)
    case usage(String)
    /// A local file (a workflow environment file, a config) could not be written.
    case localFile(FileError)
    /// A config file that plenar cannot change without breaking or losing something: it does
    /// not parse, or its shape is not the one expected. It is left as it is.
    case configFile(path: String, reason: String)
    /// Login, logout, projects and keys: see `PeopleProblem`.
    case people(PeopleProblem)
    /// Keyless CI: a job's OIDC token that did not become a key; see `OIDCProblem`.
    case oidc(OIDCProblem)
    /// A result that could not be encoded as JSON (a bug, not the user's doing).
    case encoding(String)

    public enum Unavailable: Equatable, Sendable {
        case timedOut(milliseconds: Int)
        case network(String)
        case tls(String)
        case server(status: Int, code: String)
        /// A 3xx: plenar follows no redirect, which would carry the key to another address.
        case redirected(status: Int)
        /// Still 429 after the retry, or (`wait` set) a 429 whose Retry-After leaves no time for one.
        case rateLimited(wait: Duration?)
        /// An answer longer than plenar reads (`bytes`): the service was reached.
        case oversized(bytes: Int)
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
    /// `keys rotate`: the replacement is in place, the old key is still in use and was not revoked.
    public static let keyInUse: Int32 = 3

    public static func verdict(_ failure: Failure, for kind: CommandKind) -> (status: Int32, severity: Severity) {
        switch (failure, kind) {
        case (.usage, _): (usage, .error)
        case (.people(let problem), _):
            switch problem.category {
            case .credentials: (credentials, .error)
            case .incomplete: (failed, .error)
            case .keyInUse: (keyInUse, .error)
            }
        case (.oidc(let problem), .wrapper(let child)):
            problem.isCredentials ? (child != 0 ? child : credentials, .error) : (child, .warning)
        case (.oidc(let problem), .telemetry): problem.isCredentials ? (credentials, .error) : (success, .warning)
        case (.oidc(let problem), .probe): (problem.isCredentials ? credentials : failed, .error)
        case (.tokenMalformed, .wrapper(let child)), (.apiURL, .wrapper(let child)), (.rejected, .wrapper(let child)),
            (.noProject, .wrapper(let child)), (.projectUnreachable, .wrapper(let child)):
            (child != 0 ? child : credentials, .error)
        case (_, .wrapper(let child)): (child, .warning)
        case (.tokenMissing, .telemetry): (success, .warning)
        case (.tokenMissing, .probe), (.keyInputEmpty, _): (credentials, .error)
        case (.tokenMalformed, _), (.apiURL, _), (.rejected, _), (.noProject, _), (.projectUnreachable, _): (credentials, .error)
        case (.unavailable, .telemetry), (.spooled, .telemetry): (success, .warning)
        case (.unavailable, .probe), (.spooled, .probe), (.localFile, _), (.configFile, _), (.encoding, _): (failed, .error)
        }
    }

    /// A shell's status for a command that did not start.
    public static let commandNotFound: Int32 = 127
    public static let commandNotExecutable: Int32 = 126
    /// Added to the number of the signal that killed a command.
    public static let signalBase: Int32 = 128

    /// The status a shell gives a wrapped command that ended so (`plenar run` takes it as its
    /// own): the exit code, 128 + the signal, 127 when not found (or its interpreter is
    /// missing), 126 when not executable.
    public static func status(of termination: Termination) -> Int32 {
        switch termination {
        case .exited(let code): code
        case .signaled(let signal): signalBase + signal
        case .notFound: commandNotFound
        case .notExecutable(let error): error == ENOENT ? commandNotFound : commandNotExecutable
        }
    }
}

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

/// What messages may mention: the host, and how the token is shown.
struct MessageContext {
    var host: String
    var tokenDisplay: String
    var keyFlag: Bool
    /// Where the token came from: `--key`, `PLENAR_TOKEN`, or the login file.
    var tokenSource = "PLENAR_TOKEN"
    /// Who takes the next step a message names.
    var audience = Audience.person
    /// What set the deadline a timeout message names.
    var timeoutSource = Settings.timeoutVariable
}

/// Who reads a message and takes the next step it names.
enum Audience: Equatable {
    /// A GitHub Actions workflow: the step is the workflow's (`env:`, `secrets.`).
    case actions
    /// Another CI (`CI` set): the step is the job's configuration.
    case ci
    /// A person at a terminal.
    case person

    init(_ environment: [String: String]) {
        if GitHubActions.isActive(environment) {
            self = .actions
        } else if let ci = environment["CI"], !ci.isEmpty, ci.lowercased() != "false", ci != "0" {
            self = .ci
        } else {
            self = .person
        }
    }
}
