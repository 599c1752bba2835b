/// A name and a value, in the order they were written.
public struct NamedValue: Sendable, Equatable {
    public let name: String
    public let value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Why a `GITHUB_ENV` or `GITHUB_OUTPUT` file could not be read. The runner fails the step with
/// "Unable to process file command 'env' successfully." and this message.
public struct EnvFileError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The files a step writes to talk to the runner.
public enum EnvFiles {
    /// Reads `GITHUB_ENV` and `GITHUB_OUTPUT` as the runner does: lines split at `\n`; empty lines
    /// skipped; `NAME=VALUE` (split at the first `=`) or, when `<<` comes before any `=`,
    /// `NAME<<DELIMITER` followed by value lines up to a line that is exactly the delimiter (the
    /// value excludes the newline before it). A line with neither, an empty name or delimiter, or a
    /// heredoc without its closing delimiter is an error.
    public static func parseAssignments(_ text: String) throws(EnvFileError) -> [NamedValue] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // A final "\n" ends the last line; it does not start an empty one.
        if text.hasSuffix("\n") { lines.removeLast() }
        var result: [NamedValue] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if line.isEmpty { continue }
            let equals = line.range(of: "=")
            let heredoc = line.range(of: "<<")
            if let equals, heredoc.map({ equals.lowerBound < $0.lowerBound }) ?? true {
                let name = String(line[..<equals.lowerBound])
                guard !name.isEmpty else {
                    throw EnvFileError(message: "Invalid format '\(line)'. Name must not be empty")
                }
                result.append(NamedValue(name, String(line[equals.upperBound...])))
            } else if let heredoc {
                let name = String(line[..<heredoc.lowerBound])
                let delimiter = String(line[heredoc.upperBound...])
                guard !name.isEmpty, !delimiter.isEmpty else {
                    throw EnvFileError(message: "Invalid format '\(line)'. Name must not be empty and delimiter must not be empty")
                }
                var value: [String] = []
                while true {
                    guard index < lines.count else {
                        throw EnvFileError(message: "Invalid value. Matching delimiter not found '\(delimiter)'")
                    }
                    let valueLine = lines[index]
                    index += 1
                    if valueLine == delimiter { break }
                    value.append(valueLine)
                }
                result.append(NamedValue(name, value.joined(separator: "\n")))
            } else {
                throw EnvFileError(message: "Invalid format '\(line)'")
            }
        }
        return result
    }

    /// Reads `GITHUB_PATH`: each non-empty line is a folder.
    public static func parsePath(_ text: String) -> [String] {
        text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// Adds folders from `GITHUB_PATH` to the list the runner keeps: a folder already there moves to
    /// the end. PATH is then these folders last-added first, then the rest.
    public static func prepend(_ added: [String], to list: inout [String]) {
        for folder in added {
            list.removeAll { $0 == folder }
            list.append(folder)
        }
    }

    /// PATH for a step: the prepended folders, most recent first, before `base`.
    public static func path(prepending list: [String], to base: String) -> String {
        let prefix = list.reversed().joined(separator: ":")
        if prefix.isEmpty { return base }
        return base.isEmpty ? prefix : prefix + ":" + base
    }
}
