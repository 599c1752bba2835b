import ArgumentParser
import Foundation
import Testing

@testable import plenar

/// The first layer: argv → the parsed command, with no context and no process. Usage errors are
/// the parser's (exit 64); the golden help texts are what `plenar help COMMAND` prints.
@Suite("plenar's command line: parsing and help")
struct ParseTests {
    static func parse(_ argv: [String]) throws -> any ParsableCommand {
        try Plenar.parseAsRoot(argv)
    }

    /// The exit status ArgumentParser gives an argv that does not parse.
    static func usageStatus(_ argv: [String]) -> Int32? {
        do {
            _ = try parse(argv)
            return nil
        } catch {
            return Plenar.exitCode(for: error).rawValue
        }
    }

    @Test("connect: flags, --key -, clients")
    func connect() throws {
        let command = try #require(
            try Self.parse(["connect", "--key", "-", "--project", "PLEN-DEMO", "--client", "claude,vscode", "--dry-run", "--json"])
                as? Connect)
        #expect(command.key == "-" && command.project == "PLEN-DEMO" && command.clients == "claude,vscode")
        #expect(command.dryRun && command.json && !command.force && !command.noMCP)
        #expect(try #require(try Self.parse(["connect"]) as? Connect).key == nil)
        #expect(try #require(try Self.parse(["connect", "--client", "vscode", "--vscode-input"]) as? Connect).vscodeInput)
    }

    @Test("status and whoami: --json")
    func status() throws {
        #expect(try #require(try Self.parse(["status", "--json"]) as? Status).json)
        #expect(try #require(try Self.parse(["whoami"]) as? Status).json == false)
    }

    @Test("signal: kind, status, message, attributes")
    func signal() throws {
        let command = try #require(
            try Self.parse(["signal", "deploy", "--status", "succeeded", "--attr", "env=prod", "--attr", "v=a=b", "--json"])
                as? plenar.Signal)
        #expect(command.kind == "deploy" && command.status == "succeeded" && command.json)
        #expect(command.attributes == ["env=prod", "v=a=b"])
    }

    @Test("hook: event, project, --json")
    func hook() throws {
        let command = try #require(try Self.parse(["hook", "PostToolUse", "--project", "P", "--json"]) as? Hook)
        #expect(command.event == "PostToolUse" && command.project == "P" && command.json)
    }

    @Test("run: options before --, the command after it, verbatim")
    func run() throws {
        let command = try #require(
            try Self.parse(["run", "--name", "t", "--mask", "abc", "--mask-env", "K", "--json", "--", "make", "--json", "--", "-x"])
                as? plenar.Run)
        #expect(command.name == "t" && command.masks == ["abc"] && command.maskVariables == ["K"] && command.json)
        #expect(command.command == ["make", "--json", "--", "-x"])
    }

    @Test("flush: --json, and nothing else")
    func flush() throws {
        #expect(try #require(try Self.parse(["flush", "--json"]) as? Flush).json)
        #expect(try #require(try Self.parse(["flush"]) as? Flush).json == false)
        #expect(Self.usageStatus(["flush", "extra"]) == 64)
        #expect(Self.usageStatus(["flush", "--project", "P"]) == 64)
    }

    @Test(
        "usage errors are 64",
        arguments: [
            ["signal"], ["signal", ""], ["signal", "x", "--attr", "=v"], ["signal", "x", "--attr", "novalue"], ["hook"], ["hook", ""],
            ["status", "--bogus"], ["connect", "--key"], ["nosuchcommand"], ["run", "--mask"],
        ])
    func usageErrors(argv: [String]) {
        #expect(Self.usageStatus(argv) == 64, "\(argv)")
    }

    static let commands: [(String, any ParsableCommand.Type)] = [
        ("plenar", Plenar.self), ("connect", Connect.self), ("status", Status.self),
        ("signal", plenar.Signal.self), ("hook", Hook.self), ("run", plenar.Run.self), ("flush", Flush.self),
    ]

    @Test("help texts: golden, and paragraphs wrapped by the parser alone (no ragged lines)", arguments: ParseTests.commands.map(\.0))
    func help(name: String) throws {
        let type = try #require(Self.commands.first { $0.0 == name }?.1)
        let text = Plenar.helpMessage(for: type, columns: 80)
        try Golden.check("help-\(name).txt", text)
        for line in text.split(separator: "\n") {
            #expect(line.count <= 80 || line.hasPrefix("USAGE:"), "too long: \(line)")
        }
        // A line the parser broke short, followed by one that continues the sentence, is a
        // manual line break inside a paragraph: it reads ragged once re-wrapped.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (line, next) in zip(lines, lines.dropFirst())
        where !line.isEmpty && !next.isEmpty && !line.hasPrefix(" ") && !next.hasPrefix(" ") {
            #expect(line.count > 40 || line.hasSuffix(":") || line.hasSuffix("."), "ragged: \(line) / \(next)")
        }
    }
}
