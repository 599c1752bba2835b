import PlenarAPI

/// One MCP client config as `status` sees it.
public struct ConfigFileStatus: Codable, Equatable, Sendable {
    public var client: String
    public var file: String
    public var present: Bool
    /// The file has a `plenar` entry.
    public var hasEntry: Bool
    /// The entry's URL is this API's MCP endpoint.
    public var pointsAtAPI: Bool
    /// The entry is what `connect` would write now.
    public var upToDate: Bool
    /// Somewhere in the file is a literal token (this key, or anything token-shaped).
    public var literalSecret: Bool
    @ExplicitNull public var problem: String?
    /// What the client needs besides this file before it uses the entry: a trusted folder, the
    /// variable in its environment, where it must be started (README, "MCP client configs").
    public var needs: [String] = []

    enum CodingKeys: String, CodingKey {
        case client, file, present, problem, needs
        case hasEntry = "has_entry"
        case pointsAtAPI = "points_at_api"
        case upToDate = "up_to_date"
        case literalSecret = "literal_secret"
    }

    /// One line for people.
    var text: String {
        guard present else { return "\(file): absent" }
        if let problem { return "\(file): \(problem)" }
        var state =
            !hasEntry
            ? "no plenar entry" : !pointsAtAPI ? "points at another server" : upToDate ? "up to date" : "out of date (run plenar connect)"
        if literalSecret { state += "; holds a literal key" }
        if hasEntry, !needs.isEmpty { state += "; needs " + needs.joined(separator: "; ") }
        return "\(file): \(state)"
    }
}
