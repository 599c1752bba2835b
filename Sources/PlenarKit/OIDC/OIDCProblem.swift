import PlenarAPI

/// Why a job's OIDC token did not become a Plenar key.
public enum OIDCProblem: Equatable, Sendable {
    /// No `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN`: the job lacks `permissions: id-token: write`
    /// (`insideActions`), or this is not a GitHub Actions job at all.
    case noPermission(insideActions: Bool)
    /// `ACTIONS_ID_TOKEN_REQUEST_URL` is not a URL the runner's token may go to.
    case requestURL(String)
    /// The runner's token endpoint refused the request token (401, 403).
    case tokenEndpointRefused(status: Int)
    /// The runner's token endpoint gave no token in time, or an answer that is not one.
    case tokenEndpointUnavailable(String)
    /// The service refused the exchange: its code and message, and each claim it compared,
    /// with the token's value (decoded here, unverified) beside what was expected.
    case refused(status: Int, code: String, message: String, comparison: [ClaimComparison])

    /// A credential problem (exit 2, as a 401), or no answer (as a timeout).
    var isCredentials: Bool {
        if case .tokenEndpointUnavailable = self { return false }
        return true
    }

    static let permissionsYAML = "permissions:\n  id-token: write\n  contents: read"

    var message: String {
        switch self {
        case .noPermission(true):
            return """
                no OIDC token for this job: ACTIONS_ID_TOKEN_REQUEST_URL is not set, so the job may not request one. \
                Add to the job (or the workflow):
                \(Self.permissionsYAML)
                (a permissions block replaces the defaults, so keep contents: read for actions/checkout), or give a key in PLENAR_TOKEN
                """
        case .noPermission(false):
            return
                "--oidc needs a GitHub Actions job with permissions: id-token: write (ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set): elsewhere use a key (PLENAR_TOKEN, --key) or plenar login"
        case let .requestURL(reason):
            return "ACTIONS_ID_TOKEN_REQUEST_URL is not usable: \(reason)"
        case let .tokenEndpointRefused(status):
            return
                "the runner's token endpoint refused this job's request token (\(status)): the job's permissions: id-token: write may be missing, or the job has ended"
        case let .tokenEndpointUnavailable(detail):
            return "no OIDC token from the runner's token endpoint: \(detail)"
        case let .refused(_, code, message, comparison):
            var lines = ["the service refused this job's OIDC token (\(code.printable)): \(message.printable)"]
            if !comparison.isEmpty {
                let width = max(5, comparison.map(\.claim.count).max() ?? 0)
                let tokenWidth = max(30, comparison.map { ($0.token ?? "(none)").count }.max() ?? 0)
                func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(0, count - text.count)) }
                lines.append("  \(pad("claim", width))  \(pad("in the token (decoded here)", tokenWidth))  expected")
                for row in comparison {
                    let record = row.trustRecord.map { " (trust record \($0))" } ?? ""
                    lines.append(
                        "  \(pad(row.claim.printable, width))  \(pad((row.token ?? "(none)").printable, tokenWidth))  \(row.expected.printable)\(record)"
                    )
                }
            }
            lines.append(Self.nextStep(code))
            return lines.joined(separator: "\n")
        }
    }

    static func nextStep(_ code: String) -> String {
        switch ErrorCode(rawValue: code) {
        case .oidcAudienceMismatch?:
            "request the audience the trust record names (--audience or PLENAR_OIDC_AUDIENCE), or change the record"
        case .oidcTokenExpired?: "the token outlived its 5 minutes, or a clock is off: run the step again"
        case .oidcTokenReplayed?: "each ID token is exchanged once: run the step again for a fresh one"
        case .oidcIssuerUntrusted?: "create a trust record for this repository with the token's issuer"
        default: "change the trust record (or run from the repository, ref and environment it names)"
        }
    }
}

/// One claim a refused exchange compared: the token's value beside the trust record's expectation.
public struct ClaimComparison: Equatable, Sendable {
    public var claim: String
    public var token: String?
    public var expected: String
    public var trustRecord: String?
}
