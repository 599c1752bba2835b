import Platform
import PlenarKit

/// `signal`, `hook` and `run` in their plain forms, read without ArgumentParser.
///
/// They run in every pipeline step and on every tool call of an agent, and ArgumentParser's first
/// parse reflects over every command: about 8.9 of the 11.3 million instructions of a tokenless
/// `plenar signal deploy` (callgrind, release). So the forms people and configs write are read
/// here: the subcommand, one positional, and each option at most once, spelled `--name value`,
/// with a value that is not empty and does not start with `-`. Anything else (help, `--name=value`,
/// a repeated option, an unknown word, a missing or odd value, an `--attr` that is not key=value,
/// a `help` anywhere) gives nil and goes to ArgumentParser, so its help, usage errors and exit
/// statuses stay the only ones. ParseTests checks that ArgumentParser parses every form accepted
/// here to the same command.
///
/// `run` starts its command only after its arguments are read, and a wrapped step pays for its
/// parse on every run: its words as `RunArguments` leaves them, with `--name` and `--project` (a
/// plain value each), `--json` and `--no-redact`, each at most once, before the `--`, are read
/// here too.
enum HotPath {
    enum Command {
        case signal(SignalCommand)
        case hook(HookCommand)
        case run(RunCommand)
    }

    /// Runs `command` and ends the process with its exit status, as ArgumentParser's `main` would.
    static func run(_ command: Command) -> Never {
        switch command {
        case let .signal(signal): exit(signal.run(.live()))
        case let .hook(hook): exit(hook.run(.live()))
        case let .run(run):
            // As Run.run ends, but the context (with ten thousand masks, as many variables) is
            // left to the exit rather than freed first.
            let context = PlenarContext.live()
            let ending = run.run(context)
            withExtendedLifetime(context) { () -> Never in
                if let signal = ending.signal { Signals.die(by: signal) }
                exit(ending.status)
            }
        }
    }

    /// `words`: `plenar run`'s arguments, as read by RunArguments.
    static func command(_ words: RunArguments) -> Command? {
        guard let command = words.command, words.parserArguments.first == "run" else { return nil }
        var (name, project): (String?, String?) = (nil, nil)
        var (json, noRedact) = (false, false)
        var iterator = words.parserArguments.dropFirst().makeIterator()
        while let word = iterator.next() {
            switch word {
            case "--":
                var run = RunCommand(
                    command: command, name: name, project: project, masks: words.masks, maskVariables: words.maskVariables,
                    redact: !noRedact)
                run.json = json
                return .run(run)
            case "--json" where !json: json = true
            case "--no-redact" where !noRedact: noRedact = true
            case "--name" where name == nil:
                guard let value = iterator.next(), Words.isPlain(value) else { return nil }
                name = value
            case "--project" where project == nil:
                guard let value = iterator.next(), Words.isPlain(value) else { return nil }
                project = value
            default: return nil
            }
        }
        return nil
    }

    /// `arguments`: the process's arguments after the program's name.
    static func command(_ arguments: [String]) -> Command? {
        guard let name = arguments.first else { return nil }
        switch name {
        case "signal":
            guard
                let words = Words(
                    arguments.dropFirst(), options: ["--status", "--message", "--project"], repeatable: "--attr", flag: "--json")
            else { return nil }
            var attributes: [(String, String)] = []
            for text in words.repeated {
                guard let pair = SignalCommand.attribute(text) else { return nil }
                attributes.append((pair.key, pair.value))
            }
            return .signal(
                SignalCommand(
                    kind: words.positional, status: words["--status"], message: words["--message"],
                    attributes: attributes, project: words["--project"], json: words.flag))
        case "hook":
            guard let words = Words(arguments.dropFirst(), options: ["--project"], repeatable: nil, flag: "--json") else { return nil }
            return .hook(HookCommand(event: words.positional, project: words["--project"], json: words.flag))
        default:
            return nil
        }
    }

    /// One positional, options that take a value, at most one repeatable option, one flag. Arrays
    /// rather than a set and a dictionary: their first use costs more than these few comparisons.
    struct Words {
        var positional = ""
        var names: [String]
        var values: [String?]
        var repeated: [String] = []
        var flag = false

        init?(_ arguments: ArraySlice<String>, options names: [String], repeatable: String?, flag flagName: String) {
            self.names = names
            values = names.map { _ in nil }
            var positional: String?
            var iterator = arguments.makeIterator()
            while let word = iterator.next() {
                if Self.isPlain(word) {
                    guard positional == nil else { return nil }
                    positional = word
                } else if word == flagName, !flag {
                    flag = true
                } else if word == repeatable, let value = iterator.next(), Self.isPlain(value) {
                    repeated.append(value)
                } else if let index = names.firstIndex(of: word), values[index] == nil, let value = iterator.next(), Self.isPlain(value) {
                    values[index] = value
                } else {
                    return nil
                }
            }
            guard let positional else { return nil }
            self.positional = positional
        }

        /// The value of the option `name`.
        subscript(_ name: String) -> String? {
            names.firstIndex(of: name).flatMap { values[$0] }
        }

        /// A word ArgumentParser can only read as a value: not empty, not an option, not `help`.
        static func isPlain(_ word: String) -> Bool {
            !word.isEmpty && !word.hasPrefix("-") && word != "help"
        }
    }
}
