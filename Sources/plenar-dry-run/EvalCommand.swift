import ArgumentParser
import DryRun
import Foundation

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Print the value of a GitHub Actions expression as JSON, with contexts from a file.",
        discussion: """
            The expression is evaluated as on GitHub (its corpus of expression tests is this \
            evaluator's specification): bare, as an if: holds it, or with ${{ }} (text around \
            an expression makes the value text). Contexts come from a JSON object by name; an \
            expression that reads a context the file does not give is an error. hashFiles() \
            hashes under github.workspace, else under the current folder. success() is true.

            Exit statuses: 0 the value was printed, 2 the expression does not parse or fails to \
            evaluate (the message says why), 64 usage error, including a contexts file that \
            cannot be read or is not a JSON object.

            Examples:
              plenar-dry-run eval "github.event_name == 'push' && !contains(github.ref, 'tags')" --contexts ctx.json
              echo '{"steps": {"a": {"outputs": {"n": "3"}}}}' | plenar-dry-run eval 'steps.a.outputs.n > 2' --contexts -
            """
    )

    @Argument(help: "The expression, bare or in ${{ }}.")
    var expression: String

    @Option(help: ArgumentHelp("A JSON object of contexts by name (github, env, steps, …); - for stdin.", valueName: "file.json"))
    var contexts: String?

    func run() throws {
        var values: [String: ExpressionValue] = [:]
        if let contexts {
            let data: Data?
            if contexts == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: contexts)
            }
            guard let data, let text = String(data: data, encoding: .utf8) else {
                printError("plenar-dry-run: eval: --contexts \(contexts): cannot read the file (give a JSON file, or - for stdin)")
                throw ExitCode(64)
            }
            do {
                values = try ExpressionEval.contexts(json: text, from: contexts == "-" ? "stdin" : contexts)
            } catch {
                printError("plenar-dry-run: eval: --contexts \(error)")
                throw ExitCode(64)
            }
        }
        let value: ExpressionValue
        do {
            value = try ExpressionEval.evaluate(expression, contexts: values, workspace: FileManager.default.currentDirectoryPath)
        } catch {
            printError("plenar-dry-run: eval: \(error)")
            throw ExitCode(2)
        }
        print(value.json())
    }
}
