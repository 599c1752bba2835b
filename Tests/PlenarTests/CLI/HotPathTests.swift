import ArgumentParser
import Testing

@testable import PlenarKit
@testable import plenar

/// `signal`, `hook` and `run` read without ArgumentParser (HotPath): every argv the hot path accepts
/// must be one ArgumentParser parses to the same command, and everything else (help, usage
/// errors, unusual spellings) must be left to ArgumentParser.
@Suite("plenar's hot path: signal, hook and run without ArgumentParser")
struct HotPathTests {
    /// The command ArgumentParser makes of `argv`, in the hot path's terms; nil if it refuses it.
    static func parsed(_ argv: [String]) -> HotPath.Command? {
        switch try? Plenar.parseAsRoot(argv) {
        case let signal as plenar.Signal: .signal(signal.logic)
        case let hook as Hook: .hook(hook.logic)
        default: nil
        }
    }

    /// The fields of a command, comparable.
    static func fields(_ command: HotPath.Command) -> [String] {
        switch command {
        case let .signal(signal):
            ["signal", signal.kind, signal.status ?? "nil", signal.message ?? "nil", signal.project ?? "nil", "\(signal.json)"]
                + signal.attributes.flatMap { [$0.0, $0.1] }
        case let .hook(hook):
            ["hook", hook.event, hook.project ?? "nil", "\(hook.json)"]
        case let .run(run):
            fields(run)
        }
    }

    static let plainForms: [[String]] = [
        ["signal", "deploy"],
        ["signal", "deploy", "--status", "succeeded", "--attr", "env=prod", "--attr", "v=a=b", "--json"],
        ["signal", "--json", "deploy"],
        ["signal", "--message", "3 failures", "tests_failed", "--project", "PLEN-DEMO"],
        ["signal", "deploy", "--attr", "empty=", "--attr", "k=v"],
        ["signal", "dé ploy ✓", "--message", "a -- b"],
        ["hook", "PostToolUse"],
        ["hook", "--project", "P", "Stop", "--json"],
    ]

    @Test("the forms configs write: parsed here, and the same as ArgumentParser's", arguments: HotPathTests.plainForms)
    func sameAsArgumentParser(argv: [String]) throws {
        let fast = try #require(HotPath.command(argv), "\(argv)")
        let parsed = try #require(Self.parsed(argv), "\(argv)")
        #expect(Self.fields(fast) == Self.fields(parsed))
    }

    @Test(
        "help, usage errors and unusual spellings are left to ArgumentParser",
        arguments: [
            [], ["--version"], ["status"], ["run", "--", "true"], ["signal"], ["signal", ""], ["signal", "x", "--attr", "=v"],
            ["signal", "x", "--attr", "novalue"], ["signal", "--help"], ["signal", "x", "-h"], ["signal", "x", "-help"],
            ["signal", "help"], ["help", "signal"], ["signal", "x", "--status=ok"], ["signal", "x", "--status", "a", "--status", "b"],
            ["signal", "x", "--json", "--json"], ["signal", "x", "y"], ["signal", "x", "--message", "-3"],
            ["signal", "x", "--message", ""],
            ["signal", "x", "--bogus"], ["signal", "x", "--"], ["signal", "--", "x"], ["signal", "x", "--project"],
            ["signal", "x", "--version"],
            ["signal", "x", "--experimental-dump-help"], ["hook"], ["hook", ""], ["hook", "E", "--attr", "a=b"],
            ["hook", "E", "--status", "x"],
            ["hook", "E", "F"],
        ] as [[String]])
    func leftToArgumentParser(argv: [String]) {
        #expect(HotPath.command(argv) == nil, "\(argv)")
    }

    /// Random argvs over the words that matter: whatever the hot path accepts, ArgumentParser
    /// accepts too, with the same fields.
    @Test("random argvs: nothing accepted that ArgumentParser reads otherwise")
    func randomArgvs() {
        var random = SplitMix(seed: 18)
        let words = [
            "signal", "hook", "deploy", "E", "help", "--status", "--message", "--attr", "--project", "--json", "--help", "-h", "--",
            "", "-", "-x", "k=v", "=v", "novalue", "a=b=c", "P", "--status=ok", "--version",
        ]
        var accepted = 0
        for _ in 0..<3000 {
            let count = Int(random.next() % 7)
            let argv = [Bool.random(using: &random) ? "signal" : "hook"] + (0..<count).map { _ in words.randomElement(using: &random)! }
            guard let fast = HotPath.command(argv) else { continue }
            accepted += 1
            guard let parsed = Self.parsed(argv) else {
                Issue.record("accepted by the hot path, refused by ArgumentParser: \(argv)")
                continue
            }
            #expect(Self.fields(fast) == Self.fields(parsed), "\(argv)")
        }
        #expect(accepted > 100)
    }

