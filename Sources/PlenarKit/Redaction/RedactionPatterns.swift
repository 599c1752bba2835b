/// The byte strings a redactor looks for: every form of every secret (`Secret.forms`), with its
/// secret's replacement.
enum RedactionPatterns {
    /// Shorter forms are dropped: masking every `ab` would wreck the output and hide nothing.
    static let minimumLength = 3

    /// The patterns in the order of the secrets, without duplicates: the first secret to produce
    /// a byte string gives it its replacement.
    static func of(_ secrets: [Secret]) -> [(bytes: [UInt8], replacement: Int)] {
        var seen: Set<[UInt8]> = []
        var patterns: [(bytes: [UInt8], replacement: Int)] = []
        for secret in secrets {
            for form in secret.forms where form.count >= minimumLength && seen.insert(form).inserted {
                patterns.append((form, secret.replacementIndex))
            }
        }
        return patterns
    }
}
