import Foundation
import Testing

@testable import DryRun

/// Collects the log's lines.
final class CapturedLog: LogOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func write(_ line: String) {
        lock.withLock { stored.append(line) }
    }

    var lines: [String] { lock.withLock { stored } }
}

@Suite("DryRun log: masking and workflow commands")
struct DryRunLogTests {
    func feed(_ lines: [String], debug: Bool = false, masks: [String] = []) -> (lines: [String], commands: StepCommands, log: Log) {
        let output = CapturedLog()
        let log = Log(output: output)
        log.showDebug = debug
        for mask in masks { log.addMask(mask) }
        var commands = StepCommands()
        for line in lines { log.stepOutput(line, commands: &commands) }
        return (output.lines, commands, log)
    }

    @Test("::add-mask:: is not printed and masks every later occurrence, not earlier lines")
    func addMask() {
        let run = feed(["before hunter2", "::add-mask::hunter2", "after hunter2 and hunter2!", "  ::add-mask::pa55", "pa55hunter2"])
        #expect(run.lines == ["before hunter2", "after *** and ***!", "******"])
    }

    @Test("values given from the start are masked from the first line; overlapping values become one ***")
    func masker() {
        #expect(feed(["token=abc123"], masks: ["abc123"]).lines == ["token=***"])
        var masker = Masker()
        masker.add("abcd")
        masker.add("cdef")
        #expect(masker.mask("xabcdefx") == "x***x")
        masker.add("line one\nline two")
        #expect(masker.mask("see line two") == "see ***", "each line of a multi-line value")
        masker.add("   ")
        #expect(masker.mask("a   b") == "a   b", "blank values are not masks")
    }

    @Test("a value is masked in the forms the runner's value encoders give: base64 at three offsets, JSON, URI, quotes")
    func encodedForms() {
        var masker = Masker()
        let secret = #"pa"ss\wd&it's-long/ö"#
        masker.add(secret)
        let bytes = Array(secret.utf8)
        let inner = Data(("user:" + secret).utf8).base64EncodedString()
        for shown in [
            Data(bytes).base64EncodedString(), Data(bytes.dropFirst()).base64EncodedString(),
            Data(bytes.dropFirst(2)).base64EncodedString(),
            #"pa\"ss\\wd&it's-long/ö"#,  // JSON-escaped (toJSON)
            "pa%22ss%5Cwd%26it%27s-long%2F%C3%B6",  // Uri.EscapeDataString
            #"pa"ss\wd&it''s-long/ö"#,  // the expression escape
            "pa&quot;ss\\wd&amp;it&apos;s-long/ö",  // XML
        ] {
            #expect(masker.mask("[\(shown)]") == "[***]", "\(shown)")
        }
        // base64 of the secret behind a prefix: the shifted forms cover some alignment of it.
        #expect(masker.mask(inner).contains("***"), "\(inner)")
        #expect(masker.mask("nothing secret here") == "nothing secret here")
    }

    @Test("::warning::, ::error::, ::notice:: print as annotations with their location and title, and are kept")
    func annotations() {
        let run = feed([
            "::warning::plain", "::error file=Sources/a.swift,line=3,col=7::broken%0Anext line", "::notice title=Heads up::note 100%25",
        ])
        #expect(run.lines == ["Warning: plain", "Error: Sources/a.swift:3:7: broken", "next line", "Notice: Heads up: note 100%"])
        #expect(run.log.annotations.count == 3)
    }

    @Test("::group:: indents until ::endgroup::; ::debug:: shows only with step debug; unknown commands print as they are")
    func groupsAndDebug() {
        #expect(
            feed(["::group::Build", "inside", "::endgroup::", "outside", "::debug::hidden"]).lines == ["▼ Build", "  inside", "outside"])
        #expect(feed(["::debug::shown"], debug: true).lines == ["Debug: shown"])
        #expect(feed(["::unknown::x", ":: not a command"]).lines == ["::unknown::x", ":: not a command"])
    }

    @Test("::stop-commands:: turns commands off until its token comes back; masking goes on")
    func stopCommands() {
        let run = feed(["::stop-commands::tok", "::warning::literal", "::add-mask::x", "::tok::", "::warning::real"], masks: ["literal"])
        #expect(run.lines == ["::warning::***", "::add-mask::x", "Warning: real"])
    }

    @Test("::set-output sets an output with a warning; ::set-env and ::add-path are refused")
    func deprecatedCommands() {
        let run = feed(["::set-output name=result::42", "::set-env name=A::1"])
        #expect(run.commands.outputs == [NamedValue("result", "42")])
        #expect(run.commands.errors.count == 1)
        #expect(run.lines.first?.hasPrefix("Warning: The `set-output` command is deprecated") == true)
        #expect(run.lines.last?.contains("The `set-env` command is disabled") == true)
    }
}
