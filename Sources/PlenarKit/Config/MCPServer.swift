import PlenarAPI

/// What every client's entry says: where the server is, which project, and (only when asked
/// for) the literal token.
struct MCPServer: Equatable {
    var endpoint: String
    var project: String?
    var inlineToken: String?
    /// `--vscode-input`: VS Code takes the key from an input it asks for once and keeps in its
    /// secret storage, instead of the `PLENAR_TOKEN` variable. Other clients ignore it.
    var keyFromInput = false

    /// How the entry names the key, for the needs `status` reports.
    var keySource: MCPClientConfig.KeySource {
        inlineToken != nil ? .inline : keyFromInput ? .input : .variable
    }
}
