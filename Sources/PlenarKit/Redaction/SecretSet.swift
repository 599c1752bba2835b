/// Gathers the secrets `plenar run` masks: likely secrets from the environment, explicit
/// `--mask` values and `--mask-env` variables, and the Plenar token.
public struct SecretSet: Sendable {
    /// The shortest environment value taken on the strength of its variable's name.
    public static let minimumEnvironmentLength = 6
    /// The shortest explicit value: a shorter one would mask ordinary text.
    public static let minimumExplicitLength = 3

    static let nameSuffixes = ["_TOKEN", "_SECRET", "_PASSWORD", "_API_KEY", "_ACCESS_KEY", "_PRIVATE_KEY"]

    public private(set) var secrets: [Secret] = []

    public init() {}

    /// Values of 6 characters or more of the variables whose names say they hold a secret: names
    /// ending in `_TOKEN`, `_SECRET`, `_PASSWORD`, `_API_KEY`, `_ACCESS_KEY`, `_PRIVATE_KEY` or
    /// containing `SECRET` (in any case), in the order of their names.
    public static func fromEnvironment(_ environment: [String: String]) -> [Secret] {
        environment.keys.sorted().compactMap { name in
            let upper = name.uppercased()
            guard upper.contains("SECRET") || nameSuffixes.contains(where: { upper.hasSuffix($0) }),
                let value = environment[name], value.count >= minimumEnvironmentLength
            else { return nil }
            return Secret(value)
        }
    }

    public mutating func addEnvironment(_ environment: [String: String]) {
        secrets += Self.fromEnvironment(environment)
    }

    /// A `--mask VALUE`. Returns false, adding nothing, when it is shorter than 3 bytes.
    @discardableResult
    public mutating func add(mask value: String) -> Bool {
        guard value.utf8.count >= Self.minimumExplicitLength else { return false }
        secrets.append(Secret(value))
        return true
    }

    /// The value of a `--mask-env NAME`. Returns false, adding nothing, when the variable is
    /// unset or shorter than 3 bytes.
    @discardableResult
    public mutating func add(maskVariable name: String, from environment: [String: String]) -> Bool {
        guard let value = environment[name] else { return false }
        return add(mask: value)
    }

    /// The Plenar token in use, whatever its shape.
    public mutating func add(token: String) {
        if !token.isEmpty { secrets.append(Secret(token)) }
    }
}
