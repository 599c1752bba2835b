import ArgumentParser
import PlenarKit

struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in through the browser and store a login session for this user's own commands.",
        discussion: """
            Opens the browser where there is one (a display and a terminal) and says which URL it \
            opened; otherwise, or with --no-browser, prints the URL and the code on stderr (one \
            JSON line with --json, for agents) and waits for a person to approve, at most \
            --timeout. Never reads stdin. The session is stored in \
            $XDG_CONFIG_HOME/plenar/credentials (else ~/.config/plenar/credentials), folder 0700, \
            file 0600, and ends after 24 h without use. In CI (CI=true) the file is never read \
            unless PLENAR_USE_LOGIN=1; --key and PLENAR_TOKEN always win over it.

            Examples:
              plenar login
              plenar login --no-browser --json 2> login.jsonl
            """
    )

    @Flag(help: "Print the URL and code instead of opening a browser.")
    var noBrowser = false

    @Option(help: "How long to wait for the approval, such as 90s or 5m (default: 10m).")
    var timeout: String?

    @Option(help: "API base including /v1 (default: $PLENAR_API_URL, else https://api.plenar.dev/v1).")
    var apiURL: String?

    @Flag(help: "Print the URL and code as one JSON line on stderr, and the result as JSON on stdout.")
    var json = false

    func validate() throws {
        if let timeout, DurationText.parse(timeout) == nil || DurationText.parse(timeout) == .zero {
            throw ValidationError("--timeout \(timeout) is not a duration such as 90s, 5m or 1h")
        }
    }

    func run() throws {
        try finish(
            LoginCommand(apiURL: apiURL, noBrowser: noBrowser, json: json, timeout: timeout.flatMap(DurationText.parse)).run(.live()))
    }
}

struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "End the login session on the server and delete the login file.",
        discussion: """
            The file is deleted even when the server cannot be reached; plenar then says so and \
            exits 1, since the session stays valid until 24 h without use.
            """
    )

    func run() throws {
        try finish(LogoutCommand().run(.live()))
    }
}

struct Auth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Show who the current credential acts as.",
        subcommands: [AuthStatus.self]
    )
}

struct AuthStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "User, organization, expiry, and where the credential comes from (--key, PLENAR_TOKEN or the login file)."
    )

    @Option(
        help: ArgumentHelp(
            "An org key, personal token or session to check (default: $PLENAR_TOKEN, else the login file).", valueName: "key"))
    var key: String?

    @Option(help: "API base including /v1 (default: $PLENAR_API_URL, else the login's, else https://api.plenar.dev/v1).")
    var apiURL: String?

    @Flag(help: "Print one JSON document on stdout.")
    var json = false

    func run() throws {
        try finish(AuthStatusCommand(key: key, apiURL: apiURL, json: json).run(.live()))
    }
}
