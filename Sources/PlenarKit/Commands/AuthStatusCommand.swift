import FoundationEssentials
import PlenarAPI

/// Where a command's credential came from, as `auth status` shows it.
public struct CredentialSource: Encodable, Equatable {
    /// `flag`, `environment` or `login_file`.
    public var kind: String
    /// `--key`, `PLENAR_TOKEN`, or the file's path.
    public var name: String
    public var path: String?
    public var mode: String?

    static func of(_ settings: Settings) -> CredentialSource {
        if case let .found(_, path, mode) = settings.login, settings.tokenSource == LoginLookup.sourceName(path) {
            return CredentialSource(kind: "login_file", name: path, path: path, mode: mode.octalMode)
        }
        return CredentialSource(kind: settings.tokenSource == "--key" ? "flag" : "environment", name: settings.tokenSource)
    }

    var text: String {
        switch kind {
        case "login_file": "the login file \(name) (mode \(mode ?? "?"))"
        default: name
        }
    }
}

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
            let (token, api) = try settings.validated()
            let whoami = try PlenarClient(api: api, token: token, timeout: settings.timeout, context: context).get(
                "/whoami", as: WhoAmI.self)
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

struct LoginFileNote: Encodable {
    var path: String
    var used: Bool
    var note: String
}

struct AuthStatus: Encodable {
    var mode: String
    var user: UserRef?
    var organization: OrganizationRef
    var expiresAt: String?
    var source: CredentialSource
    var apiURL: String
    var loginFile: LoginFileNote?

    enum CodingKeys: String, CodingKey {
        case mode, user, organization, source
        case expiresAt = "expires_at"
        case apiURL = "api_url"
        case loginFile = "login_file"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(user, forKey: .user)
        try container.encode(organization, forKey: .organization)
        try container.encode(source, forKey: .source)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(apiURL, forKey: .apiURL)
        try container.encode(loginFile, forKey: .loginFile)
    }
}

/// `plenar logout`: ends the session on the server within the deadline, then deletes the login
/// file, which goes even when the server cannot be reached (and the message says so).
public struct LogoutCommand {
    public init() {}

    public func run(_ context: PlenarContext) -> Int32 {
        // Logout looks at the file itself, whatever the precedence: only PLENAR_TIMEOUT_MS is worth a warning.
        var settings = Settings(context: context)
        settings.warnings = Settings.timeout(context.environment).1
        return Invocation(context: context, kind: .probe, skipped: "logout").run(settings) { reporter throws(Failure) in
            guard let path = CredentialLocation.credentials(context.environment) else { throw .people(.noConfigFolder) }
            let bytes: [UInt8]
            let read = context.credentials.read(path)
            switch read {
            case .absent:
                reporter.note("not logged in: there is no \(path)")
                return
            case .refused, .exposed:
                throw .people(.loginFileUnusable(path: path, reason: (read.problem(path) ?? "") + "; nothing was deleted"))
            case let .found(found, _):
                bytes = found
            }
            let file = try? JSONDecoder().decode(LoginFile.self, from: Data(bytes))
            var problem: String?
            if let file, let api = try? APIBaseURL(file.apiURL) {
                let client = PlenarClient(api: api, token: file.token, timeout: settings.timeout, context: context)
                do throws(Failure) {
                    try client.exchange("DELETE", "/cli/session")
                } catch .rejected(401, _, _) {
                    // Already ended: revoked elsewhere, or 24 h without use.
                } catch {
                    problem = error.message(
                        kind: .probe, action: "logout",
                        context: MessageContext(
                            host: api.host, tokenDisplay: TokenShape.display(file.token), keyFlag: false,
                            timeoutSource: settings.timeoutSource)
                    )
                }
            } else {
                problem = "the file is not a login plenar wrote"
            }
            do throws(FileError) {
                try context.credentials.remove(path)
            } catch {
                throw .localFile(error)
            }
            if let problem { throw .people(.logoutNotRevoked(path: path, reason: problem)) }
            reporter.result("Logged out: the session was ended on the server and \(path) was deleted\n")
        }
    }
}
