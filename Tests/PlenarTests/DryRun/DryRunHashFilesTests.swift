import Foundation
import Testing

@testable import DryRun

/// `hashFiles()` on a real folder: @actions/glob's patterns and order, and the runner's hash
/// (SHA-256 of the files' SHA-256 digests, in order). The expected digests were computed apart
/// from this code (Python's hashlib on the same contents).
@Suite("DryRun hashFiles(): patterns, order and hash as on the runner")
struct DryRunHashFilesTests {
    /// `a.txt` (alpha), `B.txt` (bravo), `b/c.txt`, `b/d.json`, `node_modules/x.txt`, `.hidden/h.txt`.
    static func workspace() throws -> Workspace {
        let workspace = try Workspace(git: false)
        for (path, text) in [
            ("a.txt", "alpha\n"), ("B.txt", "bravo\n"), ("b/c.txt", "charlie\n"), ("b/d.json", "{}\n"), ("node_modules/x.txt", "x\n"),
            (".hidden/h.txt", "h\n"),
        ] {
            try workspace.write(path, text)
        }
        return workspace
    }

    func hash(_ arguments: String, in workspace: Workspace) throws -> String {
        let context = ExpressionContext(values: [
            "github": .object(ExpressionObject([("workspace", .string(workspace.folder.path))]))
        ])
        guard case .string(let hash) = try context.evaluate(ExpressionParser.parse("hashFiles(\(arguments))")) else {
            Issue.record("hashFiles gave a non-string")
            return ""
        }
        return hash
    }

    @Test("the hash is SHA-256 over each file's SHA-256, in the patterns' order; nothing matched is ''")
    func digest() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        // Two literal patterns: two search paths, taken in the order given.
        #expect(try hash("'a.txt', 'B.txt'", in: workspace) == "cf25e9b2c827c5b5acd2ca079f4c9cbb5cea16c8ab0ce1bdeac10037b6960d72")
        #expect(try hash("'B.txt', 'a.txt'", in: workspace) == "f9daa164d91b556f29c67568157bb4ad64266d3d86ce41b15323a8ca6cd7585b")
        // One wildcard: the folder's entries by byte value, so B.txt before a.txt.
        #expect(try hash("'*.txt'", in: workspace) == "f9daa164d91b556f29c67568157bb4ad64266d3d86ce41b15323a8ca6cd7585b")
        // A folder matches everything in it.
        #expect(try hash("'b'", in: workspace) == "f7cfc41dbac6823c7213faab2c681c372af594ae891623c3f4373725ec89855f")
        #expect(try hash("'nothing/**'", in: workspace) == "")
        #expect(try hash("'*.md'", in: workspace) == "")
    }

    @Test("patterns: ** at any depth and dot folders, ! excludes, several patterns and lines, ./ and a leading / ")
    func patterns() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        let root = workspace.folder.path
        func files(_ arguments: [String]) throws -> [String] {
            try HashFiles(workspace: root).matchingFiles(arguments).map { String($0.dropFirst(root.count + 1)) }
        }
        #expect(try files(["**/*.txt"]) == [".hidden/h.txt", "B.txt", "a.txt", "b/c.txt", "node_modules/x.txt"])
        #expect(try files(["**/*.txt", "!node_modules/**"]) == [".hidden/h.txt", "B.txt", "a.txt", "b/c.txt"])
        #expect(try files(["**", "!**/*.txt"]) == ["b/d.json"])
        #expect(try files(["**/*.txt\n!**/[a-z].txt\n# a comment\n"]) == ["B.txt"], "one argument, several lines")
        #expect(try files(["./b/*", "\(root)/a.txt"]) == ["b/c.txt", "b/d.json", "a.txt"])
        #expect(try files(["b/?.txt", "b/*.{txt,json}"]) == ["b/c.txt"], "no braces, as @actions/glob asks minimatch")
        #expect(try files(["/etc/hostname"]) == [], "files outside the workspace are left out")
    }

    @Test("the hash changes with a file's content; --follow-symbolic-links is the one option; . and .. are refused")
    func options() throws {
        let workspace = try Self.workspace()
        defer { workspace.remove() }
        let before = try hash("'**/*.json'", in: workspace)
        try workspace.write("b/d.json", "{\"changed\": true}\n")
        #expect(try hash("'**/*.json'", in: workspace) != before)
        #expect(try hash("'--follow-symbolic-links', 'a.txt'", in: workspace) == hash("'a.txt'", in: workspace))
        #expect(throws: ExpressionError.self) { try hash("'--nope', 'a.txt'", in: workspace) }
        #expect(throws: ExpressionError.self) { try hash("'../a.txt'", in: workspace) }
        #expect(throws: ExpressionError.self) { try hash("'b/./c.txt'", in: workspace) }
        #expect(throws: ExpressionError.evaluation("hashFiles() needs github.workspace, the folder its patterns are relative to")) {
            try ExpressionContext().evaluate(ExpressionParser.parse("hashFiles('a.txt')"))
        }
    }
}
