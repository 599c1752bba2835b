import Foundation
import PlenarAPI
import Testing

/// The built `plenar` binary, run as a CI step would run it.
enum CLI {
    static var executable: String { BuiltProducts.path("plenar") }

    struct Result: Sendable {
        let status: Int32
        let stdout: String
        let stderr: String
        let elapsed: Duration
        /// stdout byte for byte.
        var bytes = Data()

        var output: String { stdout + stderr }
    }

    /// Runs `plenar` with a clean environment: PATH, HOME, the sandbox's URL, the token (when
    /// given) and `environment`, in `directory` (else in a fresh folder removed afterwards, so
    /// `connect` never writes configs into the package).
    static func run(
        _ arguments: [String], api: String?, token: String?, environment: [String: String] = [:], stdin: Data? = nil,
        directory: Workspace? = nil
    ) async throws -> Result {
        // A spool of its own (`XDG_STATE_HOME`), gone afterwards, unless the test shares one between
        // runs: a record one test spooled must never reach another test's sandbox.
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: state) }
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8", "XDG_STATE_HOME": state.path]
        if let api { env["PLENAR_API_URL"] = api }
        if let token { env["PLENAR_TOKEN"] = token }
        env.merge(environment) { _, new in new }
        let workspace = try directory ?? Workspace()
        defer { if directory == nil { workspace.remove() } }
        let clock = ContinuousClock()
        let started = clock.now
        let child = try await ChildProcess.run(executable, arguments, environment: env, stdin: stdin, directory: workspace.folder)
        return Result(status: child.status, stdout: child.stdout, stderr: child.stderr, elapsed: clock.now - started, bytes: child.output)
    }
}

extension CLI {
    /// As `run`, but as an unprivileged user when the tests run as root (root writes anywhere,
    /// so a read-only folder would prove nothing).
    static func runAsUnprivileged(
        _ arguments: [String], api: String?, token: String?, directory: Workspace
    ) async throws -> Result {
        guard getuid() == 0 else { return try await run(arguments, api: api, token: token, directory: directory) }
        var env = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8", "XDG_STATE_HOME": directory.path(".state")]
        if let api { env["PLENAR_API_URL"] = api }
        if let token { env["PLENAR_TOKEN"] = token }
        let started = ContinuousClock.now
        let child = try await ChildProcess.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", executable] + arguments,
            environment: env, directory: directory.folder
        )
        return Result(status: child.status, stdout: child.stdout, stderr: child.stderr, elapsed: ContinuousClock.now - started)
    }
}

/// A throw-away repository folder (with `.git`, so `connect` treats it as the root).
struct Workspace: Sendable {
    let folder: URL

    init(git: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if git { try FileManager.default.createDirectory(at: folder.appendingPathComponent(".git"), withIntermediateDirectories: true) }
    }

    func path(_ file: String) -> String { folder.appendingPathComponent(file).path }

    func read(_ file: String) -> String? { try? String(contentsOfFile: path(file), encoding: .utf8) }

    func bytes(_ file: String) -> Data? { FileManager.default.contents(atPath: path(file)) }

    func write(_ file: String, _ text: String) throws {
        let url = folder.appendingPathComponent(file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Every file below the folder (`.git` aside) with its contents.
    func snapshot() -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let file = enumerator?.nextObject() as? String {
            if file == ".git" || file.hasPrefix(".git/") { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path(file), isDirectory: &isFolder), !isFolder.boolValue {
                result[file] = bytes(file)
            }
        }
        return result
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A throw-away GitHub Actions runner environment: the env files and the variables naming them.
struct RunnerFiles {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["env", "output", "summary"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
    }

    var environment: [String: String] {
        [
            "GITHUB_ACTIONS": "true", "CI": "true",
            "GITHUB_ENV": path("env"), "GITHUB_OUTPUT": path("output"), "GITHUB_STEP_SUMMARY": path("summary"),
            "GITHUB_REPOSITORY": "acme/app", "GITHUB_SHA": "0123456789abcdef", "GITHUB_REF": "refs/heads/main",
            "GITHUB_WORKFLOW": "ci", "GITHUB_JOB": "test", "GITHUB_RUN_ID": "42", "GITHUB_RUN_ATTEMPT": "1", "GITHUB_ACTOR": "alice",
        ]
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func read(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }

    var all: String { read("env") + read("output") + read("summary") }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The raw token, and the part after its prefix, appear nowhere but in the `::add-mask::`
/// command the runner consumes (and never shows) to mask it.
func expectNoSecret(_ token: String?, in texts: String..., sourceLocation: SourceLocation = #_sourceLocation) {
    guard let token, token.count > 8 else { return }
    for text in texts.map(withoutMaskCommands) {
        #expect(!text.contains(token), "the raw token leaked", sourceLocation: sourceLocation)
        #expect(!text.contains(String(token.dropFirst(4))), "the token's body leaked", sourceLocation: sourceLocation)
    }
}

func withoutMaskCommands(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("::add-mask::") }.joined(separator: "\n")
}
