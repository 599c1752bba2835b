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
        case found([UInt8])
        /// Nothing by that name on the search path.
        case notFound
    }

    /// A name with a `/` is used as is (the spawn tells whether it exists). Otherwise the first
    /// executable regular file named `name` in a PATH entry wins; failing that, the first
    /// non-executable one is returned, so the spawn fails with EACCES (126), like bash. Empty PATH
    /// entries are skipped.
    /// Names and paths are bytes: a folder named in Latin-1 is as reachable as any other.
    static func resolve(_ name: [UInt8], searchPath: [UInt8]?) -> Result {
        let slash = UInt8(ascii: "/")
        guard !name.isEmpty else { return .notFound }
        if name.contains(slash) { return .found(name) }
        var denied: [UInt8]?
        for directory in (searchPath ?? Array(defaultSearchPath.utf8)).split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: true) {
            let candidate = Array(directory) + (directory.last == slash ? [] : [slash]) + name
            var info = stat()
            guard withPath(candidate, { stat($0, &info) }) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            if withPath(candidate, { access($0, X_OK) }) == 0 { return .found(candidate) }
            if denied == nil { denied = candidate }
        }
        return denied.map(Result.found) ?? .notFound
    }

    /// True when nothing exists at `path` (so an ENOENT from the spawn means "not found", not "its
    /// interpreter is missing").
    static func isMissing(_ path: [UInt8]) -> Bool {
        var info = stat()
        return withPath(path) { stat($0, &info) } != 0
    }

    /// Calls `body` with the path as a C string.
    static func withPath<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
