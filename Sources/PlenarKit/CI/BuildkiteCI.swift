import FoundationEssentials
import PlenarAPI

/// Buildkite. Variables: buildkite.com/docs/pipelines/configure/environment-variables
/// (`BUILDKITE` is "true" in every job). Everything else goes through the job's agent, started
/// through `HelperPrograms` (Platform's spawn) with what is left of the deadline, its input on
/// stdin so no value is in its argv (buildkite/agent, clicommand/):
/// - masking: `buildkite-agent redactor add --format json` reads a JSON object and adds each
///   value to the job's redactor, for the rest of the job's log (redactor_add.go);
/// - values for later steps: `buildkite-agent meta-data set KEY`, the value read from stdin when
///   the argument is left out (meta_data_set.go); later steps read it with `meta-data get KEY`
///   (`meta-data set-batch` is newer than most agents);
/// - summary: `buildkite-agent annotate --context plenar-status` (annotate.go), the body read
///   from stdin; the same context replaces the annotation instead of adding one.
struct BuildkiteCI: CIAdapter {
    static let agent = "buildkite-agent"

    var provider: String { "buildkite" }
    var name: String { "Buildkite" }
    var masking: CIMasking { .agent }

    func isActive(_ environment: [String: String]) -> Bool {
        environment["BUILDKITE"] == "true"
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        var fields = Self.fields(
            environment,
            [
                (.sha, "BUILDKITE_COMMIT"), (.ref, "BUILDKITE_BRANCH"), (.workflow, "BUILDKITE_PIPELINE_SLUG"), (.job, "BUILDKITE_LABEL"),
                (.runID, "BUILDKITE_BUILD_ID"), (.runURL, "BUILDKITE_BUILD_URL"), (.actor, "BUILDKITE_BUILD_CREATOR"),
                (.event, "BUILDKITE_SOURCE"),
            ])
        if fields[.ref] == nil { fields[.ref] = Self.value(environment, "BUILDKITE_TAG") }
        if fields[.job] == nil { fields[.job] = Self.value(environment, "BUILDKITE_STEP_KEY") }
        let slugs = Self.value(environment, "BUILDKITE_ORGANIZATION_SLUG").flatMap { organization in
            fields[.workflow].map { organization + "/" + $0 }
        }
        fields[.repository] = Self.value(environment, "BUILDKITE_REPO").flatMap(GitRemote.slug) ?? slugs
        // BUILDKITE_RETRY_COUNT: "how many times this job has been retried"; attempts count from 1.
        if let retries = Self.value(environment, "BUILDKITE_RETRY_COUNT").flatMap({ Int($0) }), retries >= 0, retries < Int.max {
            fields[.runAttempt] = String(retries + 1)
        }
        // The job's anchor on the build's page, as datadog-ci builds it (src/helpers/ci.ts).
        if let build = fields[.runURL], let job = Self.value(environment, "BUILDKITE_JOB_ID") {
            fields[.jobURL] = "\(build)#\(job)"
        }
        return fields
    }

    func announceMasks(_ secrets: [[UInt8]], context: PlenarContext, deadline: Duration) -> [String] {
        var values: [String: String] = [:]
        var unmasked = false
        for secret in secrets {
            guard let lines = CIMaskText.lines(secret) else {
                unmasked = true
                continue
            }
            for line in lines + (lines.count > 1 ? [String(decoding: secret, as: UTF8.self)] : []) {
                values["plenar_\(values.count + 1)"] = line
            }
        }
        var notes = unmasked ? [CIMaskText.notText("buildkite-agent redactor add")] : []
        guard !values.isEmpty else { return notes }
        let input = (try? JSONEncoder.plenar.encode(values)).map { Array($0) } ?? []
        if let problem = Self.run(["redactor", "add", "--format", "json"], input: input, context: context, deadline: deadline) {
            notes.append("\(problem): later steps that print these values are not masked")
        }
        return notes
    }

    func handoffAfterWrite(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, deadline: Duration, dryRun: Bool) {
        let names = handoff.environment.map(\.0)
        if dryRun {
            reporter.note("would set the build's meta-data \(names.joined(separator: ", ")) (buildkite-agent meta-data set)")
            return
        }
        var set: [String] = []
        for (name, value) in handoff.environment {
            if let problem = Self.run(
                ["meta-data", "set", name], input: Array(reporter.redactor.redact(value).utf8), context: context, deadline: deadline)
            {
                reporter.warning("\(problem): later steps will not see \(name)")
            } else {
                set.append(name)
            }
        }
        if !set.isEmpty {
            reporter.note(
                "set the build's meta-data \(set.joined(separator: ", ")): later steps read each with buildkite-agent meta-data get NAME")
        }
    }

    func summary(_ markdown: String, context: PlenarContext, reporter: Reporter, deadline: Duration) {
        if let problem = Self.run(
            ["annotate", "--style", "info", "--context", "plenar-status"], input: Array(markdown.utf8), context: context, deadline: deadline
        ) {
            reporter.warning("\(problem): no annotation for this build")
        }
    }

    /// Runs `buildkite-agent ARGS` with `input` on its stdin, with what is left until `deadline`;
    /// what went wrong, or nil.
    static func run(_ arguments: [String], input: [UInt8], context: PlenarContext, deadline: Duration) -> String? {
        let command = ([agent] + arguments.prefix(2).prefix { !$0.hasPrefix("-") }).joined(separator: " ")
        let left = deadline - context.clock.now()
        guard left > .zero else { return "\(command) was not run: no time left of PLENAR_TIMEOUT_MS" }
        let outcome = context.helpers.run([agent] + arguments, input: input, environment: context.environment, timeout: left)
        guard outcome.status == 0 else {
            let detail = outcome.problem ?? "exit \(outcome.status ?? -1)"
            let said = outcome.stderr.trimmed.isEmpty ? "" : ": \(String(outcome.stderr.trimmed.prefix(300)).printable)"
            return "\(command) failed (\(detail))\(said)"
        }
        return nil
    }
}
