import FoundationEssentials

/// Text for the end of a file outside the repository: the runner's `$GITHUB_ENV`, `$GITHUB_OUTPUT`.
public struct FileAppend: Equatable, Sendable {
    public var path: String
    public var text: String
    /// How messages name the file, as `$GITHUB_ENV (/path)`.
    public var shownAs: String

    public init(path: String, text: String, shownAs: String? = nil) {
        self.path = path
        self.text = text
        self.shownAs = shownAs ?? path
    }
}
