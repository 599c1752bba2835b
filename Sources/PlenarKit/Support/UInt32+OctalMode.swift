import FoundationEssentials
import PlenarAPI

extension UInt32 {
    /// Permission bits as `0600`.
    var octalMode: String {
        let text = String(self & 0o7777, radix: 8)
        return String(repeating: "0", count: Swift.max(0, 4 - text.count)) + text
    }
}
