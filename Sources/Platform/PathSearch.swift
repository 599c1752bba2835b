/// Finds the file a command name stands for, as a shell (or execvp) would, in a PATH given as a
/// value (the child's, not necessarily ours). Names and paths are bytes: a folder named in
/// Latin-1 is as reachable as any other.
public enum PathSearch {
    /// execvp's search path when PATH is unset.
    public static let defaultSearchPath = "/bin:/usr/bin"

    public struct Match: Equatable, Sendable {
        public var path: [UInt8]
        /// False for a regular file without execute permission (a spawn fails with EACCES).
        public var executable: Bool
    }

    /// A name with a `/` is used as is (executable when `access(X_OK)` says so). Otherwise the
    /// first executable regular file named `name` in a PATH entry wins; failing that, the first
    /// non-executable one, so a spawn fails with EACCES (126), like bash. Empty PATH entries are
    /// skipped. Nil when nothing matches or `name` is empty.
    public static func find(_ name: [UInt8], searchPath: [UInt8]?) -> Match? {
        let slash = UInt8(ascii: "/")
        guard !name.isEmpty else { return nil }
        if name.contains(slash) { return Match(path: name, executable: CStringArray.withCString(name) { access($0, X_OK) } == 0) }
        var denied: [UInt8]?
        for directory in (searchPath ?? Array(defaultSearchPath.utf8)).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: true)
        {
            let candidate = Array(directory) + (directory.last == slash ? [] : [slash]) + name
            var info = stat()
            guard CStringArray.withCString(candidate, { stat($0, &info) }) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if CStringArray.withCString(candidate, { access($0, X_OK) }) == 0 { return Match(path: candidate, executable: true) }
            if denied == nil { denied = candidate }
        }
        return denied.map { Match(path: $0, executable: false) }
    }

    /// The same for names and paths in UTF-8.
    public static func find(_ name: String, searchPath: String?) -> (path: String, executable: Bool)? {
        find(Array(name.utf8), searchPath: searchPath.map { Array($0.utf8) }).map {
            (String(decoding: $0.path, as: UTF8.self), $0.executable)
        }
    }

    /// True when nothing exists at `path`.
    public static func isMissing(_ path: [UInt8]) -> Bool {
        var info = stat()
        return CStringArray.withCString(path) { stat($0, &info) } != 0
    }
}
