import ArgumentParser
import PlenarKit

struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a key with no browser and configure this workflow to reach Plenar.",
        discussion: """
            Checks the key against the service, settles the project, and inside GitHub Actions
            writes PLENAR_API_URL and PLENAR_PROJECT_ID to $GITHUB_ENV and the outputs
            organization, mode and project-id to $GITHUB_OUTPUT. Never writes the key.

            Examples:
              printf %s "$KEY" | plenar connect --key -
              PLENAR_TOKEN=pko_… plenar connect --project PLEN-DEMO --json
            """
    )

    @Option(help: ArgumentHelp("The org key or personal token; - reads it from stdin (default: $PLENAR_TOKEN).", valueName: "key"))
    var key: String?

    @Option(help: "Project id or key, such as PLEN-DEMO (default: $PLENAR_PROJECT_ID, else the key's own default).")
    var project: String?

    @Option(help: "API base including /v1 (default: $PLENAR_API_URL, else https://api.plenar.dev/v1).")
    var apiURL: String?

    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    func run() throws {
        try finish(ConnectCommand(key: key, project: project, apiURL: apiURL, json: json).run(.live()))
    }
}
