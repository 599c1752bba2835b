import PlenarAPI

/// `PLENAR_API_URL`: the API base including `/v1`. Tokens go only over https, or http to loopback.
public struct APIBaseURL: Equatable, Sendable, CustomStringConvertible {
    public static let hosted = "https://api.plenar.dev/v1"

    /// Without a trailing slash, e.g. `https://api.plenar.dev/v1`.
    public let base: String
    public let host: String

    public var description: String { base }

    /// Where MCP is served: the server root (the base without `/v1`) plus `/mcp`.
    public var mcpEndpoint: String {
        (base.hasSuffix("/v1") ? String(base.dropLast(3)) : base) + "/mcp"
    }

    public func url(_ path: String) -> String { base + path }

    public enum Problem: Error, Equatable, Sendable {
        case malformed(String)
        case insecure(host: String)
    }

    public init(_ text: String) throws(Problem) {
        var base = text.trimmed
        while base.hasSuffix("/") { base.removeLast() }
        let lower = base.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") {
            scheme = "https"
        } else if lower.hasPrefix("http://") {
            scheme = "http"
        } else {
            throw .malformed("it must start with https://")
        }
        let rest = base.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.contains("@") {
            throw .malformed("it holds a user name or password, which plenar never sends: remove everything up to the @")
        }
        guard !authority.isEmpty, !rest.contains("?"), !rest.contains("#"), !base.contains(" ") else {
            throw .malformed("it needs a host, and no query or fragment")
        }
        let host: String
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .malformed("an IPv6 host needs a closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
        } else {
            host = String(authority.prefix { $0 != ":" })
        }
        guard !host.isEmpty else { throw .malformed("it needs a host") }
        if scheme == "http", !Loopback.contains(host) { throw .insecure(host: host) }
        self.base = base
        self.host = host
    }

    /// A URL as messages show it: any user name and password (`user:pass@`) as `…@`, so a
    /// credential typed into the URL, which plenar never sends, is not printed either; control
    /// characters escaped.
    public static func display(_ text: String) -> String {
        let parts = text.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return text.printable }
        let rest = parts[1]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text.printable }
        let shown: String = parts[0] + "://…" + rest[at...]
        return shown.printable
    }
}
