import ArgumentParser
import PlenarAPI
import PlenarKit

struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "List, create, revoke and rotate keys. Needs a login session (plenar login): an API key never manages keys.",
        subcommands: [KeysList.self, KeysCreate.self, KeysRevoke.self, KeysRotate.self]
    )
}

struct KeysOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A login session pls_… (default: $PLENAR_TOKEN, else the login file).", valueName: "key"))
    var key: String?

    @Flag(help: "Print JSON on stdout.")
    var json = false
}

struct HandoverOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the new key to this file (mode 0600) instead of stdout.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Hand the new key to `gh secret set NAME` on its stdin instead of stdout.", valueName: "name"))
    var ghSecret: String?

    @Option(help: ArgumentHelp("The repository for --gh-secret (default: gh's own, the current repository).", valueName: "owner/name"))
    var repo: String?

    func validate() throws {
        if out != nil, ghSecret != nil { throw ValidationError("use --out or --gh-secret, not both") }
        if repo != nil, ghSecret == nil { throw ValidationError("--repo goes with --gh-secret") }
    }

    var handover: Handover {
        if let out { return .file(out) }
        if let ghSecret { return .ghSecret(name: ghSecret, repo: repo) }
        return .stdout
    }
}

struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "The organization's keys and your personal tokens, with last use.")

    @OptionGroup var options: KeysOptions

    func run() throws {
        try finish(KeysCommand(action: .list, key: options.key, json: options.json).run(.live()))
    }
}

struct KeysCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an org key or personal token; its plaintext goes to stdout once, to --out, or to --gh-secret.",
        discussion: """
            Examples:
              plenar keys create --description "CI for acme/app" --projects PLEN-DEMO --gh-secret PLENAR_TOKEN --repo acme/app
              plenar keys create --kind personal --description laptop --expires 30 --out ~/.plenar-key
            """
    )

    @Option(help: "What the key is for; rotation keeps it.")
    var description: String

    @Option(help: ArgumentHelp("org (an organization key, default) or personal (a personal token).", valueName: "kind"))
    var kind = "org"

    @Option(help: ArgumentHelp("Expiry in days: 30, 90, 180, 365, or never (default: 90).", valueName: "days"))
    var expires = "90"

    @Option(help: ArgumentHelp("all, or a comma-separated allowlist of project keys (default: all).", valueName: "list"))
    var projects = "all"

    @Option(
        help: ArgumentHelp(
            "Comma-separated scopes (default: all of signals:write, hooks:write, runs:write, projects:read).", valueName: "list"))
    var scopes: String?

    @OptionGroup var handover: HandoverOptions
    @OptionGroup var options: KeysOptions

    func validate() throws {
        guard ["org", "personal"].contains(kind) else { throw ValidationError("--kind must be org or personal") }
        guard expires == "never" || Int(expires).map(CreateKeyRequest.expiryPeriods.contains) == true else {
            throw ValidationError("--expires must be 30, 90, 180, 365 or never")
        }
        for name in scopeNames where Scope(rawValue: name) == nil {
            throw ValidationError("unknown scope \(name); known: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    private var scopeNames: [String] {
        scopes.map { $0.split(separator: ",").map { String($0.filter { !$0.isWhitespace }) } } ?? []
    }

    func run() throws {
        let spec = KeySpec(
            kind: kind == "personal" ? .personal : .org, description: description, expiresInDays: Int(expires),
            projects: projects == "all" ? nil : projects.split(separator: ",").map(String.init),
            scopes: scopes == nil ? nil : scopeNames.compactMap(Scope.init(rawValue:))
        )
        try finish(KeysCommand(action: .create(spec, handover.handover), key: options.key, json: options.json).run(.live()))
    }
}

struct KeysRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key now: its next request gets 401.")

    @Argument(help: "The key's id (key_…), from plenar keys list.")
    var id: String

    @OptionGroup var options: KeysOptions

    func run() throws {
        try finish(KeysCommand(action: .revoke(id), key: options.key, json: options.json).run(.live()))
    }
}

struct KeysRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace a key, hand the new one over, verify it, and revoke the old one only if nothing used it since.",
        discussion: """
            Steps (each printed): read the old key; create a replacement with the same \
            description, kind, scopes, projects and expiry period; hand it over (stdout, --out or \
            --gh-secret); verify it with a status probe; check the old key's last use; revoke it \
            only if it did not change since before the handover. If it did, nothing is revoked: \
            the last use and its IP are shown and the exit status is 3. --wait watches the old \
            key that long before revoking. A re-run resumes and never mints a third key.
            """
    )

    @Argument(help: "The id of the key to replace (key_…).")
    var id: String

    @Option(help: ArgumentHelp("Watch the old key this long (such as 10m) and revoke it only if it stays unused.", valueName: "duration"))
    var wait: String?

    @OptionGroup var handover: HandoverOptions
    @OptionGroup var options: KeysOptions

    func validate() throws {
        if let wait, DurationText.parse(wait) == nil { throw ValidationError("--wait \(wait) is not a duration such as 30s, 10m or 1h") }
    }

    func run() throws {
        let action = KeysCommand.Action.rotate(id, handover.handover, wait: wait.flatMap(DurationText.parse))
        try finish(KeysCommand(action: action, key: options.key, json: options.json).run(.live()))
    }
}
