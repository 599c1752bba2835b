import Foundation
import Platform
import Testing

@testable import PlenarSandbox

@Suite("Atomic file writes")
struct AtomicFileTests {
    @Test("a new file gets the mode asked for; a rewrite replaces it whole and leaves no temporary file")
    func newAndReplaced() throws {
        let folder = try StateTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keys.json").path
        try AtomicFile.write(Data("first, longer content".utf8), to: path, mode: 0o600)
        try AtomicFile.write(Data("second".utf8), to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["keys.json"])
    }

    @Test("a symlink stays a symlink; the file it names is replaced")
    func followsSymlinks() throws {
        let folder = try StateTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let real = folder.appendingPathComponent("real.json").path
        let link = folder.appendingPathComponent("link.json").path
        try "old".write(toFile: real, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        try AtomicFile.write(Data("new".utf8), to: link, mode: 0o600)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == real)
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "new")
    }

    @Test("a pipe or device (such as /dev/null) is written in place, never replaced by a regular file")
    func specialFilesAreNotReplaced() throws {
        let folder = try StateTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("keys.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write(Data("through the pipe".utf8), to: fifo, mode: 0o600)
        var info = stat()
        #expect(stat(fifo, &info) == 0)
        #expect(info.st_mode & S_IFMT == S_IFIFO)
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = read(reader, &buffer, buffer.count)
        #expect(String(decoding: buffer[0..<max(0, count)], as: UTF8.self) == "through the pipe")
    }
}
