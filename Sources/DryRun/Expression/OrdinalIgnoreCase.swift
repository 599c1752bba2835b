/// GitHub's string comparison: .NET's `StringComparison.OrdinalIgnoreCase`, which the runner uses
/// for `==`, `<`, `contains()`, `startsWith()`, `endsWith()` and context keys.
///
/// Each character is replaced by its simple (one-to-one) uppercase mapping, then the UTF-16 code
/// units are compared in order, with no locale and no normalisation: `'ü' == 'Ü'` and
/// `'ς' == 'Σ'`, but `'ß' != 'SS'` (no one-to-one mapping) and `'i' != 'İ'`. The dotless `ı`
/// and the long `ſ` keep their case, as in .NET's ordinal casing table, so `'ı' == 'I'` is false
/// (GitHub's corpus, operators_case_insensitive.json).
enum OrdinalIgnoreCase {
    /// The text folded for comparison, as UTF-16 code units.
    static func folded(_ text: String) -> [UInt16] {
        var units: [UInt16] = []
        units.reserveCapacity(text.utf16.count)
        for scalar in text.unicodeScalars {
            units.append(contentsOf: upper(scalar).utf16)
        }
        return units
    }

    /// A key under which equal strings meet (for dictionaries of context keys).
    static func key(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 && !(0x61...0x7A).contains($0) }) { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(upper(scalar)) }
        return String(scalars)
    }

    static func equal(_ left: String, _ right: String) -> Bool {
        folded(left) == folded(right)
    }

    /// Negative, zero or positive as `left` sorts before, with or after `right`.
    static func compare(_ left: String, _ right: String) -> Int {
        let (a, b) = (folded(left), folded(right))
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func contains(_ text: String, _ part: String) -> Bool {
        let (whole, needle) = (folded(text), folded(part))
        if needle.isEmpty { return true }
        guard needle.count <= whole.count else { return false }
        for start in 0...(whole.count - needle.count) where whole[start..<start + needle.count].elementsEqual(needle) {
            return true
        }
        return false
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        folded(text).starts(with: folded(prefix))
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let (whole, end) = (folded(text), folded(suffix))
        return end.count <= whole.count && whole.suffix(end.count).elementsEqual(end)
    }

    private static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.isASCII {
            return (0x61...0x7A).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0x20)! : scalar
        }
        // ı (U+0131) and ſ (U+017F) have one-to-one uppercase mappings (I and S) that ordinal
        // casing leaves out.
        if scalar.value == 0x131 || scalar.value == 0x17F { return scalar }
        let mapping = scalar.properties.uppercaseMapping.unicodeScalars
        guard mapping.count == 1, let single = mapping.first else { return scalar }
        return single
    }
}
