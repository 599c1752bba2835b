import PlenarAPI

/// What every networked command needs, read once from flags and the environment.
public struct Settings {
    public static let defaultTimeout = Duration.milliseconds(10_000)
    public static let timeoutVariable = "PLENAR_TIMEOUT_MS"

    public var token: String?
    /// Where the token came from, for messages: `PLENAR_TOKEN` or `--key`.
    public var tokenSource: String
    public var apiURLText: String
    public var project: String?
    public var timeout: Duration
    /// What set `timeout`, for messages: `PLENAR_TIMEOUT_MS`, or a tighter limit of the command's.
    public var timeoutSource = Settings.timeoutVariable
    /// Problems worth a warning that do not stop the command.
    public var warnings: [String] = []
    /// The login file: the token's source when neither `--key` nor `PLENAR_TOKEN` gives one.
    public var login = LoginLookup.none

    /// Flags win over the environment, the environment over the login file (never read in CI unless
    /// `PLENAR_USE_LOGIN=1`); `PLENAR_TIMEOUT_MS` that is not a positive integer is a warning.
    public init(context: PlenarContext, token flagToken: String? = nil, apiURL flagURL: String? = nil, project flagProject: String? = nil) {
        if let flagToken {
            token = flagToken
            tokenSource = "--key"
        } else {
            token = context.env("PLENAR_TOKEN")
            tokenSource = "PLENAR_TOKEN"
        }
        apiURLText = flagURL ?? context.env("PLENAR_API_URL") ?? APIBaseURL.hosted
        project = (flagProject?.isEmpty == false ? flagProject : nil) ?? context.env("PLENAR_PROJECT_ID")
        (timeout, warnings) = Self.timeout(context.environment)
        if token == nil { adoptLogin(context, explicitURL: flagURL ?? context.env("PLENAR_API_URL")) }
    }

    /// `PLENAR_TIMEOUT_MS`, or the default with a warning when it is not a positive integer.
    static func timeout(_ environment: [String: String]) -> (Duration, [String]) {
        guard let text = environment[timeoutVariable] else { return (defaultTimeout, []) }
        if let milliseconds = Int(text.trimmed), milliseconds > 0 {
            return (.milliseconds(min(milliseconds, Int(Int32.max))), [])
        }
        return (
            defaultTimeout,
            ["\(timeoutVariable)=\(text.printable) is not a positive number of milliseconds: using \(defaultTimeout.wholeMilliseconds)"]
        )
    }

    /// The checks made before any byte is sent: a token of the right shape, a URL that keeps it safe.
    public func validated() throws(Failure) -> (token: String, api: APIBaseURL) {
        guard let token, !token.isEmpty else { throw .tokenMissing }
        do {
            _ = try TokenShape.check(token)
        } catch {
            throw .tokenMalformed(error, source: tokenSource)
        }
        do {
            return (token, try APIBaseURL(apiURLText))
        } catch {
            throw .apiURL(error, value: apiURLText)
        }
    }
}
