import JSONText

/// Whether bytes are one JSON text (RFC 8259) in UTF-8. The reader has no recursion, so nesting
/// as deep as the input is long is as valid as it is for the standard (decoders that recurse
/// stop at some depth and would call such a payload "not JSON"); strings are checked, not decoded.
enum JSONSyntax {
    static func isValid(_ bytes: [UInt8]) -> Bool {
        guard String(validating: bytes, as: UTF8.self) != nil else { return false }
        var reader = JSONReader(bytes)
        do {
            guard try reader.next() != nil else { return false }
            while try reader.next() != nil {}
            return true
        } catch {
            return false
        }
    }
}
