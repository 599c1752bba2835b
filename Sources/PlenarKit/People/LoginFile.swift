import FoundationEssentials
import PlenarAPI

/// What `plenar login` stores: the session token, the API it belongs to, and who it is.
public struct LoginFile: Codable, Equatable, Sendable {
    public var apiURL: String
    public var token: String
    public var user: UserRef
    public var organization: OrganizationRef
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case token, user, organization
        case apiURL = "api_url"
        case createdAt = "created_at"
    }
}
