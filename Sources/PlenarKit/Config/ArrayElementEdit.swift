/// One element plenar keeps in an array of a config file, beside the user's own: VS Code's
/// input for the key, a Claude Code hook.
struct ArrayElementEdit: Sendable {
    var path: [String]
    var element: ConfigValue
    /// An element already there is plenar's when this holds.
    var matches: @Sendable (ConfigValue) -> Bool
    /// Whether plenar's members are set again in a matching element (true), or it is kept as it is.
    var mergeMatch = true
    /// What a matching element must be for plenar to edit it.
    var shape: JSONCDocument.Shape?
}
