import ArgumentParser
import PlenarKit

struct Signal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signal",
        abstract: "Send one CI signal. Never fails the job, except for credentials that are wrong.",
        discussion: """
            Examples:
              plenar signal deploy --status succeeded --attr env=prod --attr version=1.4.2
              plenar signal tests_failed --message "3 failures" --project PLEN-DEMO
            """
    )

    @Argument(help: "What happened, such as deploy or tests_failed.")
    var kind: String

    @Option(help: "Outcome, such as succeeded or failed.")
    var status: String?

    @Option(help: "A message for people.")
    var message: String?

    @Option(name: .customLong("attr"), help: ArgumentHelp("An attribute, key=value (repeat).", valueName: "key=value"))
    var attributes: [String] = []

    @Option(help: "Project id or key (default: $PLENAR_PROJECT_ID, else the key's own default).")
    var project: String?

    @Flag(help: "Print the stored signal's id as JSON on stdout.")
    var json = false

    func validate() throws {
        guard !kind.isEmpty else { throw ValidationError("the signal kind must not be empty") }
        for attribute in attributes where SignalCommand.attribute(attribute) == nil {
            throw ValidationError("--attr \(attribute) is not key=value with a key before the =")
        }
    }

    /// What this command does, with the attributes split (`validate` has checked them).
    var logic: SignalCommand {
        let pairs = attributes.compactMap(SignalCommand.attribute).map { ($0.key, $0.value) }
        return SignalCommand(kind: kind, status: status, message: message, attributes: pairs, project: project, json: json)
    }

    func run() throws {
        try finish(logic.run(.live()))
    }
}
