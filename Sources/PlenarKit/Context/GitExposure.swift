import FoundationEssentials

public enum GitExposure: Equatable, Sendable {
    /// Committed already.
    case tracked
    /// Not ignored: the next `git add .` takes it.
    case unignored
    case ignored
    /// Not in a repository, or git is not there to ask.
    case unknown
}
