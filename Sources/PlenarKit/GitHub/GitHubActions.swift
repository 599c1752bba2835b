/// Workflow commands and environment files of GitHub Actions.
public enum GitHubActions {
    public static func isActive(_ environment: [String: String]) -> Bool {
        environment["GITHUB_ACTIONS"] == "true"
    }

    /// Escapes a workflow command's data as the runner requires.
    public static func escapeData(_ text: String) -> String {
        text.escapingScalars(["%": "%25", "\r": "%0D", "\n": "%0A"])
    }

    static func maskCommand(_ secret: String) -> String {
        "::add-mask::\(escapeData(secret))\n"
    }

    /// The mask commands for a secret, line by line as the runner masks (`CIMaskText`); none for
    /// a secret the runner cannot mask. Written only by `GitHubActionsCI.announceMasks`.
    static func maskCommands(_ secret: [UInt8]) -> String {
        (CIMaskText.lines(secret) ?? []).map(maskCommand).joined()
    }

    /// Whether the runner can mask the value: it reads `::add-mask::` as UTF-8 text.
    public static func canMask(_ value: [UInt8]) -> Bool {
        CIMaskText.lines(value) != nil
    }

    public static func annotation(_ severity: Severity, _ message: String) -> String {
        "::\(severity == .error ? "error" : "warning")::\(escapeData(message))\n"
    }

    /// `NAME<<DELIMITER` entries for `GITHUB_ENV` and `GITHUB_OUTPUT`, with a random delimiter
    /// drawn again until it occurs in no value and no name.
    public static func environmentFileEntries(_ entries: [(String, String)], random: (Int) -> String) throws(FileError) -> String {
        var text = ""
        for (name, value) in entries {
            guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }), !name.contains("="),
                !name.contains("<<")
            else {
                throw FileError(path: name, reason: "not a valid variable name")
            }
            var delimiter = "ghadelimiter_" + random(24)
            var attempts = 0
            while value.contains(delimiter) || name.contains(delimiter) {
                attempts += 1
                guard attempts < 16 else { throw FileError(path: name, reason: "no delimiter avoids the value") }
                delimiter = "ghadelimiter_" + random(24)
            }
            text += "\(name)<<\(delimiter)\n\(value)\n\(delimiter)\n"
        }
        return text
    }
}
