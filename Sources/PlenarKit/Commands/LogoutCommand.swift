import FoundationEssentials
import PlenarAPI

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
