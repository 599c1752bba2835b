import PlenarAPI

/// An error answer of the API: a contract code, a message for people, and for 429 a `Retry-After`.
public struct APIError: Error, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    public var retryAfter: Int?
    /// Set when a fault overrides the status the code would travel with.
    public var statusOverride: Int?
    /// Set when a fault answers with a code the contract does not list.
    public var rawCode: String?
    /// Particulars for the client (a refused OIDC exchange: which claim, what was expected).
    public var details: JSONValue?

    public init(_ code: ErrorCode, _ message: String, retryAfter: Int? = nil, status: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.statusOverride = status
    }

    public var status: Int { statusOverride ?? code.httpStatus }

    public var body: ErrorBody { ErrorBody(code: rawCode ?? code.rawValue, message: message, details: details) }

    static func invalid(_ message: String) -> APIError { APIError(.invalidRequest, message) }
}
