import PlenarAPI

/// How a CI masks a value in the job's log from the moment it learns it.
enum CIMasking: Equatable, Sendable {
    /// A line the runner reads and consumes (GitHub's `::add-mask::`, Azure's
    /// `##vso[task.setsecret]`): written at once, before anything could show the value.
    case logCommand
    /// A call to the CI's agent (Buildkite's `buildkite-agent redactor add`): a process, bounded
    /// by the deadline, so `plenar run` makes it after its command, never before.
    case agent
    /// None: only `plenar run` masks, in its command's output.
    case none
}

/// What `connect` hands to later steps of the job. Never the key, except `secretEnvironment`.
struct CIHandoff {
    /// `PLENAR_API_URL` and `PLENAR_PROJECT_ID`, as environment variables of later steps.
    var environment: [(String, String)]
    /// Step outputs, where the CI has them (GitHub: `organization`, `mode`, `project-id`).
    var outputs: [(String, String)] = []
    /// After an OIDC exchange, the derived key and its expiry (GitHub), masked before.
    var secretEnvironment: [(String, String)] = []
}

/// One CI, as plenar uses it: how to tell it runs this job, the run context sent with every
/// record, masking at run time, passing values to later steps, and a summary. One conformance per
/// CI; `CIAdapters` finds the one in charge, lazily (a tokenless `signal` never asks). The
/// adapter is the one place that writes its CI's mask commands.
protocol CIAdapter: Sendable {
    /// `provider` in the `ci` object.
    var provider: String { get }
    /// The CI's name in messages.
    var name: String { get }
    /// Whether this job runs under this CI, from the variables the CI documents.
    func isActive(_ environment: [String: String]) -> Bool
    /// The run context (`provider` aside), from the CI's documented variables; never secrets.
    func context(_ environment: [String: String]) -> [CIField: String]
    var masking: CIMasking { get }
    /// Masks each secret in the job's log from now on (the lines of a multi-line one too), within
    /// `deadline` (an instant of `context.clock`); returns warnings (what could not be masked).
    func announceMasks(_ secrets: [[UInt8]], context: PlenarContext, deadline: Duration) -> [String]
    /// Files to append so later steps see the values: written with connect's config files, all
    /// or none. With `dryRun`, none: it says what it would do.
    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend]
    /// What is done once those files are written: log commands, agent calls.
    func handoffAfterWrite(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, deadline: Duration, dryRun: Bool)
    /// Shows `markdown` (already redacted) on the run's page (`status`).
    func summary(_ markdown: String, context: PlenarContext, reporter: Reporter, deadline: Duration)
}

extension CIAdapter {
    func announceMasks(_ secrets: [[UInt8]], context: PlenarContext, deadline: Duration) -> [String] {
        []
    }

    /// Said once where the CI cannot mask at run time.
    var noMaskingNote: String? {
        guard masking == .none else { return nil }
        return
            "\(name) cannot mask a value at run time: only plenar run masks these values, in its command's output, so a later step that prints one shows it"
    }

    func handoffAppends(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, dryRun: Bool) throws(Failure) -> [FileAppend] {
        []
    }

    func handoffAfterWrite(_ handoff: CIHandoff, context: PlenarContext, reporter: Reporter, deadline: Duration, dryRun: Bool) {}

    func summary(_ markdown: String, context: PlenarContext, reporter: Reporter, deadline: Duration) {}

    var masking: CIMasking { .none }

    /// A variable's value; empty is unset.
    static func value(_ environment: [String: String], _ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// The run context's fields read from the variables named, empty values left out.
    static func fields(_ environment: [String: String], _ names: [(CIField, String)]) -> [CIField: String] {
        var fields: [CIField: String] = [:]
        for (field, variable) in names {
            if let value = environment[variable], !value.isEmpty { fields[field] = value }
        }
        return fields
    }

    /// One appended file of `NAME=value` lines (GitLab's dotenv report, Bitbucket's shared
    /// variables), named by `variable`; a note instead when the variable is unset. A name that is
    /// not `[A-Za-z0-9_]+` or a value with a line break is refused: the file is read line by line.
    static func variableLines(
        _ entries: [(String, String)], file variable: String, format: (String, String) -> String, unset: String, reporter: Reporter,
        dryRun: Bool, context: PlenarContext
    ) throws(Failure) -> [FileAppend] {
        guard let path = context.env(variable) else {
            reporter.note(unset)
            return []
        }
        for (name, value) in entries {
            guard !name.isEmpty,
                name.unicodeScalars.allSatisfy({ $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }),
                !value.contains(where: \.isNewline)
            else {
                throw .localFile(FileError(path: "$\(variable) (\(path))", reason: "\(name) cannot be written as one NAME=value line"))
            }
        }
        if dryRun {
            reporter.note("$\(variable) (\(path)) would get \(entries.map(\.0).joined(separator: ", "))")
            return []
        }
        let text = entries.map { format($0.0, $0.1) }.joined()
        return [FileAppend(path: path, text: reporter.redactor.redact(text), shownAs: "$\(variable) (\(path))")]
    }
}

/// The text of a secret a CI can take: each of its lines long enough to mask (3 bytes or more;
/// a shorter one would mask ordinary text), as CIs mask line by line; nil when it is not UTF-8,
/// since every CI's mask command or agent takes text, and a value that is not UTF-8 would become
/// another string (U+FFFD for its bad bytes), one the log never holds.
enum CIMaskText {
    static func lines(_ secret: [UInt8]) -> [String]? {
        guard String(validating: secret, as: UTF8.self) != nil else { return nil }
        return Secret.lines(of: secret).filter { $0.count >= RedactionPolicy.minimumExplicitLength }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    /// The note for values a CI could not be told.
    static func notText(_ what: String) -> String {
        "a masked value is not UTF-8: it is masked in this command's output, but \(what) takes only text, so later steps that print it are not masked"
    }
}

/// `owner/name` from a git remote URL (`https://host/owner/name.git`, `git@host:owner/name.git`,
/// `ssh://git@host:22/owner/name`): the last two path parts, after the host and without any user
/// name or password, so a credential in the URL never reaches the run context. Nil when the
/// path has fewer than two parts. (codecov-cli parses `BUILDKITE_REPO` the same way:
/// codecov_cli/helpers/ci_adapters/buildkite.py, `_parse_slug_from_repo`.)
enum GitRemote {
    static func slug(_ url: String) -> String? {
        var rest = Substring(url.trimmed)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var parts = rest.split(whereSeparator: { $0 == "/" || $0 == ":" }).dropFirst()
        if parts.last == ".git" { parts = parts.dropLast() }
        guard parts.count >= 2, var name = parts.last.map(String.init) else { return nil }
        if name.hasSuffix(".git") { name.removeLast(4) }
        let owner = String(parts[parts.index(parts.endIndex, offsetBy: -2)])
        guard !name.isEmpty, !owner.isEmpty else { return nil }
        return owner + "/" + name
    }
}
