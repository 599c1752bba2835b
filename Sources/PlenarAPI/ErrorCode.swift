/// Every error code of the Plenar API contract, with the HTTP status it travels with.
///
/// Clients branch on the code; the message beside it is for people and may change.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    case invalidRequest = "invalid_request"
    case unauthorized
    case tokenInvalid = "token_invalid"
    case tokenRevoked = "token_revoked"
    case tokenExpired = "token_expired"
    case forbidden
    case insufficientScope = "insufficient_scope"
    case projectNotAllowed = "project_not_allowed"
    /// Key management and logout need a login session (`pls_`); an API key never creates or revokes keys.
    case sessionRequired = "session_required"
    case notFound = "not_found"
    case payloadTooLarge = "payload_too_large"
    case projectRequired = "project_required"
    case rateLimited = "rate_limited"
    /// OIDC exchange (`POST /oidc/exchange`): the token is not a well-formed, correctly signed RS256 JWT.
    case oidcTokenInvalid = "oidc_token_invalid"
    /// OIDC exchange: `exp`, `nbf` or `iat` is outside the allowed window (with its leeway).
    case oidcTokenExpired = "oidc_token_expired"
    /// OIDC exchange: this token's `jti` was already exchanged.
    case oidcTokenReplayed = "oidc_token_replayed"
    /// OIDC exchange: no trust record names the token's issuer.
    case oidcIssuerUntrusted = "oidc_issuer_untrusted"
    /// OIDC exchange: no trust record for this issuer accepts the token's audience.
    case oidcAudienceMismatch = "oidc_audience_mismatch"
    /// OIDC exchange: the token's claims match no trust record; `details` says which claim and what was expected.
    case oidcClaimsMismatch = "oidc_claims_mismatch"
    case `internal`
    case unavailable

    public var httpStatus: Int {
        switch self {
        case .invalidRequest: 400
        case .unauthorized, .tokenInvalid, .tokenRevoked, .tokenExpired: 401
        case .oidcTokenInvalid, .oidcTokenExpired, .oidcTokenReplayed: 401
        case .forbidden, .insufficientScope, .projectNotAllowed, .sessionRequired: 403
        case .oidcIssuerUntrusted, .oidcAudienceMismatch, .oidcClaimsMismatch: 403
        case .notFound: 404
        case .payloadTooLarge: 413
        case .projectRequired: 422
        case .rateLimited: 429
        case .internal: 500
        case .unavailable: 503
        }
    }

    /// The code a bare HTTP status maps to when nothing more specific is known.
    public static func forStatus(_ status: Int) -> ErrorCode {
        switch status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 413: .payloadTooLarge
        case 422: .projectRequired
        case 429: .rateLimited
        case 503: .unavailable
        case 400..<500: .invalidRequest
        default: .internal
        }
    }
}

/// The body of every error response: `{"error": {"code": "…", "message": "…"}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        /// Machine-readable particulars of some errors (a refused OIDC exchange: `OIDCRefusalDetails`).
        public var details: JSONValue?
    }

    public var error: Detail

    public init(code: String, message: String, details: JSONValue? = nil) {
        self.error = Detail(code: code, message: message, details: details)
    }
}
