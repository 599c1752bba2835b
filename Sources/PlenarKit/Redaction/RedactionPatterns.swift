/// The byte strings a redactor looks for: every form of every secret (`Secret.forms`), with its
/// secret's replacement.
enum RedactionPatterns {
    /// The patterns in the order of the secrets, without duplicates: the first secret to produce
    /// a byte string gives it its replacement.
    static func of(_ secrets: [Secret]) -> [(bytes: [UInt8], replacement: Int)] {
        var seen: Set<Form> = []
        var patterns: [(bytes: [UInt8], replacement: Int)] = []
        for secret in secrets {
            for form in secret.forms where form.count >= RedactionPolicy.minimumExplicitLength && seen.insert(Form(bytes: form)).inserted {
                patterns.append((form, secret.replacementIndex))
            }
        }
        return patterns
    }

    /// A byte string hashed in one piece (`[UInt8]` hashes byte by byte, 5 times slower).
    struct Form: Hashable {
        let bytes: [UInt8]

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}
