import FoundationEssentials

/// The few file operations the CLI performs.
public protocol FileSystem {
    func append(_ text: String, to path: String) throws(FileError)
    /// Where `connect` writes client configs: the repository root (the nearest folder at or
    /// above the current one that holds `.git`), else the current folder.
    func projectRoot() -> String
    /// A file as it is now; `contents` is nil when it does not exist.
    func read(_ path: String) throws(FileError) -> FileSnapshot
    /// Changes files under `root` as one step, and appends to files elsewhere with it: locks
    /// `root` against other `plenar` processes, opens each file of `appends` (a missing file is
    /// created, a missing folder is an error), reads each path, lets `plan` decide, and writes
    /// every change to a temporary file beside its target. Only then does it change anything:
    /// the appends, the files rewritten in place (those with other hard links), the renames.
    /// Any failure before the renames changes nothing: appends are cut back and files rewritten
    /// in place get their old contents again.
    func update(
        _ paths: [String], under root: String, appending appends: [FileAppend], _ plan: ([FileSnapshot]) throws(Failure) -> [FileWrite]
    ) throws(Failure)
    /// Whether git would commit the file.
    func gitExposure(of path: String) -> GitExposure
}

extension FileSystem {
    /// `update` with nothing to append.
    public func update(_ paths: [String], under root: String, _ plan: ([FileSnapshot]) throws(Failure) -> [FileWrite]) throws(Failure) {
        try update(paths, under: root, appending: [], plan)
    }
}
