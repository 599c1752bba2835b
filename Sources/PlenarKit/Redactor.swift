import PlenarAPI

/// The one place text that could hold a secret passes before anyone sees it: each known secret,
/// and anything shaped like a Plenar token, becomes its prefix and an ellipsis (`pko_…`).
public struct Redactor {
    private let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 6 }.sorted { $0.count > $1.count }
    }

    /// Every string (and key) of a JSON value, redacted: what is sent is held to the same rule as what is printed.
    public func redact(json value: JSONValue) -> JSONValue {
        switch value {
        case let .string(text):
            return .string(redact(text))
        case let .array(items):
            return .array(items.map { (item: JSONValue) -> JSONValue in redact(json: item) })
        case let .object(members):
            var redacted: [String: JSONValue] = [:]
            for (key, member) in members {
                redacted[redact(key)] = redact(json: member)
            }
            return .object(redacted)
        default:
            return value
        }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: TokenShape.display(secret))
        }
        return TokenShape.maskAll(in: result)
    }
}
