import Crypto
import Foundation

/// `hashFiles()`, as the runner computes it.
///
/// The runner (actions/runner `src/Runner.Worker/Expressions/HashFilesFunction.cs`) joins the
/// arguments with newlines and runs `src/Misc/expressionFunc/hashFiles/src/hashFiles.ts` in the
/// workspace, which globs them with @actions/glob 0.7.0 (`followSymbolicLinks` off unless the
/// first argument is `--follow-symbolic-links`) and, for each file the globber yields that is
/// under the workspace and not a directory, feeds the SHA-256 digest of its content into one
/// SHA-256: the result is the hex digest of the concatenated digests, or '' when nothing
/// matched. The order is the globber's (actions/toolkit `packages/glob/src/internal-globber.ts`
/// `globGenerator`): each search path in turn, depth first, each folder's entries sorted by
/// byte value (node's `readdir` is libuv's `scandir`, sorted with `strcmp`).
///
/// Patterns: one per line of each argument (blank lines and `#` comments skipped), relative to
/// the workspace, `!` to exclude, `**` for any depth, a pattern matching a folder also matching
/// everything in it; see ``GlobPattern``.
struct HashFiles {
    let workspace: String
    let followSymbolicLinks: Bool

    init(workspace: String, followSymbolicLinks: Bool = false) {
        var root = GlobPattern.normalized(workspace)
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.workspace = root
        self.followSymbolicLinks = followSymbolicLinks
    }

    func hash(_ arguments: [String]) throws(ExpressionError) -> String {
        let files = try matchingFiles(arguments)
        var total = SHA256()
        for file in files { total.update(data: try digest(of: file, arguments)) }
        return files.isEmpty ? "" : total.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The files hashed, in the order hashed.
    func matchingFiles(_ arguments: [String]) throws(ExpressionError) -> [String] {
        var patterns: [GlobPattern] = []
        let lines = arguments.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines.map({ GlobPattern.trimmed(String($0)) }) where !line.isEmpty && !line.hasPrefix("#") {
            let pattern = try GlobPattern(line, cwd: workspace, home: NSHomeDirectory())
            patterns.append(pattern)
            if let descendants = pattern.descendants { patterns.append(descendants) }
        }
        let manager = FileManager.default
        var stack: [(path: String, level: Int)] = []
        for searchPath in Self.searchPaths(patterns) where (try? manager.attributesOfItem(atPath: searchPath)) != nil {
            stack.insert((searchPath, 1), at: 0)
        }
        var chain: [String] = []
        var files: [String] = []
        while let item = stack.popLast() {
            let matched = Self.match(patterns, item.path)
            let partial = !matched.isEmpty || patterns.contains { !$0.negated && $0.partiallyMatches(item.path) }
            guard partial else { continue }
            guard let isDirectory = try kind(of: item, chain: &chain, arguments) else { continue }
            if isDirectory {
                let names: [String]
                do {
                    names = try manager.contentsOfDirectory(atPath: item.path)
                } catch {
                    throw failure(arguments, "cannot list \(item.path): \(error.localizedDescription)")
                }
                let sorted = names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                let prefix = item.path.hasSuffix("/") ? item.path : item.path + "/"
                stack += sorted.reversed().map { (prefix + $0, item.level + 1) }
            } else if matched.contains(.file) {
                files.append(item.path)
            }
        }
        // hashFiles.ts skips what is outside the workspace and folders (a symbolic link to one).
        return files.filter { file in
            var isDirectory: ObjCBool = false
            return file.hasPrefix(workspace + "/")
                && !(manager.fileExists(atPath: file, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
    }

    /// Whether the item is a folder (nil: skip it), following symbolic links only when asked, and
    /// then skipping broken links and loops.
    private func kind(
        of item: (path: String, level: Int), chain: inout [String], _ arguments: [String]
    ) throws(ExpressionError)
        -> Bool?
    {
        let manager = FileManager.default
        if !followSymbolicLinks {
            guard let attributes = try? manager.attributesOfItem(atPath: item.path) else { return nil }
            return attributes[.type] as? FileAttributeType == .typeDirectory
        }
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: item.path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return false }
        let real = URL(fileURLWithPath: item.path).resolvingSymlinksInPath().path
        while chain.count >= item.level { chain.removeLast() }
        if chain.contains(real) { return nil }
        chain.append(real)
        return true
    }

    private func digest(of file: String, _ arguments: [String]) throws(ExpressionError) -> Data {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw failure(arguments, "cannot read \(file)") }
        defer { try? handle.close() }
        var hash = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        } catch {
            throw failure(arguments, "cannot read \(file): \(error.localizedDescription)")
        }
        return Data(hash.finalize())
    }

    private func failure(_ arguments: [String], _ reason: String) -> ExpressionError {
        let quoted = arguments.joined(separator: ", ").replacingOccurrences(of: "'", with: "''")
        return .evaluation("hashFiles('\(quoted)') failed: \(reason)")
    }

    /// Include and exclude: each pattern in turn adds or removes what it matches.
    static func match(_ patterns: [GlobPattern], _ path: String) -> GlobPattern.Match {
        var result: GlobPattern.Match = []
        for pattern in patterns {
            if pattern.negated {
                result.subtract(pattern.match(path))
            } else {
                result.formUnion(pattern.match(path))
            }
        }
        return result
    }

    /// Where to start: each including pattern's literal folder, without repeats or folders
    /// inside another (`internal-pattern-helper.ts` `getSearchPaths`).
    static func searchPaths(_ patterns: [GlobPattern]) -> [String] {
        let including = patterns.filter { !$0.negated }
        let candidates = Set(including.map(\.searchPath))
        var included: Set<String> = []
        var result: [String] = []
        for pattern in including where !included.contains(pattern.searchPath) {
            var ancestor = (pattern.searchPath as NSString).deletingLastPathComponent
            var current = pattern.searchPath
            var found = false
            while ancestor != current && !ancestor.isEmpty {
                if candidates.contains(ancestor) {
                    found = true
                    break
                }
                current = ancestor
                ancestor = (ancestor as NSString).deletingLastPathComponent
            }
            if !found {
                result.append(pattern.searchPath)
                included.insert(pattern.searchPath)
            }
        }
        return result
    }
}
