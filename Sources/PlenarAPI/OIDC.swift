import FoundationEssentials

/// `POST /v1/oidc/exchange`: a CI job's OIDC ID token, exchanged for a short-lived Plenar key.
public struct OIDCExchangeRequest: Codable, Sendable {
    public var token: String

    public init(token: String) {
        self.token = token
    }
}

/// Where an exchanged key came from: the trust record it matched and the job that asked for it.
public struct KeyOrigin: Codable, Sendable, Hashable {
    public var issuer: String
    public var trustRecord: String
    public var repository: String
    public var repositoryID: String
    @ExplicitNull public var ref: String?
    @ExplicitNull public var runID: String?
    @ExplicitNull public var runAttempt: String?
    @ExplicitNull public var workflowRef: String?

    public init(
        issuer: String, trustRecord: String, repository: String, repositoryID: String, ref: String?, runID: String?,
        runAttempt: String?, workflowRef: String?
    ) {
        self.issuer = issuer
        self.trustRecord = trustRecord
        self.repository = repository
        self.repositoryID = repositoryID
        self.ref = ref
        self.runID = runID
        self.runAttempt = runAttempt
        self.workflowRef = workflowRef
    }

    enum CodingKeys: String, CodingKey {
        case issuer, repository, ref
        case trustRecord = "trust_record"
        case repositoryID = "repository_id"
        case runID = "run_id"
        case runAttempt = "run_attempt"
        case workflowRef = "workflow_ref"
    }
}

/// The answer to an exchange: the only time the derived key's plaintext exists outside the caller.
public struct OIDCExchangeResponse: Codable, Sendable {
    public var token: String
    public var keyID: String
    public var prefix: String
    public var expiresAt: String
    public var scopes: [Scope]
    public var origin: KeyOrigin

    public init(token: String, keyID: String, prefix: String, expiresAt: String, scopes: [Scope], origin: KeyOrigin) {
        self.token = token
        self.keyID = keyID
        self.prefix = prefix
        self.expiresAt = expiresAt
        self.scopes = scopes
        self.origin = origin
    }

    enum CodingKeys: String, CodingKey {
        case token, prefix, scopes, origin
        case keyID = "key_id"
        case expiresAt = "expires_at"
    }
}

/// One claim that did not satisfy a trust record (or the exchange's own checks), in a refusal's `details`.
public struct OIDCMismatch: Codable, Sendable, Hashable {
    public var claim: String
    /// The value or pattern the record expects, or the rule (`"not after 2026-…"`).
    public var expected: String
    /// The token's value; null when the token lacks the claim.
    @ExplicitNull public var actual: String?
    /// The trust record's id; null for a check that is not a record's.
    @ExplicitNull public var trustRecord: String?

    public init(claim: String, expected: String, actual: String?, trustRecord: String? = nil) {
        self.claim = claim
        self.expected = expected
        self.actual = actual
        self.trustRecord = trustRecord
    }

    enum CodingKeys: String, CodingKey {
        case claim, expected, actual
        case trustRecord = "trust_record"
    }
}

/// The `details` of a refused exchange: what was compared and did not match. Never the token.
public struct OIDCRefusalDetails: Codable, Sendable, Hashable {
    public var mismatches: [OIDCMismatch]

    public init(mismatches: [OIDCMismatch]) {
        self.mismatches = mismatches
    }
}

/// The claims of a JWT, read without verifying anything: base64url and JSON, no JWT library.
///
/// For messages only (what a refused token said); the server alone decides whether a token is good.
public enum UnverifiedJWT {
    public static func claims(of token: String) -> [String: JSONValue]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
            let value = try? JSONDecoder().decode(JSONValue.self, from: payload)
        else { return nil }
        return value.objectValue
    }

    /// A claim as text: strings as they are, numbers without a fraction, arrays joined by commas.
    public static func text(_ value: JSONValue?) -> String? {
        switch value {
        case let .string(text)?: text
        case let .number(number)?: value?.intValue.map(String.init) ?? String(number)
        case let .bool(flag)?: String(flag)
        case let .array(items)?: items.compactMap { text($0) }.joined(separator: ",")
        default: nil
        }
    }
}

/// Base64url without padding (RFC 7515 §2), as JWTs use it.
public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        String(
            Data(bytes).base64EncodedString().compactMap { character -> Character? in
                switch character {
                case "+": "-"
                case "/": "_"
                case "=": nil
                default: character
                }
            })
    }

    public static func decode(_ text: some StringProtocol) -> Data? {
        guard !text.contains("=") else { return nil }
        var base64 = String(
            text.map { character -> Character in
                switch character {
                case "-": "+"
                case "_": "/"
                default: character
                }
            })
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
