/// A config file's syntax: how plenar finds an entry in it and writes one, keeping every byte
/// that is not plenar's.
protocol ConfigFormat: Sendable {
    /// How messages name the syntax: "JSON", "JSON with comments", "TOML".
    var name: String { get }
    /// The value at `path`; nil when the file has none there.
    func value(at path: [String], in bytes: [UInt8]) throws(ConfigParseError) -> ConfigValue?
    /// The text with `entry` at `path`: plenar's keys set, the user's own keys kept. Nil when it
    /// already holds them.
    func merging(_ entry: [(String, ConfigValue)], into path: [String], in bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]?
    /// The text with `edit`'s element in its array; nil when it is already there.
    func applying(_ edit: ArrayElementEdit, to bytes: [UInt8], force: Bool) throws(EditRefusal) -> [UInt8]?
}

extension ConfigFormat {
    /// The refusal for a file that does not parse: never replaced, not even with `--force`.
    func unparseable(_ error: ConfigParseError) -> EditRefusal {
        EditRefusal(reason: "it does not parse as \(name) (\(error)); fix or remove it", unparseable: true)
    }
}
