import PlenarAPI

/// What stops a person's command (login, logout, projects, keys), beyond what every command shares.
public enum PeopleProblem: Equatable, Sendable {
    /// Which row of the exit table a problem falls in.
    public enum Category: Equatable, Sendable {
        /// No usable credential came of it: 2.
        case credentials
        /// No answer, or a local step that could not be done: 1.
        case incomplete
        /// A rotation stopped because the old key is still in use: 3.
        case keyInUse
    }

    case loginDenied
    case loginExpired
    case loginTimedOut(Duration)
    /// The approval was delivered to another poll (a second `plenar login` with the same id).
    case loginConsumed
    /// Neither `XDG_CONFIG_HOME` nor `HOME` names a folder for the login file.
    case noConfigFolder
    case loginFileUnusable(path: String, reason: String)
    /// `logout` deleted the file but could not end the session on the server.
    case logoutNotRevoked(path: String, reason: String)
    case orgKeyHasNoDefault(project: String?)
    case notFound(String)
    case handoverFailed(String)
    case keyInUse(id: String, lastUsedAt: String, ip: String?)
    case rotation(String)

    public var category: Category {
        switch self {
        case .loginDenied, .loginConsumed, .loginFileUnusable, .orgKeyHasNoDefault, .noConfigFolder: .credentials
        case .loginExpired, .loginTimedOut, .logoutNotRevoked, .notFound, .handoverFailed, .rotation: .incomplete
        case .keyInUse: .keyInUse
        }
    }

    var message: String {
        switch self {
        case .loginDenied:
            return "the login was denied in the browser: nothing was stored; run plenar login again to retry"
        case .loginExpired:
            return "the login code expired before anyone approved it: nothing was stored; run plenar login again"
        case let .loginTimedOut(limit):
            return
                "no approval within \(limit.wholeMilliseconds / 1000) s (--timeout): nothing was stored; run plenar login again, or use a personal token (PLENAR_TOKEN=plt_…)"
        case .loginConsumed:
            return "this login was already collected by another plenar process: run plenar login again"
        case .noConfigFolder:
            return
                "neither XDG_CONFIG_HOME nor HOME names a folder for the login file: set one, or use a personal token (PLENAR_TOKEN=plt_…)"
        case let .loginFileUnusable(path, reason):
            return "the login in \(path) is not used: \(reason)"
        case let .logoutNotRevoked(path, reason):
            return
                "\(path) was deleted, but the session could not be ended on the server (\(reason)): it stays valid until 24 h without use; run plenar logout again when the service is reachable to end it now"
        case let .orgKeyHasNoDefault(project):
            let name = project ?? "KEY"
            return
                "organization keys (pko_…) have no default project on purpose: every call names its project. Set PLENAR_PROJECT_ID=\(name) (in CI, in the workflow's env) or pass --project \(name)"
        case let .notFound(what):
            return what
        case let .handoverFailed(reason):
            return reason
        case let .keyInUse(id, lastUsedAt, ip):
            return
                "key \(id) was used after the handover, at \(lastUsedAt) from \(ip ?? "an unknown address"): not revoked. Find what still uses it (update that secret), then run plenar keys rotate \(id) again, which resumes; or add --wait DURATION to watch for a quiet period"
        case let .rotation(reason):
            return reason
        }
    }
}
