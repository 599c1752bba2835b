import Platform

/// The real private files: lstat before anything, O_NOFOLLOW on every open, mode 0600 set on
/// the temporary file before a byte is written, fsync, rename (``AtomicFile``).
public struct LocalCredentialStore: CredentialStore {
    static let readLimit = 1 << 20

    public init() {}

    public func read(_ path: String) -> PrivateFileRead {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? .absent : .refused("it cannot be read: \(Self.reason())")
        }
        if let problem = Self.problem(info, file: true) { return .refused(problem) }
        if info.st_mode & 0o077 != 0 { return .exposed(mode: UInt32(info.st_mode & 0o7777)) }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return .refused("it cannot be read: \(Self.reason())") }
        defer { close(fd) }
        var opened = stat()
        guard fstat(fd, &opened) == 0, opened.st_ino == info.st_ino, opened.st_dev == info.st_dev else {
            return .refused("it changed while plenar read it")
        }
        let bytes: [UInt8]
        do throws(PlatformError) {
            bytes = try FileIO.readAll(fd, limit: Self.readLimit)
        } catch {
            return .refused("it cannot be read: \(error)")
        }
        return .found(bytes: bytes, mode: UInt32(info.st_mode & 0o7777))
    }

    public func write(_ bytes: [UInt8], to path: String, privateFolder: Bool) throws(FileError) {
        let folder = LocalFileSystem.parent(path) ?? "."
        if privateFolder { try Self.preparePrivateFolder(folder) }
        var existing = stat()
        if lstat(path, &existing) == 0, let problem = Self.problem(existing, file: true) {
            throw FileError(path: path, reason: "refused: \(problem); nothing was written")
        }
        do throws(PlatformError) {
            try AtomicFile.replace(path, with: AtomicFile.stage(bytes, beside: path, mode: 0o600))
        } catch {
            throw FileError(path: path, reason: error.description)
        }
    }

    public func remove(_ path: String) throws(FileError) {
        if unlink(path) != 0, errno != ENOENT {
            throw FileError(path: path, reason: Self.reason(), action: "delete")
        }
    }

    /// Why a file or folder found with lstat is not to be trusted, or nil.
    static func problem(_ info: stat, file: Bool) -> String? {
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK { return "it is a symbolic link, which plenar never follows here: remove it and try again" }
        if file, type != S_IFREG { return "it is not a regular file" }
        if !file, type != S_IFDIR { return "it is not a folder" }
        if info.st_uid != geteuid() { return "it belongs to another user (uid \(info.st_uid))" }
        return nil
    }

    /// The folder exists (made with mode 0700 if missing, parents too), is ours, and is 0700.
    private static func preparePrivateFolder(_ folder: String) throws(FileError) {
        var info = stat()
        if lstat(folder, &info) != 0 {
            guard errno == ENOENT else { throw FileError(path: folder, reason: reason()) }
            if let parent = LocalFileSystem.parent(folder), parent != folder, access(parent, F_OK) != 0 {
                try preparePrivateFolder(parent)
            }
            guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { throw FileError(path: folder, reason: reason()) }
            guard lstat(folder, &info) == 0 else { throw FileError(path: folder, reason: reason()) }
        }
        if let problem = problem(info, file: false) {
            throw FileError(path: folder, reason: "refused: \(problem); nothing was written")
        }
        if info.st_mode & 0o077 != 0, chmod(folder, 0o700) != 0 {
            throw FileError(path: folder, reason: reason())
        }
    }

    private static func reason() -> String {
        PlatformError.current.description
    }
}
