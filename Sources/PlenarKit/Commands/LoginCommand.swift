import FoundationEssentials
import PlenarAPI

/// `plenar login`: a browser approves a login session, which is stored in the login file.
/// Never reads standard input, so an agent without a terminal can log in by showing the URL
/// to a person; bounded by `--timeout`.
public struct LoginCommand {
    public static let defaultTimeout = Duration.seconds(600)

    public var apiURL: String?
    public var noBrowser: Bool
    public var json: Bool
    public var timeout: Duration

    public init(apiURL: String?, noBrowser: Bool, json: Bool, timeout: Duration?) {
        self.apiURL = apiURL
        self.noBrowser = noBrowser
        self.json = json
        self.timeout = timeout ?? Self.defaultTimeout
    }

    public func run(_ context: PlenarContext) -> Int32 {
        var settings = Settings(context: context, apiURL: apiURL)
        // The login file is about to be replaced: only PLENAR_TIMEOUT_MS is worth a warning here.
        settings.warnings = Settings.timeout(context.environment).1
        return Invocation(context: context, kind: .probe, skipped: "login").run(settings) { reporter throws(Failure) in
            let apiText = apiURL ?? context.env("PLENAR_API_URL") ?? APIBaseURL.hosted
            let api: APIBaseURL
            do throws(APIBaseURL.Problem) { api = try APIBaseURL(apiText) } catch { throw .apiURL(error, value: apiText) }
            guard let path = CredentialLocation.credentials(context.environment) else { throw .people(.noConfigFolder) }
            if case let .refused(reason) = context.credentials.read(path) {
                throw .localFile(FileError(path: path, reason: "refused: \(reason); nothing was written"))
            }
            let started = context.clock.now()
            let first = PlenarClient(api: api, token: "", timeout: min(settings.timeout, timeout), context: context)
            let start = try first.call(
                "POST", "/cli/sessions", body: ["client": "plenar/\(PlenarClient.version)"], authorized: false, as: LoginStart.self
            )
            let opened = openBrowser(context, url: start.verificationURLComplete)
            announce(start, opened: opened, reporter: reporter, context: context)
            let interval = Duration.seconds(max(1, start.interval))
            while true {
                let left = timeout - (context.clock.now() - started)
                guard left > .zero else { throw .people(.loginTimedOut(timeout)) }
                let poller = PlenarClient(api: api, token: "", timeout: min(settings.timeout, left), context: context)
                let poll: LoginPoll
                do throws(Failure) {
                    poll = try poller.call("POST", "/cli/sessions/\(start.id)/poll", authorized: false, as: LoginPoll.self)
                } catch .unavailable(.timedOut) where context.clock.now() - started >= timeout {
                    throw .people(.loginTimedOut(timeout))
                }
                switch poll.status {
                case .pending:
                    let wait = min(interval, timeout - (context.clock.now() - started))
                    if wait > .zero { context.clock.sleep(for: wait) }
                case .denied: throw .people(.loginDenied)
                case .expired: throw .people(.loginExpired)
                case .consumed: throw .people(.loginConsumed)
                case .approved:
                    guard let token = poll.sessionToken, let user = poll.user, let organization = poll.organization else {
                        throw .unavailable(.badResponse("the approval carries no session"))
                    }
                    let file = LoginFile(
                        apiURL: api.base, token: token, user: user, organization: organization,
                        createdAt: context.clock.date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                    )
                    let bytes = Array(try encode(file)) + [10]
                    do throws(FileError) {
                        try context.credentials.write(bytes, to: path, privateFolder: true)
                    } catch {
                        throw .localFile(error)
                    }
                    finish(file, path: path, expiresAt: poll.expiresAt, reporter: reporter, secret: token)
                    return
                }
            }
        }
    }

    /// Opens the browser only where a person can see one: a display, a terminal, and no `--no-browser`.
    private func openBrowser(_ context: PlenarContext, url: String) -> String? {
        guard !noBrowser, context.helpers.stderrIsTerminal,
            context.env("DISPLAY") != nil || context.env("WAYLAND_DISPLAY") != nil || context.env("BROWSER") != nil
        else { return nil }
        let program = context.env("BROWSER")?.split(separator: ":").first.map(String.init) ?? "xdg-open"
        return context.helpers.launch(program, url, environment: context.environment) ? program : nil
    }

    private func announce(_ start: LoginStart, opened: String?, reporter: Reporter, context: PlenarContext) {
        if json {
            let document = LoginAnnouncement(
                verificationURL: start.verificationURL, verificationURLComplete: start.verificationURLComplete,
                userCode: start.userCode, expiresAt: start.expiresAt, interval: start.interval, browserOpened: opened != nil
            )
            if let data = try? JSONEncoder.plenar.encode(document) {
                context.stderr.write(reporter.redactor.redact(String(decoding: data, as: UTF8.self)) + "\n")
            }
            return
        }
        if let opened {
            reporter.note("opened \(start.verificationURLComplete) with \(opened); if no browser window shows it, open that URL yourself")
        } else {
            reporter.note("to log in, open \(start.verificationURLComplete) in a browser (on any machine)")
        }
        reporter.note(
            "check that the page shows the code \(start.userCode), then approve; waiting up to \(timeout.wholeMilliseconds / 1000) s")
    }

    private func finish(_ file: LoginFile, path: String, expiresAt: String?, reporter: Reporter, secret: String) {
        let redactor = Redactor(secrets: [secret])
        if json {
            let document = LoginResult(
                user: file.user, organization: file.organization, credentialsFile: path, expiresAt: expiresAt, apiURL: file.apiURL)
            if let data = try? JSONEncoder.plenar.encode(document) {
                reporter.result(redactor.redact(String(decoding: data, as: UTF8.self)) + "\n")
            }
        } else {
            reporter.result(
                redactor.redact("Logged in as \(file.user.email) (\(file.organization.name)); session stored in \(path) (mode 0600)\n"))
            reporter.note("the session ends after 24 h without use; plenar logout ends it now")
        }
    }
}
