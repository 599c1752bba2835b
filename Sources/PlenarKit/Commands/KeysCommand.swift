import FoundationEssentials
import PlenarAPI

/// Where a new key's plaintext goes: stdout once, a 0600 file, or `gh secret set` on stdin (so it
/// never touches disk or argv).
public enum Handover: Equatable, Sendable {
    case stdout
    case file(String)
    case ghSecret(name: String, repo: String?)

    static let ghTimeout = Duration.seconds(60)

    var text: String {
        switch self {
        case .stdout: "standard output"
        case let .file(path): "\(path) (mode 0600)"
        case let .ghSecret(name, repo): "the GitHub secret \(name)" + (repo.map { " of \($0)" } ?? " of this repository")
        }
    }

    /// Hands the plaintext over. With `.stdout` it is the one raw token plenar ever prints (masked
    /// first inside GitHub Actions).
    func deliver(_ token: String, key: KeyInfo, json: Bool, context: PlenarContext, reporter: Reporter) throws(Failure) {
        switch self {
        case .stdout:
            if GitHubActions.isActive(context.environment) { context.stderr.write(GitHubActions.maskCommands(Array(token.utf8))) }
            if json {
                context.stdout.write(String(decoding: try encode(CreatedKey(key: key, token: token)), as: UTF8.self) + "\n")
            } else {
                context.stdout.write(token + "\n")
            }
        case let .file(path):
            do throws(FileError) {
                try context.credentials.write(Array((token + "\n").utf8), to: path, privateFolder: false)
            } catch {
                throw .people(.handoverFailed("cannot write the new key to \(path): \(error.reason)"))
            }
        case let .ghSecret(name, repo):
            let argv = ["gh", "secret", "set", name] + (repo.map { ["--repo", $0] } ?? [])
            let outcome = context.helpers.run(argv, input: Array(token.utf8), environment: context.environment, timeout: Self.ghTimeout)
            guard outcome.status == 0 else {
                let detail = outcome.problem ?? "exit \(outcome.status ?? -1)"
                let said = outcome.stderr.trimmed.isEmpty ? "" : ": \(outcome.stderr.trimmed.printable)"
                throw .people(.handoverFailed("gh secret set \(name) failed (\(detail))\(said)"))
            }
        }
    }
}

/// What `keys create` asks for.
public struct KeySpec: Equatable, Sendable {
    public var kind: TokenKind
    public var description: String
    /// Nil is never.
    public var expiresInDays: Int?
    /// Nil is every project.
    public var projects: [String]?
    /// Nil is every scope.
    public var scopes: [Scope]?

    public init(kind: TokenKind, description: String, expiresInDays: Int?, projects: [String]?, scopes: [Scope]?) {
        self.kind = kind
        self.description = description
        self.expiresInDays = expiresInDays
        self.projects = projects
        self.scopes = scopes
    }
}

/// `plenar keys list|create|revoke|rotate`: key management, which needs a login session.
public struct KeysCommand {
    public enum Action: Equatable {
        case list
        case create(KeySpec, Handover)
        case revoke(String)
        case rotate(String, Handover, wait: Duration?)
    }

    public var action: Action
    public var key: String?
    public var json: Bool

    public init(action: Action, key: String?, json: Bool) {
        self.action = action
        self.key = key
        self.json = json
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let settings = Settings(context: context, token: key)
        return Invocation(context: context, kind: .probe, skipped: "keys").run(settings, keyFlag: key != nil) { reporter throws(Failure) in
            let (token, api) = try settings.validated()
            let client = PlenarClient(api: api, token: token, timeout: settings.timeout, context: context)
            switch action {
            case .list:
                let keys = try client.call("GET", "/keys", as: KeyList.self)
                if json {
                    reporter.result(String(decoding: try encode(keys), as: UTF8.self) + "\n")
                } else {
                    reporter.result(keys.keys.map(Self.line).joined())
                    reporter.note("\(keys.keys.count) key(s): the organization's keys and your personal tokens")
                }
            case let .create(spec, handover):
                let request = CreateKeyRequest(
                    kind: spec.kind, description: spec.description, expiresInDays: spec.expiresInDays, projects: spec.projects,
                    scopes: spec.scopes
                )
                let created = try client.call(
                    "POST", "/keys", body: request, notFound: "a project named in --projects does not exist", as: CreatedKey.self)
                reporter.note(
                    "created \(created.key.id) (\(created.key.prefix)…, \(created.key.kind.modeName)) \"\(created.key.description.printable)\"; its plaintext goes to \(handover.text), once"
                )
                do throws(Failure) {
                    try handover.deliver(created.token, key: created.key, json: json, context: context, reporter: reporter)
                } catch {
                    // Nobody holds the plaintext: the key must not linger.
                    _ = try? client.exchange("POST", "/keys/\(created.key.id)/revoke")
                    reporter.note("\(created.key.id) was revoked again, since nobody received it")
                    throw error
                }
                if handover != .stdout {
                    if json {
                        reporter.result(String(decoding: try encode(created.key), as: UTF8.self) + "\n")
                    } else {
                        reporter.result("\(created.key.id) handed over to \(handover.text)\n")
                    }
                }
            case let .revoke(id):
                let revoked = try client.call("POST", "/keys/\(id)/revoke", notFound: Self.unknown(id), as: KeyInfo.self)
                if json {
                    reporter.result(String(decoding: try encode(revoked), as: UTF8.self) + "\n")
                } else {
                    reporter.result(
                        "Revoked \(revoked.id) (\(revoked.prefix)…) \"\(revoked.description.printable)\"; its next request gets 401\n")
                }
            case let .rotate(id, handover, wait):
                try Rotation(
                    oldID: id, handover: handover, wait: wait, json: json, client: client, settings: settings, context: context,
                    reporter: reporter
                ).run()
            }
        }
    }

    static func unknown(_ id: String) -> String {
        "no key \(id) among the organization's keys and your personal tokens: plenar keys list shows them"
    }

    static func line(_ key: KeyInfo) -> String {
        let projects = key.scope.mode == .all ? "all projects" : key.scope.projects.map(\.key).joined(separator: ",")
        let used = key.lastUsedAt.map { "last used \($0) from \(key.lastUsedIP ?? "?")" } ?? "never used"
        let state = key.revokedAt.map { "revoked \($0)" } ?? "expires \(key.expiresAt ?? "never")"
        return
            "\(key.id)  \(key.prefix)…  \(key.kind.modeName)  \"\(key.description.printable)\"  \(projects)  \(key.scopes.map(\.rawValue).joined(separator: ","))  \(state)  \(used)\n"
    }
}
