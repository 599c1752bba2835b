import FoundationEssentials

public struct FileSnapshot: Equatable, Sendable {
    public var path: String
    /// Where a write lands: the file a symbolic link points to, else `path`.
    public var realPath: String
    public var contents: [UInt8]?
    /// Permission bits of the existing file.
    public var mode: UInt32?
    /// The existing file's device and inode.
    public var identity: FileIdentity?
    /// How many names (hard links) the existing file has.
    public var links: Int

    public init(
        path: String, realPath: String? = nil, contents: [UInt8]?, mode: UInt32? = nil, identity: FileIdentity? = nil, links: Int = 1
    ) {
        self.path = path
        self.realPath = realPath ?? path
        self.contents = contents
        self.mode = mode
        self.identity = identity
        self.links = links
    }

    /// The same file as `other`: one real path, or one device and inode (a hard link).
    public func isSameFile(as other: FileSnapshot) -> Bool {
        realPath == other.realPath || (identity != nil && identity == other.identity)
    }
}
