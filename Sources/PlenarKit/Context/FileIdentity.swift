import FoundationEssentials

/// Which file a path reaches: two paths with one identity are one file, whatever links lead there.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}
