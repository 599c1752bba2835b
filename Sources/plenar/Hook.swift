import ArgumentParser
import PlenarKit

struct Hook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Send one agent hook event, with the JSON payload on stdin when there is one.",
        discussion: """
            Meant to sit behind an agent's hook configuration: reads at most 1 MiB of stdin \
            when stdin is not a terminal, for at most PLENAR_TIMEOUT_MS (what has arrived by then \
            is sent, with a warning); a payload that is not JSON is sent as text.

            Example (.claude/settings.json): "command": "plenar hook PostToolUse"
            """
    )

    @Argument(help: "The event, such as SessionStart, PostToolUse or Stop.")
    var event: String

    @Option(help: "Project id or key (default: $PLENAR_PROJECT_ID, else the key's own default).")
    var project: String?

    @Flag(help: "Print the stored event's id as JSON on stdout.")
    var json = false

    func validate() throws {
        guard !event.isEmpty else { throw ValidationError("the hook event must not be empty") }
    }

    /// What this command does.
    var logic: HookCommand { HookCommand(event: event, project: project, json: json) }

    func run() throws {
        try finish(logic.run(.live()))
    }
}
