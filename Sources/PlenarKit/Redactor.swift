import PlenarAPI

/// The one place text that could hold a secret passes before anyone sees it: each known secret,
/// and anything shaped like a Plenar token, becomes its prefix and an ellipsis (`pko_…`).
public struct Redactor {
    private let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: TokenShape.display(secret))
        }
        return Self.maskTokenShapes(result)
    }

    /// `pko_`/`plt_` followed by 32 or more letters and digits, wherever it stands.
    static func maskTokenShapes(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count >= 36 else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if index + 4 <= bytes.count, bytes[index + 3] == UInt8(ascii: "_"), isTokenPrefix(bytes[index..<index + 3]) {
                var end = index + 4
                while end < bytes.count, isAlphanumeric(bytes[end]) { end += 1 }
                if end - index - 4 >= TokenShape.minimumBodyLength {
                    output += bytes[index..<index + 4]
                    output += Array("…".utf8)
                    index = end
                    continue
                }
            }
            output.append(bytes[index])
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func isTokenPrefix(_ bytes: ArraySlice<UInt8>) -> Bool {
        let text = Array(bytes)
        return text == Array("pko".utf8) || text == Array("plt".utf8)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
}
