/// JSON, with or without `//` and `/* */` comments (VS Code's and Gemini CLI's files allow them).
struct JSONCFormat: ConfigFormat {
    var allowsComments: Bool

    static let json = JSONCFormat(allowsComments: false)
    static let jsonWithComments = JSONCFormat(allowsComments: true)

    var name: String { allowsComments ? "JSON with comments" : "JSON" }

    func value(at path: [String], in bytes: [UInt8]) throws(ConfigParseError) -> ConfigValue? {
        try JSONCDocument(bytes, allowsComments: allowsComments).node(at: path)?.value
    }

    /// Key by key, so what the user added to the entry (a timeout, a tool filter, another
    /// header) stays.
    func merging(_ entry: [(String, ConfigValue)], into path: [String], in bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]? {
        var text = bytes
        var changed = false
        for (leaf, value) in ConfigValue.leaves(entry) {
            if let next = try parse(text).setting(path + leaf, to: value, force: force) {
                text = next
                changed = true
            }
        }
        return changed ? text : nil
    }

    func applying(_ edit: ArrayElementEdit, to bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]? {
        try parse(bytes).upserting(
            edit.element, into: edit.path, mergeMatch: edit.mergeMatch, shape: edit.shape, force: force, matches: edit.matches)
    }

    private func parse(_ bytes: [UInt8]) throws(EditRefusal) -> JSONCDocument {
        do throws(ConfigParseError) {
            return try JSONCDocument(bytes, allowsComments: allowsComments)
        } catch {
            throw unparseable(error)
        }
    }
}
