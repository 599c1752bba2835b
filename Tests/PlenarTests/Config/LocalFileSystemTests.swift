import Foundation
import Testing

@testable import PlenarKit

@Suite("LocalFileSystem: atomic, locked, all-or-nothing config writes")
struct LocalFileSystemTests {
    @Test("8 concurrent updates of one file, each adding its own member: none is lost")
    func lockedUpdates() async throws {
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("shared.json", "{\"members\": {}}\n")
        let path = repo.path("shared.json")
        let root = repo.folder.path
        // Each writer on a thread of its own: flock blocks, and must not block the task pool.
        let errors = await withTaskGroup(of: String?.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    await OffPool.run { () -> String? in
                        do {
                            for round in 0..<5 {
                                try LocalFileSystem().update([path], under: root) { snapshots throws(Failure) in
                                    let document: JSONCDocument
                                    do { document = try JSONCDocument(snapshots[0].contents ?? [], allowsComments: false) } catch {
                                        throw .configFile(path: path, reason: "\(error)")
                                    }
                                    do {
                                        let next = try document.setting(["members", "w\(writer)r\(round)"], to: .bool(true), force: false)
                                        return [FileWrite(snapshot: snapshots[0], contents: next ?? snapshots[0].contents!)]
                                    } catch let error as EditRefusal {
                                        throw .configFile(path: path, reason: error.reason)
                                    } catch {
                                        throw .configFile(path: path, reason: "\(error)")
                                    }
                                }
                            }
                            return nil
                        } catch {
                            return "\(error)"
                        }
                    }
                }
            }
            return await group.reduce(into: [String]()) { if let error = $1 { $0.append(error) } }
        }
        #expect(errors.isEmpty)
        let document = try JSONCDocument(Array(try #require(repo.read("shared.json")).utf8), allowsComments: false)
        guard case let .object(members)? = document.node(at: ["members"])?.kind else {
            Issue.record("members is gone")
            return
        }
        #expect(members.count == 40, "every writer's every member survives")
        #expect(repo.snapshot().keys.sorted() == ["shared.json"], "no temporary file left")
    }

    @Test("a failure before the renames changes nothing: temporary files and new folders are removed")
    func allOrNothing() throws {
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("a.json", "{}\n")
        // A regular file where a folder must be: the second write cannot be staged.
        try repo.write("blocked", "not a folder")
        let writes = { (snapshots: [FileSnapshot]) throws(Failure) -> [FileWrite] in
            snapshots.map { FileWrite(snapshot: $0, contents: Array("{\"new\": true}\n".utf8)) }
        }
        #expect(throws: Failure.self) {
            try LocalFileSystem().update(
                [repo.path("a.json"), repo.path("new/folder/b.json"), repo.path("blocked/c.json")], under: repo.folder.path, writes)
        }
        #expect(repo.read("a.json") == "{}\n")
        #expect(repo.snapshot().keys.sorted() == ["a.json", "blocked"], "no temporary file, no folder made for b.json")
        #expect(!FileManager.default.fileExists(atPath: repo.path("new")))
    }

    @Test("a file with another hard link is rewritten in place: the link stays, with the new contents and the mode asked for")
    func hardLinkKept() throws {
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("elsewhere/mcp.json", "{\"old\": true, \"longer\": \"than the new text\"}\n")
        #expect(link(repo.path("elsewhere/mcp.json"), repo.path(".mcp.json")) == 0)
        let snapshot = try LocalFileSystem().read(repo.path(".mcp.json"))
        try LocalFileSystem().update([repo.path(".mcp.json")], under: repo.folder.path) { _ throws(Failure) in
            [FileWrite(snapshot: snapshot, contents: Array("{\"new\": true}\n".utf8), mode: 0o600)]
        }
        #expect(repo.read(".mcp.json") == "{\"new\": true}\n")
        #expect(repo.read("elsewhere/mcp.json") == "{\"new\": true}\n", "the other name sees the change: still one file")
        var info = stat()
        #expect(stat(repo.path(".mcp.json"), &info) == 0 && info.st_nlink == 2 && info.st_mode & 0o7777 == 0o600)
        #expect(repo.snapshot().keys.sorted() == [".mcp.json", "elsewhere/mcp.json"], "no temporary file left")
    }

    @Test("two names of one file (a hard link) read as one file")
    func hardLinkIdentity() throws {
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("a.json", "{}")
        try repo.write("b.json", "{}")
        #expect(link(repo.path("a.json"), repo.path("c.json")) == 0)
        let (a, b, c) = (
            try LocalFileSystem().read(repo.path("a.json")), try LocalFileSystem().read(repo.path("b.json")),
            try LocalFileSystem().read(repo.path("c.json"))
        )
        #expect(a.identity != nil && a.identity == c.identity && a.identity != b.identity)
        #expect(a.links == 2 && b.links == 1)
    }

    @Test("the repository root is the nearest folder with .git")
    func root() throws {
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("deep/er/file", "")
        #expect(LocalFileSystem.root(from: repo.path("deep/er")) == repo.folder.path)
        let outside = try Workspace(git: false)
        defer { outside.remove() }
        #expect(LocalFileSystem.root(from: outside.folder.path) == outside.folder.path, "no repository: the folder itself")
    }

    @Test("a FIFO where a config belongs is refused at once, not waited on")
    func fifo() throws {
        let repo = try Workspace()
        defer { repo.remove() }
        #expect(mkfifo(repo.path(".mcp.json"), 0o644) == 0)
        #expect(throws: FileError(path: repo.path(".mcp.json"), reason: "not a regular file", action: "read")) {
            try LocalFileSystem().read(repo.path(".mcp.json"))
        }
    }

    @Test("--force's backup never replaces an earlier backup")
    func backups() throws {
        let repo = try Workspace()
        defer { repo.remove() }
        try repo.write("c.json", "old")
        try repo.write("c.json.bak", "older")
        let snapshot = try LocalFileSystem().read(repo.path("c.json"))
        try LocalFileSystem().update([repo.path("c.json")], under: repo.folder.path) { _ throws(Failure) in
            [FileWrite(snapshot: snapshot, contents: Array("new".utf8), backup: true)]
        }
        #expect(repo.read("c.json") == "new" && repo.read("c.json.bak") == "older" && repo.read("c.json.bak.1") == "old")
    }
}
