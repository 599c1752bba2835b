/// Replacing files so that a reader sees the old bytes or the new ones, never a mix: each new
/// version is written to a temporary file beside its target, flushed, and renamed over it; the
/// folders are flushed last.
///
/// One file: ``write(_:to:mode:)``, or ``stage(_:beside:mode:)`` and ``replace(_:with:)`` where
/// the caller has checked the target itself. Several files at once (`plenar connect`): ``stage(_:beside:mode:)``
/// each, then `rename` each, then ``syncFolders(of:)``; the caller decides what a failure
/// between renames undoes.
public enum AtomicFile {
    /// Writes `bytes` to `target`, following a symbolic link to the file it names. A pipe or a
    /// device (/dev/null) is written in place, never replaced by a regular file.
    public static func write(_ bytes: some Collection<UInt8>, to target: String, mode: UInt32) throws(PlatformError) {
        let contents = Array(bytes)
        let path =
            realpath(target, nil).map { resolved in
                defer { free(resolved) }
                return String(cString: resolved)
            } ?? target
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { throw .current }
            defer { close(fd) }
            return try FileIO.writeAll(contents, to: fd)
        }
        try replace(path, with: stage(contents, beside: path, mode: mode))
    }

    /// Renames a file made by ``stage(_:beside:mode:)`` over `target` (removing it on failure),
    /// then flushes the folder.
    public static func replace(_ target: String, with temporary: String) throws(PlatformError) {
        guard rename(temporary, target) == 0 else {
            let failure = PlatformError.current
            unlink(temporary)
            throw failure
        }
        syncFolders(of: [target])
    }

    /// A new file beside `target` (`.NAME.plenar-XXXXXX`) holding `contents`, flushed to disk; its
    /// path. It gets `mode` (nil: the target's mode, or what the umask allows for a new file) and,
    /// when root rewrites someone else's file, that file's owner. Nothing is left on failure.
    public static func stage(_ contents: [UInt8], beside target: String, mode: UInt32?) throws(PlatformError) -> String {
        let folder = parent(target) ?? "."
        let name = String(target.split(separator: "/").last ?? "file")
        var template = Array("\(folder)/.\(name).plenar-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .current }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(PlatformError) {
            var existing = stat()
            let exists = stat(target, &existing) == 0
            let permissions = mode ?? (exists ? UInt32(existing.st_mode & 0o7777) : 0o666 & ~currentUmask())
            guard fchmod(fd, mode_t(permissions)) == 0 else { throw .current }
            if exists, geteuid() == 0, existing.st_uid != 0 || existing.st_gid != 0 {
                _ = fchown(fd, existing.st_uid, existing.st_gid)
            }
            try FileIO.writeAll(contents, to: fd)
            guard fsync(fd) == 0 else { throw .current }
            close(fd)
            return temporary
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Flushes the folders holding `paths`, so the renames into them survive a crash.
    public static func syncFolders(of paths: [String]) {
        for folder in Set(paths.map { parent($0) ?? "." }) {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
    }

    /// The folder part of `path` ("/" for a file at the root), or nil when it has no `/`.
    public static func parent(_ path: String) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func currentUmask() -> UInt32 {
        let mask = umask(0o022)
        umask(mask)
        return UInt32(mask)
    }
}
