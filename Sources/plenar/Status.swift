import ArgumentParser
import PlenarKit

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the key in PLENAR_TOKEN is: organization, creator, scopes, projects, expiry.",
        discussion: """
            Warns when the key expires within 14 days. Inside GitHub Actions, adds a summary \
            to $GITHUB_STEP_SUMMARY.

            Examples:
              plenar status
              plenar status --json | jq -r .organization.name
            """,
        aliases: ["whoami"]
    )

    @Flag(help: "Print one JSON document on stdout (schema in README).")
    var json = false

    func run() throws {
        try finish(StatusCommand(json: json).run(.live()))
    }
}
