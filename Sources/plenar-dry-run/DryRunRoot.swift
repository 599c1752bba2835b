import ArgumentParser

/// `plenar-dry-run [run] WORKFLOW …` runs a job (the default); `plenar-dry-run eval` evaluates one
/// expression.
@main
struct DryRunRoot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plenar-dry-run",
        abstract: "Run a GitHub Actions workflow (or some of its jobs) on this machine the way the runner does, or evaluate an expression.",
        discussion: """
            Examples:
              plenar-dry-run ci.yml --job test     (run is the default subcommand; see plenar-dry-run run --help)
              plenar-dry-run eval "github.event_name == 'push'" --contexts ctx.json
            """,
        subcommands: [DryRunCommand.self, EvalCommand.self],
        defaultSubcommand: DryRunCommand.self
    )
}
