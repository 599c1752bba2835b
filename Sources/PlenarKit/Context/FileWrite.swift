import FoundationEssentials

public struct FileWrite: Equatable, Sendable {
    public var snapshot: FileSnapshot
    public var contents: [UInt8]
    /// The mode to give the file: nil keeps an existing file's mode, or 0644 for a new one.
    public var mode: UInt32?
    /// Keep the previous contents beside the file as `.bak` (after `--force`).
    public var backup: Bool

    public init(snapshot: FileSnapshot, contents: [UInt8], mode: UInt32? = nil, backup: Bool = false) {
        self.snapshot = snapshot
        self.contents = contents
        self.mode = mode
        self.backup = backup
    }
}
