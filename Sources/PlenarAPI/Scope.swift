/// A permission an API key carries.
public enum Scope: String, Codable, Sendable, CaseIterable, Comparable {
    case signalsWrite = "signals:write"
    case hooksWrite = "hooks:write"
    case runsWrite = "runs:write"
    case projectsRead = "projects:read"

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }
}
