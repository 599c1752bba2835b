import Crypto
import FoundationEssentials
import PlenarAPI

/// Token and id generation, and the one-way hash keys are stored under.
enum Secrets {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A new token: the kind's prefix and 40 random letters and digits.
    static func newToken(kind: TokenKind) -> String {
        kind.prefix + randomString(length: 40)
    }

    /// A new opaque id such as `key_3fK9…`.
    static func newID(_ prefix: String) -> String {
        prefix + "_" + randomString(length: 16)
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func randomString(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
        return String(decoding: bytes, as: UTF8.self)
    }
}
