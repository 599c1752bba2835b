import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// `action/scripts/install.sh` against a real HTTP server on loopback serving a real archive of the
/// built plenar: a pinned checksum that matches installs; one that does not installs nothing and
/// warns (exit 0), or fails with `PLENAR_REQUIRED=true`.
@Suite("The action's installer: pinned checksums, nothing installed on a mismatch")
struct InstallScriptTests {
    static let script = PackageRoot.url.appendingPathComponent("action/scripts/install.sh").path

    struct Setup {
        let folder: URL
        let archiveName: String
        let archive: Data
        let version: String

        init() async throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-install-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("pack"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("runner"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: CLI.executable, toPath: folder.appendingPathComponent("pack/plenar").path)
            version = try await ChildProcess.run(CLI.executable, ["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #if arch(arm64)
            archiveName = "plenar-\(version)-linux-arm64.tar.gz"
            #else
            archiveName = "plenar-\(version)-linux-x86_64.tar.gz"
            #endif
            let tar = try await ChildProcess.run(
                "/bin/tar",
                ["-czf", folder.appendingPathComponent(archiveName).path, "-C", folder.appendingPathComponent("pack").path, "plenar"])
            try #require(tar.status == 0, "tar: \(tar.stderr)")
            archive = try Data(contentsOf: folder.appendingPathComponent(archiveName))
        }

        var sha256: String {
            get async throws {
                let sum = try await ChildProcess.run("/usr/bin/sha256sum", [folder.appendingPathComponent(archiveName).path])
                return String(sum.stdout.prefix(64))
            }
        }

        func install(pinning checksum: String, from url: String, required: Bool = false) async throws -> (ChildProcess, githubPath: String)
        {
            let checksums = folder.appendingPathComponent("checksums.txt")
            try Data("# pinned\n\(checksum)  \(archiveName)\n".utf8).write(to: checksums)
            let githubPath = folder.appendingPathComponent("runner/path")
            try Data().write(to: githubPath)
            let result = try await ChildProcess.run(
                "/bin/bash", [InstallScriptTests.script, "install"],
                environment: [
                    "PATH": "/usr/bin:/bin", "HOME": folder.path,
                    "PLENAR_VERSION": version, "PLENAR_DOWNLOAD_URL": url, "PLENAR_CHECKSUMS_FILE": checksums.path,
                    "RUNNER_TEMP": folder.appendingPathComponent("runner").path, "GITHUB_PATH": githubPath.path,
                    "PLENAR_REQUIRED": String(required),
                ])
            return (result, (try? String(contentsOf: githubPath, encoding: .utf8)) ?? "")
        }

        var installed: String { folder.appendingPathComponent("runner/plenar-\(version)/bin/plenar").path }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }

    /// Serves `files` by name on a free loopback port, counting requests.
    static func serving<T: Sendable>(_ files: [String: Data], _ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.get(":file") { _, context -> Response in
            guard let name = context.parameters.get("file"), let data = files[name] else { return Response(status: .notFound) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) }
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            var iterator = ports.stream.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            let result = try await body("http://127.0.0.1:\(port)")
            group.cancelAll()
            return result
        }
    }

    @Test("a pinned checksum that matches: downloaded, installed, and put on GITHUB_PATH")
    func goodChecksum() async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let (result, path) = try await Self.serving([setup.archiveName: setup.archive]) { url in
            try await setup.install(pinning: try await setup.sha256, from: url)
        }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("Installed plenar \(setup.version)"))
        #expect(path == URL(fileURLWithPath: setup.installed).deletingLastPathComponent().path + "\n")
        #expect(try await ChildProcess.run(setup.installed, ["--version"]).stdout == setup.version + "\n")
    }

    @Test(
        "a checksum that does not match: nothing installed, a security warning, exit 0; with required, an error, exit 1",
        arguments: [false, true])
    func badChecksum(required: Bool) async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let wrong = String(repeating: "0", count: 64)
        let (result, path) = try await Self.serving([setup.archiveName: setup.archive]) { url in
            try await setup.install(pinning: wrong, from: url, required: required)
        }
        #expect(result.status == (required ? 1 : 0), "\(result.stdout)\(result.stderr)")
        let actual = try await setup.sha256
        #expect(
            result.stdout.contains("::warning title=plenar: checksum mismatch::SECURITY: \(setup.archiveName) from "), "\(result.stdout)")
        #expect(result.stdout.contains("has SHA-256 \(actual), not the \(wrong) pinned in this action"))
        #expect(result.stdout.contains(required ? "::error title=plenar not installed::" : "::warning title=plenar not installed::"))
        #expect(!FileManager.default.fileExists(atPath: setup.installed))
        #expect(path.isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: setup.folder.appendingPathComponent("runner").path)
        #expect(leftovers.allSatisfy { !$0.hasPrefix("plenar-download") }, "the download is deleted: \(leftovers)")
    }

    @Test(
        "an archive that cannot be downloaded: a warning, exit 0, nothing installed; with required, an error, exit 1",
        arguments: [false, true])
    func missingArchive(required: Bool) async throws {
        let setup = try await Setup()
        defer { setup.remove() }
        let (result, path) = try await Self.serving([:]) { url in
            try await setup.install(pinning: try await setup.sha256, from: url, required: required)
        }
        #expect(result.status == (required ? 1 : 0))
        #expect(
            result.stdout.contains("::\(required ? "error" : "warning") title=plenar not installed::plenar: cannot download"),
            "\(result.stdout)")
        #expect(result.stdout.contains("installed=false") == false, "outputs go to GITHUB_OUTPUT, not stdout")
        #expect(!FileManager.default.fileExists(atPath: setup.installed) && path.isEmpty)
    }

    @Test("the action's VERSION is the CLI's version")
    func versions() async throws {
        let version = try String(contentsOf: PackageRoot.url.appendingPathComponent("action/VERSION"), encoding: .utf8)
        #expect(try await ChildProcess.run(CLI.executable, ["--version"]).stdout == version)
    }
}