    // MARK: run

    /// `plenar run`'s words (after `plenar`) as the process would get them.
    static func words(_ argv: [String]) -> RunArguments {
        RunArguments(argv.map { Array($0.utf8) })
    }

    /// The command ArgumentParser makes of `run`'s words, as `Plenar.run` hands them over; nil if it refuses them.
    static func parsedRun(_ words: RunArguments) -> RunCommand? {
        (try? Plenar.parseAsRoot(words.parserArguments) as? plenar.Run)?.logic(words)
    }

    static func fields(_ run: RunCommand) -> [String] {
        ["run", run.name ?? "nil", run.project ?? "nil", "\(run.redact)", "\(run.json)", "\(run.maskVariables)", "\(run.masks)"]
            + run.command.map { "\($0)" }
    }

    static let plainRunForms: [[String]] = [
        ["run", "--", "make", "test"],
        ["run", "--"],
        ["run", "--mask-env", "A", "--mask", "abc", "--mask-env=B", "--mask=def", "--", "true"],
        ["run", "--name", "deploy", "--project", "PLEN-DEMO", "--json", "--no-redact", "--", "./deploy.sh", "prod"],
        ["run", "--json", "--mask-env", "A", "--name", "n a m e", "--", "sh", "-c", "echo --json -- --name x"],
        ["run", "--", "--", "--json", "--mask", "x", "--name", "y"],
        ["run", "--", "help"], ["run", "--", "--help"], ["run", "--", "-h"], ["run", "--", "--version"],
        ["run", "--", "--generate-completion-script", "bash"], ["run", "--", "--experimental-dump-help"],
    ]

    @Test("run's plain forms: parsed here, and the same as ArgumentParser's", arguments: HotPathTests.plainRunForms)
    func runSameAsArgumentParser(argv: [String]) throws {
        let words = Self.words(argv)
        guard case let .run(fast)? = HotPath.command(words) else {
            Issue.record("not read by the hot path: \(argv)")
            return
        }
        let parsed = try #require(Self.parsedRun(words), "\(argv)")
        #expect(Self.fields(fast) == Self.fields(parsed))
    }

    @Test(
        "run: help, usage errors and unusual spellings are left to ArgumentParser",
        arguments: [
            ["run"], ["run", "true"], ["run", "--help", "--", "x"], ["run", "-h", "--", "x"], ["run", "help", "--", "x"],
            ["run", "--name=n", "--", "x"], ["run", "--name", "a", "--name", "b", "--", "x"], ["run", "--json", "--json", "--", "x"],
            ["run", "--no-redact", "--no-redact", "--", "x"], ["run", "--name", "-x", "--", "y"], ["run", "--name", "", "--", "y"],
            ["run", "--name", "help", "--", "y"], ["run", "--name", "--", "y"], ["run", "--project", "--json", "--", "y"],
            ["run", "--bogus", "--", "x"], ["run", "--mask", "--", "x"], ["run", "--mask-env"], ["run", "--version", "--", "x"],
            ["run", "--name"], ["run", "extra", "--", "x"],
        ] as [[String]])
    func runLeftToArgumentParser(argv: [String]) {
        #expect(HotPath.command(Self.words(argv)) == nil, "\(argv)")
    }

    @Test("random run argvs: nothing accepted that ArgumentParser reads otherwise")
    func randomRunArgvs() {
        var random = SplitMix(seed: 19)
        let words = [
            "--name", "--project", "--json", "--no-redact", "--mask", "--mask-env", "--mask=m", "--mask-env=E", "--", "--", "help",
            "--help", "-h", "", "-", "-x", "n", "P", "--name=v", "--version", "cmd",
        ]
        var accepted = 0
        for _ in 0..<3000 {
            let argv = ["run"] + (0..<Int(random.next() % 9)).map { _ in words.randomElement(using: &random)! }
            guard case let .run(fast)? = HotPath.command(Self.words(argv)) else { continue }
            accepted += 1
            guard let parsed = Self.parsedRun(Self.words(argv)) else {
                Issue.record("accepted by the hot path, refused by ArgumentParser: \(argv)")
                continue
            }
            #expect(Self.fields(fast) == Self.fields(parsed), "\(argv)")
        }
        #expect(accepted > 100)
    }
}
