import PlenarAPI

/// Azure Pipelines. The agent sets `TF_BUILD=True` for every process it starts
/// (azure-pipelines-agent src/Agent.Sdk/ProcessInvoker.cs); the variables are the predefined
/// ones as environment variables, `Build.BuildId` as `BUILD_BUILDID`
/// (learn.microsoft.com/azure/devops/pipelines/build/variables). Everything else is a logging
/// command (learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands):
/// `##vso[task.setsecret]` masks, `##vso[task.setvariable variable=NAME]` passes a value to
/// later steps, `##vso[task.uploadsummary]` adds a Markdown file to the run's summary. plenar
/// writes them on stderr: the agent looks for commands on both streams of a step
/// (src/Agent.Worker/Handlers/NodeHandler.cs, `OnDataReceived` on `OutputDataReceived` and
/// `ErrorDataReceived`), and stdout stays clean JSON.
struct AzurePipelinesCI: CIAdapter {
    var provider: String { "azure-pipelines" }
    var name: String { "Azure Pipelines" }
    var masking: CIMasking { .logCommand }

    func isActive(_ environment: [String: String]) -> Bool {
        Self.value(environment, "TF_BUILD") != nil
    }

    func context(_ environment: [String: String]) -> [CIField: String] {
        var fields = Self.fields(
            environment,
            [
                (.repository, "BUILD_REPOSITORY_NAME"), (.sha, "BUILD_SOURCEVERSION"), (.ref, "BUILD_SOURCEBRANCH"),
                (.workflow, "BUILD_DEFINITIONNAME"), (.job, "SYSTEM_JOBDISPLAYNAME"), (.runID, "BUILD_BUILDID"),
                (.runAttempt, "SYSTEM_JOBATTEMPT"), (.actor, "BUILD_REQUESTEDFOR"), (.event, "BUILD_REASON"),
            ])
        // The build's page, as codecov-cli builds it (codecov_cli/helpers/ci_adapters/azure_pipelines.py).
        if let collection = Self.value(environment, "SYSTEM_COLLECTIONURI")
            ?? Self.value(environment, "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI"),
            let project = Self.value(environment, "SYSTEM_TEAMPROJECT"), let build = fields[.runID]
        {
            let base = collection.hasSuffix("/") ? collection : collection + "/"
            let segment = String(decoding: Secret.urlEncoded(Array(project.utf8), uppercaseHex: true, spaceAsPlus: false), as: UTF8.self)
            fields[.runURL] = "\(base)\(segment)/_build/results?buildId=\(build)"
        }
        return fields
    }

    /// The agent's escaping of a command's data and property values
    /// (src/Agent.Sdk/CommandStringConvertor.cs): `%` as `%AZP25` first (decoded by default
    /// since March 2021: docs/design/percentEncoding.md), then `;`, CR, LF and `]`.
    static func escape(_ text: String) -> String {
        text.escapingScalars(["%": "%AZP25", ";": "%3B", "\r": "%0D", "\n": "%0A", "]": "%5D"])
    }

    static func setSecret(_ line: String) -> String {
        "##vso[task.setsecret]\(escape(line))\n"
    }

    static func setVariable(_ name: String, _ value: String) -> String {
        "##vso[task.setvariable variable=\(escape(name))]\(escape(value))\n"
    }

    func announceMasks(_ secrets: [[UInt8]], context: PlenarContext, deadline: Duration) -> [String] {
        var unmasked = false
        for secret in secrets {
            guard let lines = CIMaskText.lines(secret) else {
                unmasked = true
                continue
            }
            context.stderr.write(lines.map(Self.setSecret).joined())
        }
        return unmasked ? [CIMaskText.notText("##vso[task.setsecret]")] : []
    }

    func handoffAfterWrite(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, deadline: Duration, dryRun: Bool) {
        let names = handoff.environment.map(\.0).joined(separator: ", ")
        if dryRun {
            reporter.note("would set the pipeline variables \(names) for later steps (##vso[task.setvariable])")
            return
        }
        context.stderr.write(handoff.environment.map { Self.setVariable($0.0, reporter.redactor.redact($0.1)) }.joined())
    }

    /// The Markdown in a file of its own under `$AGENT_TEMPDIRECTORY` (emptied after each job),
    /// named `plenar-status.md` (the summary's tab takes the file's name), `plenar-status-2.md`
    /// and on when an earlier `status` of the job has one: the agent uploads the file after the
    /// command (`QueueAttachFile`), so it must stay as it is.
    func summary(_ markdown: String, context: PlenarContext, reporter: Reporter, deadline: Duration) {
        guard let folder = context.env("AGENT_TEMPDIRECTORY") else {
            reporter.warning("AGENT_TEMPDIRECTORY is not set: no summary for this run")
            return
        }
        do throws(FileError) {
            var path = folder + "/plenar-status.md"
            var number = 1
            while try context.files.read(path).contents != nil, number < 100 {
                number += 1
                path = folder + "/plenar-status-\(number).md"
            }
            try context.files.append(markdown, to: path)
            context.stderr.write("##vso[task.uploadsummary]\(Self.escape(path))\n")
        } catch {
            reporter.warning("cannot write the summary to \(error.path): \(error.reason)")
        }
    }
}
