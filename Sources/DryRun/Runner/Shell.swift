import Foundation
import Platform

/// How a run step's script is started, chosen as the runner chooses:
///
/// - no `shell`: `bash -e {0}` (bash found on PATH, else `sh -e {0}`). Note: not pipefail;
///   that comes only with an explicit `shell: bash`.
/// - `bash`: `bash --noprofile --norc -e -o pipefail {0}`
/// - `sh`: `sh -e {0}`
/// - `python`: `python {0}`
/// - `pwsh`, `powershell`: `-command ". '{0}'"`, the script wrapped to stop on errors
/// - anything else: `COMMAND ARGS` with `{0}` in ARGS, a custom template (`perl {0}`)
///
/// The command is looked up on the step's PATH (with `GITHUB_PATH` additions). The script is
/// written to a new file in `RUNNER_TEMP` named for the shell (`.sh`, `.py`, `.ps1`).
struct Shell: Equatable {
    let executable: String
    let arguments: [String]

    private static let defaultArguments = [
        "cmd": "/D /E:ON /V:OFF /S /C \"CALL \"{0}\"\"",
        "pwsh": "-command \". '{0}'\"",
        "powershell": "-command \". '{0}'\"",
        "bash": "--noprofile --norc -e -o pipefail {0}",
        "sh": "-e {0}",
        "python": "{0}",
    ]

    private static let extensions = ["cmd": ".cmd", "pwsh": ".ps1", "powershell": ".ps1", "bash": ".sh", "sh": ".sh", "python": ".py"]

    struct Plan {
        let command: String
        let path: String
        let argumentFormat: String
        var fileExtension: String { Shell.extensions[command.lowercased()] ?? "" }

        func fixUp(_ script: String) -> String {
            switch command.lowercased() {
            case "pwsh", "powershell":
                "$ErrorActionPreference = 'stop'\n\(script)\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }"
            case "cmd":
                "@echo off\n\(script)"
            default:
                script
            }
        }

        func shell(script: String) -> Shell {
            Shell(executable: path, arguments: Shell.split(argumentFormat.replacingOccurrences(of: "{0}", with: script)))
        }
    }

    /// The plan for `shell` (nil or empty for none) on `searchPath`; the error is the runner's message.
    static func plan(_ shell: String?, searchPath: String) -> Result<Plan, ShellError> {
        guard let shell, !shell.isEmpty else {
            guard let path = which("bash", in: searchPath) ?? which("sh", in: searchPath) else {
                return .failure(ShellError(message: notFound("sh")))
            }
            return .success(Plan(command: "sh", path: path, argumentFormat: defaultArguments["sh"]!))
        }
        let command: String
        var format: String
        if let space = shell.firstIndex(of: " ") {
            command = String(shell[..<space])
            format = String(shell[shell.index(after: space)...].trimmingPrefix(while: \.isWhitespace))
        } else {
            command = shell
            format = ""
        }
        if format.isEmpty { format = defaultArguments[command.lowercased()] ?? "" }
        guard format.contains("{0}") else {
            return .failure(
                ShellError(
                    message:
                        "Invalid shell option. Shell must be a valid built-in (bash, sh, cmd, powershell, pwsh) or a format string containing '{0}'"
                ))
        }
        guard let path = which(command, in: searchPath) else { return .failure(ShellError(message: notFound(command))) }
        return .success(Plan(command: command, path: path, argumentFormat: format))
    }

    private static func notFound(_ command: String) -> String {
        "Unable to locate executable file: \(command). Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable."
    }

    /// The executable `command` names: itself when it holds a `/`, else the first match on `searchPath`.
    static func which(_ command: String, in searchPath: String) -> String? {
        guard let match = PathSearch.find(command, searchPath: searchPath), match.executable else { return nil }
        return match.path
    }

    /// Splits an argument string as .NET does on Linux: at blanks outside double quotes, `\"` for a quote.
    static func split(_ text: String) -> [String] {
        var arguments: [String] = []
        var current = ""
        var inQuotes = false
        var hasArgument = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            switch character {
            case "\\":
                var backslashes = 1
                var next = characters.next()
                while next == "\\" {
                    backslashes += 1
                    next = characters.next()
                }
                if next == "\"" {
                    current += String(repeating: "\\", count: backslashes / 2)
                    if backslashes % 2 == 1 {
                        current.append("\"")
                    } else {
                        inQuotes.toggle()
                    }
                } else {
                    current += String(repeating: "\\", count: backslashes)
                    if let next {
                        if !inQuotes, next == " " || next == "\t" {
                            arguments.append(current)
                            current = ""
                            hasArgument = false
                            continue
                        }
                        current.append(next)
                    }
                }
                hasArgument = true
            case "\"":
                inQuotes.toggle()
                hasArgument = true
            case " ", "\t":
                if inQuotes {
                    current.append(character)
                } else if hasArgument {
                    arguments.append(current)
                    current = ""
                    hasArgument = false
                }
            default:
                current.append(character)
                hasArgument = true
            }
        }
        if hasArgument { arguments.append(current) }
        return arguments
    }
}

struct ShellError: Error {
    let message: String
}
