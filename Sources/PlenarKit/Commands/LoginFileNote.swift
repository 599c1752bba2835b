import FoundationEssentials
import PlenarAPI

struct LoginFileNote: Encodable {
    var path: String
    var used: Bool
    var note: String
}
