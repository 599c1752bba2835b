import FoundationEssentials
import PlenarAPI

func encode(_ value: some Encodable) throws(Failure) -> Data {
    do {
        return try JSONEncoder.plenar.encode(value)
    } catch {
        throw .encoding("\(error)")
    }
}

extension JSONEncoder {
    /// Sorted keys and unescaped slashes: the same input always gives the same bytes.
    public static var plenar: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
