import ArgumentParser
import Platform
import PlenarKit

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command with secrets masked in its output, then report it. Exits with the command's status.",
        discussion: """
            The command starts at once, with exactly the given arguments (no shell), this stdin, \
            and the environment plus PLENAR_RUN_ID. Its stdout and stderr pass through a redactor: \
            the Plenar token, each --mask value and --mask-env variable, and the values of \
            variables named *_TOKEN, *_SECRET, *_PASSWORD, *_API_KEY, *_ACCESS_KEY, *_PRIVATE_KEY \
            or *SECRET*, in their raw, base64 (also wrapped), JSON-escaped and URL-encoded forms, \
            become *** (a Plenar token becomes pko_… or plt_…).

            SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on. The exit status is the command's \
            (128+N if a signal N killed it; 127 not found, 126 not executable); a wrong key turns \
            only a success into 2. With --json, one line of JSON follows the command's own \
            output on stdout: the run's id (null if not reported), exit codes, signal, status and \
            duration.

            Examples:
              plenar run -- make test
              plenar run --name deploy --mask-env DEPLOY_KEY -- ./deploy.sh prod
            """
    )

    @Option(help: "The run's name in Plenar (default: the command's name).")
    var name: String?

    @Option(help: "Project id or key (default: $PLENAR_PROJECT_ID, else the key's own default).")
    var project: String?

    @Option(
        name: .customLong("mask"),
        help: ArgumentHelp("A value to mask (repeat). It shows in the process list: prefer --mask-env.", valueName: "value"))
    var masks: [String] = []

    @Option(name: .customLong("mask-env"), help: ArgumentHelp("An environment variable whose value to mask (repeat).", valueName: "name"))
    var maskVariables: [String] = []

    @Flag(help: "Pass the output on unchanged (the report is still redacted).")
    var noRedact = false

    @Flag(help: "After the command's output, print the run's id, exit code and duration as JSON on stdout.")
    var json = false

    @Argument(parsing: .postTerminator, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
    var command: [String] = []

    func run() throws {
        try run(RunArguments(Array(ProcessBytes.arguments().dropFirst())))
    }

    /// `words`: the command and the masks as bytes, read by RunArguments (see Plenar.main).
    func run(_ words: RunArguments) throws {
        let ending = logic(words).run(.live())
        if let signal = ending.signal {
            Signals.die(by: signal)
        }
        try finish(ending.status)
    }

    func logic(_ words: RunArguments) -> RunCommand {
        var wrapper = RunCommand(
            command: words.command ?? command.map { Array($0.utf8) }, name: name, project: project,
            masks: words.masks + masks.map { Array($0.utf8) },
            maskVariables: words.maskVariables + maskVariables, redact: !noRedact)
        wrapper.json = json
        return wrapper
    }
}
