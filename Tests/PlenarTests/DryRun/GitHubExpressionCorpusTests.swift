import Foundation
import Testing

@testable import DryRun

/// GitHub's own cross-language test cases for Actions expressions, taken as the specification:
/// the `expressions/testdata/*.json` files of actions/languageservices (MIT), read at test time
/// from `../shared/conformance/github-expressions` beside the package (never copied into it).
///
/// Each file maps a group name to cases `{expr, contexts, result: {kind, value}}` or
/// `{expr, contexts, err: {kind, value}}`. A case is run the way languageservices'
/// `expressions/src/xlang.test.ts` runs it: lex, then parse with the contexts' names as the only
/// named values, then evaluate; an expected error must come from that phase (lexing, parsing or
/// evaluation) and its message must contain the expected text; a result must have the expected
/// kind and value (object keys in order). Cases marked `"skip": ["typescript"]` are run too:
/// they hold for GitHub's runner, which is what the local run imitates.
@Suite("GitHub's expression corpus (actions/languageservices testdata)")
struct GitHubExpressionCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/github-expressions")

    static var corpusPresent: Bool { FileManager.default.fileExists(atPath: folder.appendingPathComponent("basic.json").path) }

    /// The cases this evaluator deliberately answers differently, by "file: group: expression",
    /// with the reason. Any other failing case fails the test, and so does an entry here whose
    /// case now passes.
    ///
    /// None: every case passes. Outside the corpus, where languageservices' TypeScript evaluator
    /// and the runner's C# one disagree, this evaluator follows the runner (what a job meets):
    /// `case()` evaluates only the branch it takes; comparisons use .NET's one-to-one case mapping
    /// (`'ß' != 'SS'`, and the long `ſ` is not `S`); `''` in a string literal is a quote however
    /// often it appears; numbers print as .NET's G15; the runner's 1 MiB memory limit applies
    /// (its one corpus case, `syntax-errors: memory-errors`, is marked skip for TypeScript).
    static let knownDifferences: [String: String] = [:]

    /// At least this share of the corpus must pass, differences included.
    static let requiredShare = 0.99

    // The folder is outside the package: a checkout without it skips this test, and says so.
    @Test(
        "every case of GitHub's corpus: at least 99% pass, and every failure is a listed difference",
        .enabled(if: corpusPresent, "GitHub's expression corpus is absent (expected at ../shared/conformance/github-expressions): skipped")
    )
    func corpus() throws {
        let cases = try Self.loadCases()
        #expect(cases.count > 1000, "the corpus has 1,020 cases; fewer means files went missing")
        var failures: [(CorpusCase, String)] = []
        var unexpectedPasses: [String] = []
        for testCase in cases {
            let problem = testCase.run()
            let listed = Self.knownDifferences[testCase.id] != nil
            if let problem {
                failures.append((testCase, problem))
                if !listed { Issue.record("\(testCase.id): \(problem)") }
            } else if listed {
                unexpectedPasses.append(testCase.id)
            }
        }
        for id in unexpectedPasses { Issue.record("\(id) is listed as a difference but passes: remove it from knownDifferences") }
        let passed = cases.count - failures.count
        let share = Double(passed) / Double(cases.count)
        print("GitHub expression corpus: \(passed) of \(cases.count) cases pass (\(String(format: "%.1f", share * 100))%)")
        if ProcessInfo.processInfo.environment["CORPUS_LIST_FAILURES"] != nil {
            for (testCase, problem) in failures { print("  ✗ \(testCase.id): \(problem)") }
        }
        #expect(share >= Self.requiredShare, "\(passed) of \(cases.count) cases pass")
    }

    static func loadCases() throws -> [CorpusCase] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        var cases: [CorpusCase] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            guard case .object(let groups) = try ExpressionValue.parseJSON(text) else {
                throw CorpusError("\(file): not an object of groups")
            }
            for group in groups.entries {
                guard case .array(let list) = group.value else { throw CorpusError("\(file): \(group.key): not a list of cases") }
                for entry in list.elements {
                    cases.append(try CorpusCase(file: String(file.dropLast(5)), group: group.key, entry))
                }
            }
        }
        return cases
    }
}

