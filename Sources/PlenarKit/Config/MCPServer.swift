import PlenarAPI

/// What every client's entry says: where the server is, which project, and (only when asked
/// for) the literal token.
struct MCPServer: Equatable {
    var endpoint: String
    var project: String?
    var inlineToken: String?
}
