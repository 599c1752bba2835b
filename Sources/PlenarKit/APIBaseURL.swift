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
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else {
            throw .malformed("it must start with https://")
        }
        let rest = base.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"), !rest.contains("?"), !rest.contains("#"), !base.contains(" ") else {
            throw .malformed("it needs a host, and no credentials, query or fragment")
        }
        let host: String
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .malformed("an IPv6 host needs a closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
        } else {
            host = String(authority.prefix { $0 != ":" })
        }
        guard !host.isEmpty else { throw .malformed("it needs a host") }
        if scheme == "http", !Self.isLoopback(host) { throw .insecure(host: host) }
        self.base = base
        self.host = host
    }

    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
