/// A `::name key=value,…::data` line, parsed as the runner does: leading spaces are ignored,
/// the name ends at the first space, properties are split at `,` and then at the first `=`, and
/// `%25`, `%0D`, `%0A` (plus `%3A`, `%2C` in properties) are unescaped.
public struct WorkflowCommand: Sendable, Equatable {
    public let name: String
    public let properties: [String: String]
    public let data: String

    /// The commands the runner knows; a line naming any other is ordinary output.
    static let known: Set<String> = [
        "add-mask", "warning", "error", "notice", "debug", "group", "endgroup", "stop-commands",
        "set-output", "save-state", "set-env", "add-path", "echo", "add-matcher", "remove-matcher",
    ]

    public init?(line: String) {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("::") else { return nil }
        let afterPrefix = trimmed.dropFirst(2)
        guard let end = afterPrefix.range(of: "::") else { return nil }
        let info = afterPrefix[..<end.lowerBound]
        let space = info.firstIndex(of: " ")
        let name = String(info[..<(space ?? info.endIndex)])
        guard Self.known.contains(name) else { return nil }
        var properties: [String: String] = [:]
        if let space {
            for property in info[info.index(after: space)...].trimmingCharacters(in: .whitespaces).split(separator: ",") {
                let pair = property.split(separator: "=", maxSplits: 1)
                if pair.count == 2 {
                    properties[pair[0].lowercased()] = Self.unescape(String(pair[1]), property: true)
                }
            }
        }
        self.name = name
        self.properties = properties
        data = Self.unescape(String(afterPrefix[end.upperBound...]), property: false)
    }

    static func unescape(_ text: String, property: Bool) -> String {
        var result = text.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
        if property {
            result = result.replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
        }
        return result.replacingOccurrences(of: "%25", with: "%")
    }
}
