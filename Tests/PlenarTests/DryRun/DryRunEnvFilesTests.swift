import DryRun
import Foundation
import Testing

@Suite("DryRun env files: GITHUB_ENV and GITHUB_OUTPUT assignments, heredocs, GITHUB_PATH")
struct DryRunEnvFilesTests {
    @Test("NAME=VALUE lines split at the first =; empty lines are skipped; a later line wins later")
    func assignments() throws {
        let parsed = try EnvFiles.parseAssignments("A=1\n\nURL=https://x?a=b\nEMPTY=\nA=2\n")
        #expect(parsed == [NamedValue("A", "1"), NamedValue("URL", "https://x?a=b"), NamedValue("EMPTY", ""), NamedValue("A", "2")])
        #expect(try EnvFiles.parseAssignments("") == [])
        #expect(try EnvFiles.parseAssignments("LAST=no newline") == [NamedValue("LAST", "no newline")])
    }

    @Test("NAME<<DELIMITER takes the lines up to the delimiter, without the newline before it; any delimiter works")
    func heredoc() throws {
        let delimiter = "ghadelimiter_\(UUID().uuidString)"
        let text = "BODY<<\(delimiter)\nline one\n\nA=not an assignment\n\(delimiter)\nAFTER=1\nONE<<EOF\nsingle\nEOF\nNONE<<EOF\nEOF\n"
        #expect(
            try EnvFiles.parseAssignments(text) == [
                NamedValue("BODY", "line one\n\nA=not an assignment"), NamedValue("AFTER", "1"), NamedValue("ONE", "single"),
                NamedValue("NONE", ""),
            ])
        #expect(try EnvFiles.parseAssignments("X<<EOF\nvalue=with equals\nEOF") == [NamedValue("X", "value=with equals")])
        #expect(try EnvFiles.parseAssignments("K=a<<b") == [NamedValue("K", "a<<b")], "= before << is an assignment")
    }

    @Test("an unterminated heredoc, an empty name or delimiter, a line with neither form: errors with the runner's words")
    func malformed() {
        #expect(throws: EnvFileError(message: "Invalid value. Matching delimiter not found 'EOF'")) {
            try EnvFiles.parseAssignments("TEXT<<EOF\nnever closed\nEOF \n")
        }
        #expect(throws: EnvFileError.self) { try EnvFiles.parseAssignments("=value\n") }
        #expect(throws: EnvFileError.self) { try EnvFiles.parseAssignments("NAME<<\nx\n") }
        #expect(throws: EnvFileError(message: "Invalid format 'just text'")) { try EnvFiles.parseAssignments("just text\n") }
    }

    @Test("GITHUB_PATH: one folder a line; the latest addition comes first in PATH, a repeat moves to the front")
    func path() {
        var list: [String] = []
        EnvFiles.prepend(EnvFiles.parsePath("/a\n\n/b\n"), to: &list)
        #expect(EnvFiles.path(prepending: list, to: "/usr/bin:/bin") == "/b:/a:/usr/bin:/bin")
        EnvFiles.prepend(["/c", "/a"], to: &list)
        #expect(EnvFiles.path(prepending: list, to: "/usr/bin") == "/a:/c:/b:/usr/bin")
        #expect(EnvFiles.path(prepending: [], to: "/usr/bin") == "/usr/bin")
    }
}