struct CorpusError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One case of the corpus and how to run it.
struct CorpusCase {
    enum Expectation {
        case result(kind: String, value: ExpressionValue)
        case error(phase: String, message: String)
    }

    let file: String
    let group: String
    let expression: String
    let contexts: [(String, ExpressionValue)]
    let expectation: Expectation

    var id: String { "\(file): \(group): \(expression)" }

    init(file: String, group: String, _ entry: ExpressionValue) throws {
        self.file = file
        self.group = group
        guard case .object(let object) = entry, case .string(let expression) = object["expr"] else {
            throw CorpusError("\(file): \(group): a case without expr")
        }
        self.expression = expression
        if case .object(let contexts) = object["contexts"] {
            self.contexts = contexts.entries.map { ($0.key, $0.value) }
        } else {
            self.contexts = []
        }
        if case .object(let result) = object["result"], case .string(let kind) = result["kind"] {
            expectation = .result(kind: kind, value: result["value"] ?? .null)
        } else if case .object(let error) = object["err"], case .string(let phase) = error["kind"],
            case .string(let message) = error["value"]
        {
            expectation = .error(phase: phase, message: message)
        } else {
            throw CorpusError("\(file): \(group): \(expression): neither result nor err")
        }
    }

    /// nil when the evaluator gives what the case expects, else what went wrong.
    func run() -> String? {
        let expectedPhase: String? = if case .error(let phase, _) = expectation { phase } else { nil }
        let expectedMessage: String? = if case .error(_, let message) = expectation { message } else { nil }
        func failure(in phase: String, _ error: ExpressionError) -> String? {
            guard expectedPhase == phase else { return "unexpected \(phase) error: \(error)" }
            guard let expectedMessage, "\(error)".contains(expectedMessage) else {
                return "\(phase) error \"\(error)\" does not contain \"\(expectedMessage ?? "")\""
            }
            return nil
        }

        do {
            _ = try ExpressionLexer.tokens(expression)
        } catch {
            return failure(in: "lexing", error)
        }
        if expectedPhase == "lexing" { return "expected a lexing error, got none" }

        let node: ExpressionNode
        do {
            node = try ExpressionParser.parse(expression, namedValues: Set(contexts.map { $0.0.lowercased() }))
        } catch {
            return failure(in: "parsing", error)
        }
        if expectedPhase == "parsing" { return "expected a parsing error, got none" }

        var values: [String: ExpressionValue] = [:]
        for (name, value) in contexts where values[name.lowercased()] == nil { values[name.lowercased()] = value }
        let value: ExpressionValue
        do {
            value = try ExpressionContext(values: values).evaluate(node)
        } catch {
            return failure(in: "evaluation", error)
        }
        guard case .result(let kind, let expected) = expectation else {
            return "expected an \(expectedPhase ?? "") error, got \(value.json())"
        }
        guard value.corpusKind == kind else { return "got a \(value.corpusKind) (\(value.json())), expected a \(kind)" }
        guard value.sameJSON(as: expected) else { return "got \(value.json()), expected \(expected.json())" }
        return nil
    }
}

extension ExpressionValue {
    /// The kind's name in the corpus.
    var corpusKind: String {
        switch self {
        case .null: "Null"
        case .bool: "Boolean"
        case .number: "Number"
        case .string: "String"
        case .array: "Array"
        case .object: "Object"
        }
    }

    /// Equal as JSON text is: numbers by value (so -0 is 0), object keys in order.
    func sameJSON(as other: ExpressionValue) -> Bool {
        switch (self, other) {
        case (.number(let a), .number(let b)): a == b
        case (.array(let a), .array(let b)):
            a.elements.count == b.elements.count && zip(a.elements, b.elements).allSatisfy { $0.sameJSON(as: $1) }
        case (.object(let a), .object(let b)):
            a.entries.count == b.entries.count
                && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value.sameJSON(as: $1.value) }
        default: self == other
        }
    }
}
