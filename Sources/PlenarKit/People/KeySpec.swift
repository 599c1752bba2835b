import FoundationEssentials
import PlenarAPI

/// What `keys create` asks for.
public struct KeySpec: Equatable, Sendable {
    public var kind: TokenKind
    public var description: String
    /// Nil is never.
    public var expiresInDays: Int?
    /// Nil is every project.
    public var projects: [String]?
    /// Nil is every scope.
    public var scopes: [Scope]?

    public init(kind: TokenKind, description: String, expiresInDays: Int?, projects: [String]?, scopes: [Scope]?) {
        self.kind = kind
        self.description = description
        self.expiresInDays = expiresInDays
        self.projects = projects
        self.scopes = scopes
    }
}
