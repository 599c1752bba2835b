import FoundationEssentials
import PlenarAPI

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
