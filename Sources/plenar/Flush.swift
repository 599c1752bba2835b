import ArgumentParser
import PlenarKit

struct Flush: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flush",
        abstract: "Send the telemetry spooled during an outage. Never fails the job, except for credentials that are wrong.",
        discussion: """
            signal, hook and run keep a record that found no answer (a timeout, an unreachable \
            service, 5xx, 429 after the retry) in a spool: $RUNNER_TEMP/plenar-spool in GitHub \
            Actions, else $XDG_STATE_HOME/plenar/spool (~/.local/state/plenar/spool). Every later \
            call with credentials sends it first; flush sends it now, oldest first, within \
            PLENAR_TIMEOUT_MS. Each record keeps its Idempotency-Key, so it is stored once.
            """
    )

    @Flag(help: "Print what was sent and what is left as JSON on stdout.")
    var json = false

    func run() throws {
        try finish(FlushCommand(json: json).run(.live()))
    }
}
