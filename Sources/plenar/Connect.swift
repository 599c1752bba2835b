import ArgumentParser
import PlenarKit

struct Connect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Validate a key with no browser and configure this repository's agents and workflow to reach Plenar.",
        usage: """
            plenar connect [--key <key>] [--project <project>] [--api-url <api-url>] [--client <list>] [--no-mcp] [--inline-token | --vscode-input] [--hooks <agent>] [--force] [--dry-run] [--json] [--oidc] [--audience <audience>]
            """,
        discussion: """
            Checks the key against the service and settles the project. Then writes the MCP \
            client configs (--client; Claude Code's .mcp.json by default) at the repository root, \
            changing only the plenar entry; the configs name the PLENAR_TOKEN variable, never the \
            key itself unless --inline-token. Inside GitHub Actions it also writes PLENAR_API_URL \
            and PLENAR_PROJECT_ID to $GITHUB_ENV and the outputs organization, mode and \
            project-id to $GITHUB_OUTPUT.

            Examples:
              printf %s "$KEY" | plenar connect --key -
              PLENAR_TOKEN=pko_… plenar connect --client all --dry-run
              PLENAR_TOKEN=pko_… plenar connect --project PLEN-DEMO --hooks claude --json
            """
    )

    @Option(help: ArgumentHelp("The org key or personal token; - reads it from stdin (default: $PLENAR_TOKEN).", valueName: "key"))
    var key: String?

    @Option(help: "Project id or key, such as PLEN-DEMO (default: $PLENAR_PROJECT_ID, else the key's own default).")
    var project: String?

    @Option(help: "API base including /v1 (default: $PLENAR_API_URL, else https://api.plenar.dev/v1).")
    var apiURL: String?

    @Option(
        name: .customLong("client"),
        help: ArgumentHelp(
            "MCP clients to configure: a comma-separated list of claude, cursor, vscode, gemini, codex, zed, opencode, amp, kilo, continue, copilot, or all (default: claude; zed only with --inline-token).",
            valueName: "list"))
    var clients: String?

    @Flag(help: "Write no MCP client config.")
    var noMCP = false

    @Flag(help: "Write the key itself into the configs (mode 0600) instead of a reference to PLENAR_TOKEN.")
    var inlineToken = false

    @Flag(help: "VS Code asks for the key once (a password input kept in its secret storage) instead of reading $PLENAR_TOKEN.")
    var vscodeInput = false

    @Option(help: ArgumentHelp("Also wire an agent's hook events to `plenar hook`: claude (.claude/settings.json).", valueName: "agent"))
    var hooks: String?

    @Flag(help: "Replace a config entry whose shape plenar cannot edit, keeping the original as .bak.")
    var force = false

    @Flag(help: "Check the key and print the diff of every file it would change; write nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    @Flag(
        help:
            "Exchange this GitHub Actions job's OIDC token for a short-lived key (needs permissions: id-token: write); automatic when no key is given and the job has one."
    )
    var oidc = false

    @Option(help: "The audience to request the OIDC token for (default: $PLENAR_OIDC_AUDIENCE, else plenar).")
    var audience: String?

    func run() throws {
        var command = ConnectCommand(
            key: key, project: project, apiURL: apiURL, json: json, clients: clients, noMCP: noMCP,
            inlineToken: inlineToken, force: force, dryRun: dryRun, hooks: hooks
        )
        command.oidc = oidc
        command.audience = audience
        command.vscodeInput = vscodeInput
        try finish(command.run(.live()))
    }
}
