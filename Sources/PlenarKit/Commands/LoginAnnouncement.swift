import FoundationEssentials
import PlenarAPI

/// What `login --json` prints on stderr for an agent to show a person.
struct LoginAnnouncement: Encodable {
    var verificationURL: String
    var verificationURLComplete: String
    var userCode: String
    var expiresAt: String
    var interval: Int
    var browserOpened: Bool

    enum CodingKeys: String, CodingKey {
        case interval
        case verificationURL = "verification_url"
        case verificationURLComplete = "verification_url_complete"
        case userCode = "user_code"
        case expiresAt = "expires_at"
        case browserOpened = "browser_opened"
    }
}
