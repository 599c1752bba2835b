import Foundation
import PlenarAPI
import Testing

/// `action/templates/plenar-release.yml` as shipped, run by the local run against a real sandbox:
/// the records a release leaves in Plenar, the publish step's status, and its registry token masked.
@Suite("The release template, rehearsed against the sandbox")
struct ReleaseTemplateTests {
    static let template = PackageRoot.url.appendingPathComponent("action/templates/plenar-release.yml")
    static let registryToken = "npm_Rel3aseT0kenThatMustNeverShow0001"

    /// The template with a build and a publish step of the caller's; the publish step prints the registry token.
    static func rehearse(
        _ sandbox: RunningSandbox, publish: String, event: String = "push", arguments: [String]
    ) async throws -> ActionDryRunTests.Outcome {
        let workflow = try String(contentsOf: template, encoding: .utf8)
        return try await ActionDryRunTests.dryRun(
            sandbox, key: try sandbox.token("org_demo"), event: event, workflow: workflow,
            arguments: arguments + [
                "--secret", "NPM_TOKEN=\(registryToken)",
                "--var", "BUILD_COMMAND=echo built",
                "--var", "PUBLISH_COMMAND=\(publish)",
            ])
    }

    static func signals(_ sandbox: RunningSandbox, kind: String) async throws -> [JSONValue] {
        try await sandbox.events().filter { $0["type"] == .string("signal") && $0["body"]?["kind"] == .string(kind) }
    }

    @Test("a v* tag: release_started and release_finished carry the version, tag and duration; the token is masked")
    func tagRelease() async throws {
        try await RunningSandbox.process { sandbox in
            let outcome = try await Self.rehearse(
                sandbox, publish: #"echo "publishing with $NPM_TOKEN""#, arguments: ["--ref", "refs/tags/v1.2.3"])
            #expect(outcome.result.status == 0, "\(outcome.log)")
            #expect(outcome.log.contains("publishing with ***"), "\(outcome.log)")
            #expect(!outcome.log.contains(Self.registryToken), "the registry token never shows")

            let started = try #require(try await Self.signals(sandbox, kind: "release_started").first, "\(outcome.log)")
            let attributes = started["body"]?["attributes"]
            #expect(attributes?["version"] == .string("1.2.3"))
            #expect(attributes?["tag"] == .string("v1.2.3"))
            #expect(attributes?["environment"] == .string("release"))
            let finished = try #require(try await Self.signals(sandbox, kind: "release_finished").first, "\(outcome.log)")
            #expect(finished["body"]?["status"] == .string("success"))
            #expect(finished["body"]?["attributes"]?["version"] == .string("1.2.3"))
            guard case let .string(duration)? = finished["body"]?["attributes"]?["duration_ms"] else {
                Issue.record("release_finished has no duration_ms: \(finished)")
                return
            }
            #expect(!duration.isEmpty && duration.allSatisfy(\.isNumber), "duration_ms is whole milliseconds: \(duration)")
            #expect(try await Self.signals(sandbox, kind: "release_failed").isEmpty)

            let runs = try await sandbox.events().filter { $0["type"] == .string("run") }
            #expect(runs.map { $0["body"]?["name"] } == [.string("build"), .string("publish")])
        }
    }

    @Test("a failing publish: release_failed, the job fails with the publish step's status, nothing says finished")
    func failedPublish() async throws {
        try await RunningSandbox.process { sandbox in
            let outcome = try await Self.rehearse(
                sandbox, publish: #"echo "token $NPM_TOKEN rejected" >&2; exit 7"#, arguments: ["--ref", "refs/tags/v1.2.3"])
            #expect(outcome.result.status == 1, "the job fails: \(outcome.log)")
            #expect(outcome.log.contains("Process completed with exit code 7."), "\(outcome.log)")
            #expect(outcome.log.contains("token *** rejected"), "\(outcome.log)")
            #expect(!outcome.log.contains(Self.registryToken))

            let failed = try #require(try await Self.signals(sandbox, kind: "release_failed").first, "\(outcome.log)")
            #expect(failed["body"]?["status"] == .string("failure"))
            #expect(failed["body"]?["attributes"]?["version"] == .string("1.2.3"))
            #expect(try await Self.signals(sandbox, kind: "release_finished").isEmpty)
            let publish = try await sandbox.events().filter { $0["type"] == .string("run") && $0["body"]?["name"] == .string("publish") }
            #expect(publish.last?["body"]?["exit_code"] == .number(7))
        }
    }

    @Test("by hand (workflow_dispatch with a version input): the version is the input's, and there is no tag")
    func dispatchedRelease() async throws {
        try await RunningSandbox.process { sandbox in
            let outcome = try await Self.rehearse(
                sandbox, publish: "echo published", event: "workflow_dispatch",
                arguments: ["--input", "version=2.0.0", "--ref", "refs/heads/main"])
            #expect(outcome.result.status == 0, "\(outcome.log)")
            let started = try #require(try await Self.signals(sandbox, kind: "release_started").first, "\(outcome.log)")
            #expect(started["body"]?["attributes"]?["version"] == .string("2.0.0"))
            #expect(started["body"]?["attributes"]?["tag"] == .string(""))
        }
    }
}
