/// The two kinds of credential the API accepts, told apart by their prefix.
public enum TokenKind: String, Codable, Sendable, CaseIterable {
    /// An organization key (service principal): `pko_…`, no default project.
    case org
    /// A personal token bound to a user: `plt_…`, optionally pinned to a default project.
    case personal
    /// A person's login session from `plenar login`: `pls_…`, acts as its user; expires after 24 h without use.
    case session
    /// A short-lived key derived from a CI job's OIDC token (`POST /oidc/exchange`): `pke_…`, acts as an org key.
    case oidc

    public var prefix: String {
        switch self {
        case .org: "pko_"
        case .personal: "plt_"
        case .session: "pls_"
        case .oidc: "pke_"
        }
    }

    /// How `status` names the mode this kind of token puts the CLI in.
    public var modeName: String {
        switch self {
        case .org: "org-key"
        case .personal: "personal-token"
        case .session: "login-session"
        case .oidc: "oidc-key"
        }
    }
}

/// Why a string is not a well-formed token. Checked offline, before any request.
public enum TokenShapeError: Error, Sendable, Equatable {
    case empty
    case quoted
    case bearerPrefix
    case whitespace
    case unknownPrefix
    case invalidCharacters
    case tooShort(minimum: Int)

    /// What is wrong, in words that never include the token itself.
    public var explanation: String {
        switch self {
        case .empty: "the token is empty"
        case .quoted: "the token is wrapped in quotes; store it without them"
        case .bearerPrefix: "the token starts with \"Bearer \"; store only the token, without the scheme"
        case .whitespace: "the token contains spaces or line breaks; copy it again without surrounding whitespace"
        case .unknownPrefix:
            "the token does not start with pko_ (organization key), plt_ (personal token), pls_ (login session) or pke_ (OIDC key)"
        case .invalidCharacters: "the token contains characters other than letters and digits after its prefix"
        case let .tooShort(minimum): "the token is too short: at least \(minimum) letters or digits must follow its prefix"
        }
    }
}

/// The shape rules of a Plenar token: prefix + at least 32 characters of `[A-Za-z0-9]`.
public enum TokenShape {
    public static let minimumBodyLength = 32

    /// Returns the kind of a well-formed token, or throws what is wrong with it.
    public static func check(_ token: String) throws(TokenShapeError) -> TokenKind {
        if let kind = wellFormedKind(token.utf8) { return kind }
        if token.isEmpty { throw .empty }
        if let first = token.first, let last = token.last, token.count >= 2,
            (first == "\"" && last == "\"") || (first == "'" && last == "'")
        {
            throw .quoted
        }
        if token.lowercased().hasPrefix("bearer ") { throw .bearerPrefix }
        if token.contains(where: { $0.isWhitespace }) { throw .whitespace }
        guard let kind = TokenKind.allCases.first(where: { token.hasPrefix($0.prefix) }) else {
            throw .unknownPrefix
        }
        let body = token.utf8.dropFirst(kind.prefix.utf8.count)
        guard body.allSatisfy(isAlphanumeric) else { throw .invalidCharacters }
        guard body.count >= minimumBodyLength else { throw .tooShort(minimum: minimumBodyLength) }
        return kind
    }

    /// The kind of a well-formed token, checked on its bytes with no string work (`plenar run`
    /// checks ten thousand values before its command starts); nil for anything else. The rule
    /// `check` accepts by.
    public static func wellFormedKind(_ bytes: some Collection<UInt8>) -> TokenKind? {
        guard let kind = TokenKind.allCases.first(where: { bytes.starts(with: $0.prefix.utf8) }) else { return nil }
        let body = bytes.dropFirst(kind.prefix.utf8.count)
        return body.count >= minimumBodyLength && body.allSatisfy(isAlphanumeric) ? kind : nil
    }

    /// A token as it may be shown to people: its prefix and an ellipsis (`pko_…`).
    public static func display(_ token: String) -> String {
        let kind = TokenKind.allCases.first { token.hasPrefix($0.prefix) }
        return (kind?.prefix ?? "") + "…"
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// `pko_`/`plt_`/`pls_`/`pke_` followed by 32 or more letters and digits, wherever it stands.
    public static func maskAll(in text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 36 else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 4 <= bytes.count, bytes[index + 3] == UInt8(ascii: "_"), isTokenPrefix(bytes[index..<index + 3]) {
                var end = index + 4
                while end < bytes.count, isAlphanumeric(bytes[end]) { end += 1 }
                if end - index - 4 >= minimumBodyLength {
                    output += bytes[index..<index + 4]
                    output += Array("…".utf8)
                    index = end
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isTokenPrefix(_ bytes: ArraySlice<UInt8>) -> Bool {
        let text = Array(bytes)
        return text == Array("pko".utf8) || text == Array("plt".utf8) || text == Array("pls".utf8) || text == Array("pke".utf8)
    }
}
