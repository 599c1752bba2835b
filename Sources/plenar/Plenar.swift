import ArgumentParser
import Platform
import PlenarKit

@main
struct Plenar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plenar",
        abstract: "Connect CI jobs, release pipelines and agents to Plenar.",
        discussion: """
            Exit statuses: 0 done (or telemetry skipped), 1 no answer from the service or a \
            local file not written, 2 credential problem, 3 keys rotate kept an old key still \
            in use, 64 usage error; plenar run exits with its command's status. See README, \
            "Failure contract".

            Credentials: --key, else PLENAR_TOKEN, else the login file of plenar login (never \
            read in CI unless PLENAR_USE_LOGIN=1).

            Environment: PLENAR_TOKEN, PLENAR_API_URL, PLENAR_PROJECT_ID, PLENAR_TIMEOUT_MS, \
            XDG_CONFIG_HOME, PLENAR_USE_LOGIN.

            Shell completions: plenar --generate-completion-script bash|zsh|fish.
            """,
        version: PlenarClient.version,
        subcommands: [
            Connect.self, Status.self, Signal.self, Hook.self, Run.self, Flush.self, Login.self, Logout.self, Auth.self, Project.self,
            Keys.self,
        ]
    )
}

extension Plenar {
    /// `plenar run`'s masks are read in one pass from the raw arguments (`RunArguments`) and kept
    /// from ArgumentParser, which is quadratic in repeated options; every other command's
    /// arguments go to ArgumentParser as they are.
    static func main() {
        // The deadline of a request made during start-up counts from here (PlenarClient.startUp).
        _ = Launch.instant
        // run's arguments are read once, as bytes (decoding ten thousand masks into strings first,
        // CommandLine.arguments, would only delay the command), and its plain forms need no
        // parser (HotPath).
        if CommandLine.argc > 1, let first = CommandLine.unsafeArgv[1], String(cString: first) == "run" {
            var arguments = ProcessBytes.arguments()
            arguments.removeFirst()  // in place: a copy of the rest would retain each word
            let words = RunArguments(arguments)
            if let command = HotPath.command(words) { HotPath.run(command) }
            run(words)
            return
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        // The version needs no parser: ArgumentParser's first parse reflects over every command
        // (about 6 million instructions, most of plenar's start-up).
        if arguments == ["--version"] {
            try? FileIO.writeAll(Array((configuration.version + "\n").utf8), to: 1)
            return
        }
        // signal and hook, in the forms configs write, need no parser either (HotPath).
        if let command = HotPath.command(arguments) { HotPath.run(command) }
        main(arguments)
    }

    /// `main` for `plenar run`, handing the words already read to `Run`.
    static func run(_ words: RunArguments) {
        do {
            var command = try parseAsRoot(words.parserArguments)
            if let run = command as? Run {
                try run.run(words)
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Hands a command's exit status to ArgumentParser without it printing anything more.
func finish(_ status: Int32) throws {
    if status != 0 { throw ExitCode(status) }
}
