import FoundationEssentials

public struct FileError: Error, Equatable, Sendable {
    public var path: String
    public var reason: String
    /// What failed: write, read, open.
    public var action: String

    public init(path: String, reason: String, action: String = "write") {
        self.path = path
        self.reason = reason
        self.action = action
    }
}
