/// One MCP client's project config as data: the file, its format, where plenar's entry lives,
/// the entry, and any other element plenar keeps in the file.
struct MCPClientConfig: ConfigTarget {
    var file: String
    var format: any ConfigFormat
    var entryPath: [String]
    /// plenar's entry, referencing the token's variable unless the server has `inlineToken`.
    var entry: @Sendable (MCPServer) -> [(String, ConfigValue)]
    /// Array elements kept beside the entry, such as VS Code's input for the key.
    var extraEdits: @Sendable (MCPServer) -> [ArrayElementEdit] = { _ in [] }
    /// Said after the file (named first) with `--inline-token`: the client does not read a literal key.
    var inlineTokenWarning: String?

    func edit(_ original: [UInt8], server: MCPServer, force: Bool) throws(EditRefusal) -> [UInt8]? {
        var text = original
        var changed = false
        if let next = try format.merging(entry(server), into: entryPath, in: text, force: force) {
            text = next
            changed = true
        }
        for extra in extraEdits(server) {
            if let next = try format.applying(extra, to: text, force: force) {
                text = next
                changed = true
            }
        }
        return changed ? text : nil
    }

    /// The entry of a client that speaks HTTP in JSON: `"type": "http"` where the client wants
    /// it, the URL, and the headers. `token` is how the client's file names the key (a variable
    /// reference); `project` gives the project header's value for a project key: a reference to
    /// `PLENAR_PROJECT_ID` (falling back to the key where the client supports a default), or the
    /// key itself.
    static func httpEntry(
        declaresType: Bool, token: String, project: @escaping @Sendable (String) -> String
    ) -> @Sendable (MCPServer) -> [(String, ConfigValue)] {
        { server in
            var headers: [(String, ConfigValue)] = [("Authorization", .string("Bearer " + (server.inlineToken ?? token)))]
            if let key = server.project {
                headers.append((MCPClient.projectHeader, .string(project(key))))
            }
            return (declaresType ? [("type", "http")] : []) + [("url", .string(server.endpoint)), ("headers", .object(headers))]
        }
    }
}
