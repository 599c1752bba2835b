import PlenarAPI

extension MCPClient {
    /// The client's file as `status` judges it: present, plenar's entry there, pointing at this
    /// API, what `connect` would write now, free of literal keys; and what else the client needs.
    func inspect(_ snapshot: FileSnapshot, server: MCPServer, token: String) -> ConfigFileStatus {
        var status = ConfigFileStatus(
            client: rawValue, file: file, present: false, hasEntry: false, pointsAtAPI: false, upToDate: false, literalSecret: false,
            needs: config.needs(config.requiresInlineToken ? .inline : .variable))
        guard let contents = snapshot.contents else { return status }
        status.present = true
        let text = String(decoding: contents, as: UTF8.self)
        status.literalSecret = text.contains(token) || TokenShape.maskAll(in: text) != text
        let entry: ConfigValue?
        do {
            entry = try config.format.value(at: entryPath, in: contents)
        } catch {
            status.problem = "does not parse (\(error))"
            return status
        }
        guard let entry else { return status }
        status.hasEntry = true
        let url = entry["url"]?.string ?? entry["httpUrl"]?.string
        status.pointsAtAPI = url == server.endpoint
        var inline = server
        inline.inlineToken = token
        var input = server
        input.keyFromInput = true
        // Each form connect writes (the variable, --inline-token, --vscode-input) is up to date.
        let forms = config.requiresInlineToken ? [inline] : self == .vscode ? [server, inline, input] : [server, inline]
        let matching = forms.first { wanted in
            ConfigValue.leaves(self.entry(wanted)).allSatisfy { path, value in entry[path] == value }
        }
        status.upToDate = matching != nil
        if let matching { status.needs = config.needs(matching.keySource) }
        return status
    }
}
