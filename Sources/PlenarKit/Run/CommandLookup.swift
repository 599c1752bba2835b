#if canImport(Glibc)
import Glibc
#endif

/// Finds the file a command name stands for, as a shell (or execvp) would, but in the PATH of the
/// environment the child gets, not ours.
enum CommandLookup {
    /// execvp's search path when PATH is unset.
    static let defaultSearchPath = "/bin:/usr/bin"

    enum Result: Equatable {
        /// Spawn this path.
        case found(String)
        /// Nothing by that name on the search path.
        case notFound
    }

    /// A name with a `/` is used as is (the spawn tells whether it exists). Otherwise the first
    /// executable regular file named `name` in a PATH entry wins; failing that, the first
    /// non-executable one is returned, so the spawn fails with EACCES (126), like bash. Empty PATH
    /// entries are skipped.
    static func resolve(_ name: String, searchPath: String?) -> Result {
        guard !name.isEmpty else { return .notFound }
        if name.contains("/") { return .found(name) }
        var denied: String?
        for directory in (searchPath ?? defaultSearchPath).split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            var info = stat()
            guard stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return .found(candidate) }
            if denied == nil { denied = candidate }
        }
        return denied.map(Result.found) ?? .notFound
    }

    /// True when nothing exists at `path` (so an ENOENT from the spawn means "not found", not "its
    /// interpreter is missing").
    static func isMissing(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) != 0
    }
}
