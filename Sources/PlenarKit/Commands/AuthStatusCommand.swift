import FoundationEssentials
import PlenarAPI

/// `plenar auth status`: who the credential acts as, for which organization, until when, and from where.
public struct AuthStatusCommand {
    public var key: String?
    public var apiURL: String?
    public var json: Bool

    public init(key: String?, apiURL: String?, json: Bool) {
        self.key = key
        self.apiURL = apiURL
        self.json = json
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let settings = Settings(context: context, token: key, apiURL: apiURL)
        return Invocation(context: context, kind: .probe, skipped: "status unknown").run(settings, keyFlag: key != nil) {
            reporter throws(Failure) in
            let (_, api, client) = try OIDCRefresh.credentials(settings: settings, context: context, reporter: reporter)
            let whoami = try client.get("/whoami", as: WhoAmI.self)
            let status = AuthStatus(
                mode: whoami.kind.modeName, user: whoami.user, organization: whoami.organization, expiresAt: whoami.key.expiresAt,
                source: CredentialSource.of(settings), apiURL: api.base, loginFile: Self.loginFileNote(settings, context: context)
            )
            if json {
                reporter.result(String(decoding: try encode(status), as: UTF8.self) + "\n")
                return
            }
            var lines = [
                "Logged in to \(api.base) as \(whoami.user.map { "\($0.name) <\($0.email)>" } ?? "no person (an organization key)")",
                "Organization: \(whoami.organization.name)",
                "Credential: \(whoami.kind.modeName) \(whoami.key.prefix)… from \(status.source.text)",
            ]
            switch (whoami.kind, whoami.key.expiresAt) {
            case (.session, let end?): lines.append("Expires: \(end), 24 h after this use; each use moves it")
            case (_, let end?): lines.append("Expires: \(end)")
            case (_, nil): lines.append("Expires: never")
            }
            if let note = status.loginFile?.note { lines.append("Login file: \(note)") }
            reporter.result(lines.joined(separator: "\n") + "\n")
        }
    }

    /// What became of the login file when it was not the source.
    static func loginFileNote(_ settings: Settings, context: PlenarContext) -> LoginFileNote? {
        switch settings.login {
        case let .found(_, path, _):
            return settings.tokenSource == LoginLookup.sourceName(path)
                ? nil : LoginFileNote(path: path, used: false, note: "\(path) is there, not used: \(settings.tokenSource) wins")
        case let .unusable(path, reason):
            return LoginFileNote(path: path, used: false, note: "\(path) is not used: \(reason)")
        case let .skippedInCI(path):
            return LoginFileNote(path: path, used: false, note: "\(path) is not read in CI (CI is set); PLENAR_USE_LOGIN=1 allows it")
        case .none:
            guard settings.token != nil, let path = CredentialLocation.credentials(context.environment),
                context.credentials.read(path) != .absent
            else { return nil }
            let inCI = LoginLookup.isCI(context.environment) && context.env("PLENAR_USE_LOGIN") != "1"
            return LoginFileNote(
                path: path, used: false,
                note: "\(path) is there, not used: \(settings.tokenSource) wins"
                    + (inCI ? "; and it is not read in CI (CI is set) unless PLENAR_USE_LOGIN=1" : ""))
        }
    }
}
