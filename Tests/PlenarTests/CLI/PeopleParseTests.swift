import ArgumentParser
import Foundation
import PlenarAPI
import PlenarKit
import Testing

@testable import plenar

/// argv → parsed command for login, logout, auth, project and keys.
@Suite("plenar's people commands: parsing and help")
struct PeopleParseTests {
    @Test("login, logout, auth status, project")
    func accountCommands() throws {
        let login = try #require(try ParseTests.parse(["login", "--no-browser", "--json", "--timeout", "90s"]) as? Login)
        #expect(login.noBrowser && login.json && login.timeout == "90s")
        #expect(try ParseTests.parse(["logout"]) is Logout)
        let status = try #require(try ParseTests.parse(["auth", "status", "--key", "pko_x", "--json"]) as? AuthStatus)
        #expect(status.key == "pko_x" && status.json)
        #expect(try #require(try ParseTests.parse(["project", "use", "PLEN-OPS"]) as? UseProject).project == "PLEN-OPS")
        #expect(try #require(try ParseTests.parse(["project", "list", "--json"]) as? ListProjects).options.json)
        #expect(try ParseTests.parse(["project", "current"]) is CurrentProject)
    }

    @Test("keys create, revoke, rotate: handovers and options")
    func keys() throws {
        let create = try #require(
            try ParseTests.parse([
                "keys", "create", "--description", "CI", "--kind", "personal", "--expires", "never", "--projects", "A,B",
                "--scopes", "signals:write, runs:write", "--gh-secret", "PLENAR_TOKEN", "--repo", "acme/app",
            ]) as? KeysCreate)
        #expect(create.handover.handover == .ghSecret(name: "PLENAR_TOKEN", repo: "acme/app"))
        #expect(create.kind == "personal" && create.expires == "never" && create.projects == "A,B")
        let rotate = try #require(try ParseTests.parse(["keys", "rotate", "key_1", "--out", "/tmp/k", "--wait", "10m"]) as? KeysRotate)
        #expect(rotate.id == "key_1" && rotate.wait == "10m" && rotate.handover.handover == .file("/tmp/k"))
        #expect(try #require(try ParseTests.parse(["keys", "revoke", "key_2"]) as? KeysRevoke).id == "key_2")
        #expect(
            DurationText.parse("10m") == .seconds(600) && DurationText.parse("250ms") == .milliseconds(250)
                && DurationText.parse("7") == .seconds(7))
    }

    @Test(
        "usage errors are 64",
        arguments: [
            ["login", "--timeout", "soon"], ["login", "--timeout", "0s"], ["project", "use"], ["keys", "create"],
            ["keys", "create", "--description", "x", "--expires", "31"], ["keys", "create", "--description", "x", "--kind", "session"],
            ["keys", "create", "--description", "x", "--scopes", "admin"],
            ["keys", "create", "--description", "x", "--out", "f", "--gh-secret", "S"],
            ["keys", "create", "--description", "x", "--repo", "a/b"], ["keys", "rotate"], ["keys", "rotate", "key_1", "--wait", "later"],
        ])
    func usageErrors(argv: [String]) {
        #expect(ParseTests.usageStatus(argv) == 64, "\(argv)")
    }

    static let commands: [(String, any ParsableCommand.Type)] = [
        ("login", Login.self), ("keys-create", KeysCreate.self), ("keys-rotate", KeysRotate.self),
    ]

    @Test("help texts are golden", arguments: PeopleParseTests.commands.map(\.0))
    func help(name: String) throws {
        let type = try #require(Self.commands.first { $0.0 == name }?.1)
        let text = Plenar.helpMessage(for: type, columns: 80)
        try Golden.check("help-\(name).txt", text)
        for line in text.split(separator: "\n") {
            #expect(line.count <= 80 || line.hasPrefix("USAGE:"), "too long: \(line)")
        }
    }
}
