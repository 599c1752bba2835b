import Platform

/// The real file system. Writes that replace a file go through a temporary file in the same
/// folder, fsync and rename, so a reader sees the old file or the new one, never half of one.
struct LocalFileSystem: FileSystem {
    /// Config files are small; anything larger is not one of them.
    static let readLimit = 8 << 20

    func append(_ text: String, to path: String) throws(FileError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.error(path) }
        defer { close(fd) }
        do throws(PlatformError) { try FileIO.writeAll(Array(text.utf8), to: fd) } catch {
            throw FileError(path: path, reason: error.description)
        }
    }

    func projectRoot() -> String {
        guard let cwd = getcwd(nil, 0) else { return "." }
        defer { free(cwd) }
        return Self.root(from: String(cString: cwd))
    }

    /// The nearest folder at or above `start` that holds `.git`; else `start`.
    static func root(from start: String) -> String {
        var folder = start
        while true {
            var info = stat()
            if lstat(folder + "/.git", &info) == 0 { return folder }
            guard let parent = Self.parent(folder), parent != folder else { return start }
            folder = parent
        }
    }

    func read(_ path: String) throws(FileError) -> FileSnapshot {
        let real = Self.resolve(path)
        // O_NONBLOCK: a FIFO in a config's place must not hang us while we hold the lock.
        let fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENOENT { return FileSnapshot(path: path, realPath: real, contents: nil) }
            throw Self.error(path, action: "read")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Self.error(path, action: "read") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw FileError(path: path, reason: "not a regular file", action: "read") }
        let contents: [UInt8]
        do throws(PlatformError) {
            contents = try FileIO.readAll(fd, limit: Self.readLimit)
        } catch {
            throw FileError(path: path, reason: error.description, action: "read")
        }
        guard contents.count <= Self.readLimit else {
            throw FileError(path: path, reason: "larger than \(Self.readLimit >> 20) MiB, too large for a config file", action: "read")
        }
        return FileSnapshot(
            path: path, realPath: real, contents: contents, mode: UInt32(info.st_mode & 0o7777),
            identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)), links: Int(info.st_nlink)
        )
    }

    func update(
        _ paths: [String], under root: String, appending appends: [FileAppend], _ plan: ([FileSnapshot]) throws(Failure) -> [FileWrite]
    ) throws(Failure) {
        // One lock per repository: concurrent `connect`s in parallel steps take turns, so none
        // reads a file another is about to replace.
        let lock = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lock >= 0 else { throw .localFile(Self.error(root, action: "open")) }
        defer { close(lock) }
        // Where the file system cannot lock a folder (NFS emulates flock with fcntl locks, which
        // need a writable descriptor), go on unlocked: the renames still keep every file whole.
        while flock(lock, LOCK_EX) != 0, errno == EINTR {}
        // The files to append to are opened first: one that cannot be stops everything before
        // any change. Until the commit, a file created here is removed again on any failure.
        var targets: [AppendTarget] = []
        var committing = false
        defer {
            for target in targets {
                if target.created, !committing { unlink(target.path) }
                close(target.fd)
            }
        }
        do throws(FileError) {
            for append in appends { targets.append(try Self.openForAppend(append)) }
        } catch {
            throw .localFile(FileError(path: error.path, reason: error.reason + "; no file was changed", action: error.action))
        }
        var snapshots: [FileSnapshot] = []
        for path in paths {
            do throws(FileError) { snapshots.append(try read(path)) } catch { throw .localFile(error) }
        }
        let writes = try plan(snapshots)
        committing = true
        do throws(FileError) {
            try Self.commit(writes, appending: targets)
        } catch {
            throw .localFile(error)
        }
    }

    func gitExposure(of path: String) -> GitExposure {
        let folder = Self.parent(path) ?? "."
        let name = String(path.split(separator: "/").last ?? "")
        if Self.git(["-C", folder, "ls-files", "--error-unmatch", "--", name]) == 0 { return .tracked }
        switch Self.git(["-C", folder, "check-ignore", "-q", "--", name]) {
        case 0: return .ignored
        case 1: return .unignored
        default: return .unknown
        }
    }

    // MARK: Writing

    private struct Staged {
        var temporary: String
        var target: String
    }

    /// A file opened for appending, with what it held before.
    private struct AppendTarget {
        var fd: Int32
        var path: String
        var shownAs: String
        var bytes: [UInt8]
        /// Its length when opened; nil for what is not a regular file (a pipe), which cannot be cut back.
        var length: off_t?
        /// Made by `openForAppend`: removed again if nothing is committed.
        var created: Bool
    }

    /// A file with other hard links: rewritten in place, so every name keeps seeing it.
    private struct InPlace {
        var fd: Int32
        var write: FileWrite
    }

    private static func openForAppend(_ append: FileAppend) throws(FileError) -> AppendTarget {
        var created = false
        var fd = open(append.path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY)
        if fd < 0, errno == ENOENT {
            // The runner creates its files before a step; a missing one is made here (and removed
            // on failure), but never a missing folder.
            fd = open(append.path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0o644)
            created = fd >= 0
        }
        guard fd >= 0 else { throw error(append.shownAs, action: "open") }
        var info = stat()
        let regular = fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        return AppendTarget(
            fd: fd, path: append.path, shownAs: append.shownAs, bytes: Array(append.text.utf8), length: regular ? info.st_size : nil,
            created: created)
    }

    /// All temporary files first (any failure removes them and the folders made for them); then
    /// the appends, the files rewritten in place, and last the renames. A failure before the
    /// renames undoes the appends (cut back to their length) and the rewrites (their old
    /// contents put back), so only a failing rename, which needs no space, leaves a change: the
    /// files already renamed, which the message names.
    private static func commit(_ writes: [FileWrite], appending appends: [AppendTarget]) throws(FileError) {
        var staged: [Staged] = []
        var inPlace: [InPlace] = []
        var madeFolders: [String] = []
        func discard() {
            for item in staged { unlink(item.temporary) }
            for item in inPlace { close(item.fd) }
            for folder in madeFolders.reversed() { rmdir(folder) }
            for target in appends where target.created { unlink(target.path) }
        }
        do throws(FileError) {
            for write in writes {
                let target = write.snapshot.realPath
                var info = stat()
                if lstat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
                    throw FileError(path: write.snapshot.path, reason: "not a regular file")
                }
                madeFolders += try makeFolders(for: target, shownAs: write.snapshot.path)
                if write.backup, let previous = write.snapshot.contents {
                    let backup = freeName(target + ".bak")
                    staged.append(
                        Staged(
                            temporary: try stage(
                                previous, beside: backup, mode: write.snapshot.mode ?? 0o600, shownAs: write.snapshot.path + ".bak"),
                            target: backup))
                }
                // A rename would give this name a file of its own and leave the other names
                // with the old contents: rewrite the one file instead.
                if write.snapshot.links > 1, write.snapshot.contents != nil {
                    let fd = open(target, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                    guard fd >= 0 else { throw error(write.snapshot.path) }
                    inPlace.append(InPlace(fd: fd, write: write))
                    continue
                }
                staged.append(
                    Staged(
                        temporary: try stage(
                            write.contents, beside: target, mode: write.mode ?? write.snapshot.mode, shownAs: write.snapshot.path),
                        target: target))
            }
        } catch {
            discard()
            throw FileError(path: error.path, reason: error.reason + "; no file was changed", action: error.action)
        }
        defer { for item in inPlace { close(item.fd) } }
        var appended: [AppendTarget] = []
        var rewritten: [InPlace] = []
        /// Undoes the appends and the rewrites; returns what could not be undone.
        func undo() -> [String] {
            var kept: [String] = []
            for target in appended.reversed() {
                if let length = target.length, ftruncate(target.fd, length) == 0 { continue }
                kept.append(target.shownAs)
            }
            for item in rewritten.reversed() {
                let previous = item.write.snapshot.contents ?? []
                do throws(FileError) {
                    try overwrite(item.fd, with: previous, mode: item.write.snapshot.mode, shownAs: item.write.snapshot.path)
                } catch {
                    kept.append(item.write.snapshot.path)
                }
            }
            return kept
        }
        func failed(_ failure: FileError, renamed: Int = 0) -> FileError {
            let kept = undo()
            for target in appends where target.created && !kept.contains(target.shownAs) { unlink(target.path) }
            for item in staged[renamed...] { unlink(item.temporary) }
            var reason = failure.reason
            let changed = staged[..<renamed].map(\.target) + kept
            reason += changed.isEmpty ? "; no file was changed" : "; already changed: " + changed.joined(separator: ", ")
            return FileError(path: failure.path, reason: reason, action: failure.action)
        }
        for target in appends {
            var written = 0
            do throws(PlatformError) {
                try FileIO.writeAll(target.bytes, to: target.fd, progress: &written)
            } catch {
                // A write that failed halfway appended part: cut back too.
                if written > 0 { appended.append(target) }
                throw failed(FileError(path: target.shownAs, reason: error.description))
            }
            appended.append(target)
        }
        for item in inPlace {
            rewritten.append(item)
            do throws(FileError) {
                try overwrite(item.fd, with: item.write.contents, mode: item.write.mode, shownAs: item.write.snapshot.path)
            } catch {
                throw failed(error)
            }
        }
        for (index, item) in staged.enumerated() where rename(item.temporary, item.target) != 0 {
            throw failed(Self.error(item.target), renamed: index)
        }
        AtomicFile.syncFolders(of: staged.map(\.target) + madeFolders)
    }

    /// Replaces the contents of an open file: written over the old from the start, then cut to
    /// length (the old blocks are reused, so this rarely needs more space than the file had).
    private static func overwrite(_ fd: Int32, with contents: [UInt8], mode: UInt32?, shownAs shown: String) throws(FileError) {
        do throws(PlatformError) {
            try FileIO.writeAll(contents, toStartOf: fd)
        } catch {
            throw FileError(path: shown, reason: error.description)
        }
        guard ftruncate(fd, off_t(contents.count)) == 0 else { throw error(shown) }
        if let mode, fchmod(fd, mode_t(mode)) != 0 { throw error(shown) }
        guard fsync(fd) == 0 else { throw error(shown) }
    }

    /// `path`, or `path.1`, `path.2`… if it is taken: a backup never replaces an earlier one.
    private static func freeName(_ path: String) -> String {
        var candidate = path
        var number = 0
        while access(candidate, F_OK) == 0 {
            number += 1
            candidate = "\(path).\(number)"
        }
        return candidate
    }

    /// A new file beside `target` with `contents`, flushed to disk (`AtomicFile.stage`).
    private static func stage(_ contents: [UInt8], beside target: String, mode: UInt32?, shownAs shown: String) throws(FileError) -> String
    {
        do throws(PlatformError) {
            return try AtomicFile.stage(contents, beside: target, mode: mode)
        } catch {
            throw FileError(path: shown, reason: error.description)
        }
    }

    /// Creates the missing folders above `path`, returning those it made, outermost first.
    private static func makeFolders(for path: String, shownAs shown: String) throws(FileError) -> [String] {
        var missing: [String] = []
        var folder = parent(path)
        while let current = folder, access(current, F_OK) != 0 {
            missing.append(current)
            folder = parent(current)
        }
        var made: [String] = []
        for folder in missing.reversed() {
            if mkdir(folder, 0o777) == 0 {
                made.append(folder)
            } else if errno != EEXIST {
                let failure = FileError(path: shown, reason: "cannot create \(folder): \(String(cString: strerror(errno)))")
                for folder in made.reversed() { rmdir(folder) }
                throw failure
            }
        }
        return made
    }

    // MARK: Paths

    /// The file a symbolic link leads to (even one that does not exist yet), else `path`; with
    /// its folder's real name, so two ways to one file compare equal.
    static func resolve(_ path: String) -> String {
        let target = followLinks(path)
        guard let folder = parent(target), let real = realpath(folder, nil) else { return target }
        defer { free(real) }
        let name = target[target.index(after: target.lastIndex(of: "/")!)...]
        let canonical = String(cString: real)
        return (canonical == "/" ? "" : canonical) + "/" + name
    }

    private static func followLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : (parent(current) ?? ".") + "/" + target
        }
        return current
    }

    static func parent(_ path: String) -> String? {
        AtomicFile.parent(path)
    }

    private static func error(_ path: String, action: String = "write") -> FileError {
        FileError(path: path, reason: String(cString: strerror(errno)), action: action)
    }

    // MARK: git

    /// Runs git quietly and returns its exit status, or -1 when it cannot run.
    private static func git(_ arguments: [String]) -> Int32 {
        let environment = ProcessBytes.environment()
        guard let git = PathSearch.find(Array("git".utf8), searchPath: ProcessBytes.value(of: "PATH", in: environment)), git.executable
        else { return -1 }
        var spawn = Spawn(path: git.path, arguments: (["git"] + arguments).map { Array($0.utf8) }, environment: environment)
        (spawn.stdin, spawn.stdout, spawn.stderr) = (.null, .null, .null)
        guard let pid = try? spawn.start(), case .exited(let code)? = try? WaitStatus.reap(pid) else { return -1 }
        return code
    }
}
