import FoundationEssentials
import PlenarAPI

struct AuthStatus: Encodable {
    var mode: String
    var user: UserRef?
    var organization: OrganizationRef
    var expiresAt: String?
    var source: CredentialSource
    var apiURL: String
    var loginFile: LoginFileNote?

    enum CodingKeys: String, CodingKey {
        case mode, user, organization, source
        case expiresAt = "expires_at"
        case apiURL = "api_url"
        case loginFile = "login_file"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(user, forKey: .user)
        try container.encode(organization, forKey: .organization)
        try container.encode(source, forKey: .source)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(apiURL, forKey: .apiURL)
        try container.encode(loginFile, forKey: .loginFile)
    }
}
