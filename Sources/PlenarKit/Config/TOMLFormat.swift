/// TOML (Codex's `config.toml`): plenar's entry is a table of its own.
struct TOMLFormat: ConfigFormat {
    var name: String { "TOML" }

    func value(at path: [String], in bytes: [UInt8]) throws(ConfigParseError) -> ConfigValue? {
        try TOMLDocument(bytes).table(path)?.value
    }

    func merging(_ entry: [(String, ConfigValue)], into path: [String], in bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]? {
        try parse(bytes).merging(entry, into: path)
    }

    /// No client keeps an array plenar adds to in a TOML file.
    func applying(_ edit: ArrayElementEdit, to bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]? {
        throw EditRefusal(reason: "plenar adds to an array (\(edit.path.joined(separator: "."))) only in JSON files")
    }

    private func parse(_ bytes: [UInt8]) throws(EditRefusal) -> TOMLDocument {
        do throws(ConfigParseError) {
            return try TOMLDocument(bytes)
        } catch {
            throw unparseable(error)
        }
    }
}
