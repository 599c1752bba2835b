import ArgumentParser
import DryRun
import Foundation
import Testing

@testable import plenar_dry_run

/// `plenar-dry-run eval`: parsing, the logic, and the built binary.
@Suite("plenar-dry-run eval: an expression's value as JSON")
struct DryRunEvalTests {
    @Test("parse: eval EXPRESSION --contexts FILE is the subcommand; a workflow file is still the run")
    func parse() throws {
        let eval = try #require(try DryRunRoot.parseAsRoot(["eval", "github.ref == 'x'", "--contexts", "ctx.json"]) as? EvalCommand)
        #expect(eval.expression == "github.ref == 'x'")
        #expect(eval.contexts == "ctx.json")
        #expect(try #require(try DryRunRoot.parseAsRoot(["eval", "1"]) as? EvalCommand).contexts == nil)
        let run = try #require(try DryRunRoot.parseAsRoot(["ci.yml", "--job", "test"]) as? DryRunCommand)
        #expect(run.workflowFile == "ci.yml")
        #expect(run.job == "test")
        #expect(throws: (any Error).self) { try DryRunRoot.parseAsRoot(["eval"]) }
        #expect(throws: (any Error).self) { try DryRunRoot.parseAsRoot(["eval", "1", "--contexts"]) }
    }

    @Test("logic: contexts by name, env case-sensitive; bare, ${{ }} and text forms; a missing context is named")
    func logic() throws {
        let contexts = try ExpressionEval.contexts(
            json: #"{"GitHub": {"event_name": "push", "workspace": "/nowhere"}, "env": {"Name": "v"}, "steps": {}}"#, from: "ctx.json")
        #expect(Set(contexts.keys) == ["github", "env", "steps"])
        func value(_ source: String) throws -> ExpressionValue { try ExpressionEval.evaluate(source, contexts: contexts, workspace: "/") }
        #expect(try value("github.EVENT_NAME == 'push'") == .bool(true))
        #expect(try value("${{ github.event_name }}") == .string("push"))
        #expect(try value("${{ fromJSON('[1]') }}") == .array(ExpressionArray([.number(1)])))
        #expect(try value("on ${{ github.event_name }}") == .string("on push"))
        #expect(try value("env.Name") == .string("v"))
        #expect(try value("env.name") == .null, "env keeps its keys' case, as on Linux")
        #expect(
            throws: ExpressionEval.Failure.expression(
                "the expression reads inputs, matrix, which the contexts do not give: add them to --contexts")
        ) {
            try value("inputs.x || matrix.os")
        }
        #expect(throws: ExpressionEval.Failure.self) { try value("github.event_name ==") }
        #expect(
            throws: ExpressionEval.Failure.contexts(
                "ctx.json: give a JSON object of contexts by name, such as {\"github\": {\"event_name\": \"push\"}}")
        ) {
            try ExpressionEval.contexts(json: "[1]", from: "ctx.json")
        }
        #expect(throws: ExpressionEval.Failure.self) { try ExpressionEval.contexts(json: "{nope", from: "ctx.json") }
    }

    func eval(_ arguments: [String], stdin: Data? = nil, files: [String: String] = [:]) async throws -> ChildProcess {
        let folder = try Workspace(git: false)
        defer { folder.remove() }
        for (path, text) in files { try folder.write(path, text) }
        return try await ChildProcess.run(
            BuiltProducts.path("plenar-dry-run"), ["eval"] + arguments, environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"],
            stdin: stdin, directory: folder.folder)
    }

    @Test("binary: the value on stdout as JSON (0); a bad expression 2; a bad contexts file 64; contexts from stdin")
    func binary() async throws {
        let contexts = #"{"github": {"event": {"labels": [{"name": "bug"}, {"name": "ci"}]}, "ref": "refs/heads/main"}}"#
        let labels = try await eval(["github.event.labels.*.name", "--contexts", "ctx.json"], files: ["ctx.json": contexts])
        #expect(labels.status == 0, "\(labels.stderr)")
        #expect(labels.stdout == "[\n  \"bug\",\n  \"ci\"\n]\n")
        #expect(labels.stderr == "")

        let condition = try await eval(
            ["github.ref == 'refs/heads/main' && contains(github.event.labels.*.name, 'CI')", "--contexts", "-"], stdin: Data(contexts.utf8)
        )
        #expect(condition.status == 0, "\(condition.stderr)")
        #expect(condition.stdout == "true\n")

        let hash = try await eval(["hashFiles('*.txt')"], files: ["a.txt": "a"])
        #expect(
            hash.stdout == "\"bf5d3affb73efd2ec6c36ad3112dd933efed63c4e1cbffcfa88e2759c144f2d8\"\n", "the current folder is the workspace")

        let syntax = try await eval(["github.ref ==", "--contexts", "ctx.json"], files: ["ctx.json": contexts])
        #expect(syntax.status == 2)
        #expect(syntax.stdout == "")
        #expect(
            syntax.stderr
                == "plenar-dry-run: eval: Unexpected end of expression: '=='. Located at position 12 within expression: github.ref ==\n")

        let missing = try await eval(["steps.build.outputs.x"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("the expression reads steps, which the contexts do not give"))

        let badJSON = try await eval(["1", "--contexts", "ctx.json"], files: ["ctx.json": "{\"github\": "])
        #expect(badJSON.status == 64)
        #expect(badJSON.stderr.hasPrefix("plenar-dry-run: eval: --contexts ctx.json: invalid JSON at character"))

        let absent = try await eval(["1", "--contexts", "absent.json"])
        #expect(absent.status == 64)
        #expect(absent.stderr == "plenar-dry-run: eval: --contexts absent.json: cannot read the file (give a JSON file, or - for stdin)\n")
    }
}
