import ArgumentParser
import Testing

@testable import PlenarKit
@testable import plenar

/// `signal` and `hook` read without ArgumentParser (HotPath): every argv the hot path accepts
/// must be one ArgumentParser parses to the same command, and everything else (help, usage
/// errors, unusual spellings) must be left to ArgumentParser.
@Suite("plenar's hot path: signal and hook without ArgumentParser")
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
}
