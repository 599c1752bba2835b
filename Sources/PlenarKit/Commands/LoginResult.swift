import FoundationEssentials
import PlenarAPI

struct LoginResult: Encodable {
    var user: UserRef
    var organization: OrganizationRef
    var credentialsFile: String
    var expiresAt: String?
    var apiURL: String

    enum CodingKeys: String, CodingKey {
        case user, organization
        case credentialsFile = "credentials_file"
        case expiresAt = "expires_at"
        case apiURL = "api_url"
    }
}
