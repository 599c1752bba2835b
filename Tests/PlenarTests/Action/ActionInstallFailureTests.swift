import Foundation
import Testing

/// Every way installing plenar can fail, through the real `action/` files in the dry run, on a
/// runner without plenar: the job is never red for an install (a warning, `connected=false`, the
/// wrapped command still runs and its status is its own, signal skips), unless `required: true`.
@Suite("The action when plenar cannot be installed: a warning, not a red job")
struct ActionInstallFailureTests {
    enum Failure: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case noSwift, unsupportedSystem, windows, failedDownload, checksumMismatch, failedBuild
        var testDescription: String { rawValue }

        /// What the install step's message says.
        var cause: String {
            switch self {
            case .noSwift: "no release archive is pinned for linux-"
            case .unsupportedSystem: "no plenar for FreeBSD amd64 (plenar runs on Linux and macOS, x86_64 and arm64)"
            case .windows: "plenar does not run on Windows yet"
            case .failedDownload: "cannot download http://127.0.0.1:"
            case .checksumMismatch: "the downloaded archive failed its checksum"
            case .failedBuild: "building plenar \(ActionInstallFailureTests.version) from source failed"
            }
        }
    }

    static let version =
        (try? String(contentsOf: PackageRoot.url.appendingPathComponent("action/VERSION"), encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""

    /// The archive name this machine's installer asks for.
    static var archiveName: String {
        #if arch(arm64)
        "plenar-\(version)-linux-arm64.tar.gz"
        #else
        "plenar-\(version)-linux-x86_64.tar.gz"
        #endif
    }

    static func workflow(required: Bool) -> String {
        ActionDryRunTests.job(
            """
            - name: Connect
              id: plenar
              uses: plenar/plenar-ci/action@0123456789012345678901234567890123456789
              with:
                key: ${{ secrets.PLENAR_TOKEN }}
                required: \(required)
            - name: Wrapped
              id: wrapped
              continue-on-error: true
              uses: ./action/run
              with:
                command: echo "the command ran"; exit 3
            - name: Signal
              id: signal
              uses: ./action/signal
              with:
                kind: ci_finished
            - run: echo "connected=${{ steps.plenar.outputs.connected }} exit-code=${{ steps.wrapped.outputs.exit-code }} outcome=${{ steps.wrapped.outcome }} sent=${{ steps.signal.outputs.sent }}"
            """)
    }

    /// Runs the workflow with `failure` arranged: fake `uname` or `swift` first on PATH, checksums
    /// and download URL through the environment, and (for a download) a loopback server.
    static func run(_ failure: Failure, required: Bool) async throws -> ActionDryRunTests.Outcome {
        let setup = try await InstallScriptTests.Setup()
        defer { setup.remove() }
        let tools = setup.folder.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        func tool(_ name: String, _ script: String) throws {
            try ExecutableFile.write("#!/bin/sh\n\(script)\n", to: tools.appendingPathComponent(name).path)
        }
        let checksums = setup.folder.appendingPathComponent("checksums.txt")
        let pinned = try await failure == .checksumMismatch ? String(repeating: "0", count: 64) : setup.sha256
        try Data("# pinned\n\(pinned)  \(setup.archiveName)\n".utf8).write(to: checksums)
        let empty = setup.folder.appendingPathComponent("none.txt")
        try Data("# nothing pinned\n".utf8).write(to: empty)
        var env = ["PLENAR_CHECKSUMS_FILE": empty.path]
        switch failure {
        case .noSwift: break
        case .unsupportedSystem: try tool("uname", #"case "$1" in -m) echo amd64 ;; *) echo FreeBSD ;; esac"#)
        case .windows: try tool("uname", #"case "$1" in -m) echo x86_64 ;; *) echo MINGW64_NT-10.0-20348 ;; esac"#)
        case .failedBuild:
            try tool(
                "swift",
                #"if [ "$1" = --version ]; then echo "Swift version 6.3.1 (a test double)"; exit 0; fi; echo "error: a build that fails" >&2; exit 1"#
            )
        case .failedDownload, .checksumMismatch: env["PLENAR_CHECKSUMS_FILE"] = checksums.path
        }
        let files = failure == .checksumMismatch ? [setup.archiveName: setup.archive] : [:]
        let common = env
        return try await InstallScriptTests.serving(files) { url in
            try await RunningSandbox.process { sandbox in
                try await ActionDryRunTests.dryRun(
                    sandbox, key: try sandbox.token("org_demo"), workflow: workflow(required: required), plenarOnPath: false,
                    env: common.merging(["PLENAR_DOWNLOAD_URL": url]) { $1 }, pathPrefix: tools.path
                )
            }
        }
    }

    @Test(
        "the job passes: a warning naming the cause, connected=false, the command runs with its own status, signal skips",
        arguments: Failure.allCases)
    func warns(_ failure: Failure) async throws {
        let outcome = try await Self.run(failure, required: false)
        let log = outcome.log
        #expect(outcome.result.status == 0, "\(log)")
        #expect(log.contains("Warning: plenar not installed: plenar: \(failure.cause)"), "\(log)")
        #expect(log.contains("set required: true to fail instead"))
        #expect(log.contains("the command ran"))
        #expect(log.contains("plenar is not installed: running the command without plenar's masking"), "\(log)")
        #expect(log.contains("connected=false exit-code=3 outcome=failure sent=false"), "\(log)")
        #expect(!log.contains("Error: plenar"), "\(log)")
        if failure == .checksumMismatch {
            #expect(log.contains("SECURITY: \(Self.archiveName) from http://127.0.0.1:"), "\(log)")
            #expect(log.contains("it may have been tampered with, so it was deleted, not installed"))
        }
        if failure == .failedBuild { #expect(log.contains("error: a build that fails")) }
    }

    @Test("required: true turns each into an error that fails the job before the command", arguments: Failure.allCases)
    func requiredFails(_ failure: Failure) async throws {
        let outcome = try await Self.run(failure, required: true)
        let log = outcome.log
        #expect(outcome.result.status == 1, "\(log)")
        #expect(log.contains("Error: plenar not installed: plenar: \(failure.cause)"), "\(log)")
        #expect(log.contains("(required is true)"))
        #expect(!log.contains("the command ran"), "\(log)")
        if failure == .checksumMismatch { #expect(log.contains("it may have been tampered with, so it was deleted, not installed")) }
    }
}
