/// A folder of small private files that several processes share (`plenar`'s spool): listing it,
/// making it (mode 0700, parents too), adding a file atomically (mode 0600, written beside its
/// name and renamed into place, so a reader never sees part of one), renaming, reading, removing.
/// Renames are the processes' only means of agreement: rename(2) within one folder is atomic,
/// so of two processes renaming the same name, exactly one succeeds and the other gets ENOENT.
public enum PrivateFolder {
    /// Why a folder cannot be used.
    public enum Problem: Error, Equatable, Sendable {
        case system(PlatformError)
        /// A symbolic link, another user's, or not a folder: why.
        case untrusted(String)
    }

    /// The names in `folder` (hidden ones, `.`, `..` left out); nil when it does not exist, found
    /// with a single failed open.
    public static func names(_ folder: String) throws(PlatformError) -> [String]? {
        guard let directory = opendir(folder) else {
            if errno == ENOENT { return nil }
            throw .current
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }

    /// Makes `folder` (and missing parents) with mode 0700; an existing one must be a folder of
    /// ours and not a symbolic link, and loses any access for others.
    public static func prepare(_ folder: String) throws(Problem) {
        var info = stat()
        if lstat(folder, &info) != 0 {
            guard errno == ENOENT else { throw .system(.current) }
            if let parent = AtomicFile.parent(folder), parent != folder, access(parent, F_OK) != 0 {
                try prepare(parent)
            }
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { throw .system(.current) }
            guard lstat(folder, &info) == 0 else { throw .system(.current) }
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK { throw .untrusted("it is a symbolic link, which plenar does not follow here") }
        if type != S_IFDIR { throw .untrusted("it is not a folder") }
        if info.st_uid != geteuid() { throw .untrusted("it belongs to another user (uid \(info.st_uid))") }
        if info.st_mode & 0o077 != 0, chmod(folder, 0o700) != 0 { throw .system(.current) }
    }

    /// Adds `name` holding `bytes` (mode 0600): written and flushed beside it under a hidden
    /// name, then renamed into place.
    public static func add(_ name: String, in folder: String, bytes: [UInt8]) throws(PlatformError) {
        let target = folder + "/" + name
        try AtomicFile.replace(target, with: AtomicFile.stage(bytes, beside: target, mode: 0o600))
    }

    /// Renames `from` to `to` in `folder` (rename(2)); false when `from` is gone (another process renamed or
    /// removed it first).
    public static func move(_ from: String, to: String, in folder: String) throws(PlatformError) -> Bool {
        if rename(folder + "/" + from, folder + "/" + to) == 0 { return true }
        if errno == ENOENT { return false }
        throw .current
    }

    /// The file's bytes (it is never followed if a symbolic link), at most `limit` + 1 of them;
    /// nil when it is gone.
    public static func read(_ name: String, in folder: String, limit: Int) throws(PlatformError) -> [UInt8]? {
        let fd = open(folder + "/" + name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw .current
        }
        defer { close(fd) }
        return try FileIO.readAll(fd, limit: limit)
    }

    /// Removes the file; false when it was already gone.
    @discardableResult
    public static func remove(_ name: String, in folder: String) -> Bool {
        unlink(folder + "/" + name) == 0
    }
}
