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
