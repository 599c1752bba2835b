import Platform

/// Gathers the secrets `plenar run` masks: likely secrets from the environment, explicit
/// `--mask` values and `--mask-env` variables, and the Plenar token.
public struct SecretSet: Sendable {
    static let nameSuffixes = ["_TOKEN", "_SECRET", "_PASSWORD", "_API_KEY", "_ACCESS_KEY", "_PRIVATE_KEY"]

    public private(set) var secrets: [Secret] = []

    public init() {}

    /// Values of 6 characters or more of the variables whose names say they hold a secret: names
    /// ending in `_TOKEN`, `_SECRET`, `_PASSWORD`, `_API_KEY`, `_ACCESS_KEY`, `_PRIVATE_KEY` or
    /// containing `SECRET` (in any case), in the order of their names.
    /// Values are bytes, as the process got them: one that is not UTF-8 is masked as it is, and
    /// counts its bytes for the minimum.
    public static func fromEnvironment(_ entries: [[UInt8]]) -> [Secret] {
        let variables = entries.compactMap(ProcessBytes.split).filter { isSecretName($0.name) }.sorted { $0.name < $1.name }
        return variables.compactMap { _, value in
            let length = String(validating: value, as: UTF8.self)?.count ?? value.count
            return length >= RedactionPolicy.minimumGuessedLength ? Secret(bytes: value) : nil
        }
    }

    static let upperSuffixes = nameSuffixes.map { Array($0.utf8) }
    static let secretWord = Array("SECRET".utf8)

    /// A name ending in one of `nameSuffixes` or containing `SECRET`, in any case (ASCII: the
    /// environment of a large job holds thousands of names, and this runs before its command).
    static func isSecretName(_ name: String) -> Bool {
        let upper = name.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
        if upperSuffixes.contains(where: { upper.count >= $0.count && upper.suffix($0.count).elementsEqual($0) }) { return true }
        guard upper.count >= secretWord.count else { return false }
        return (0...(upper.count - secretWord.count)).contains { upper[$0..<($0 + secretWord.count)].elementsEqual(secretWord) }
    }

    public static func fromEnvironment(_ environment: [String: String]) -> [Secret] {
        fromEnvironment(ProcessBytes.entries(environment))
    }

    public mutating func addEnvironment(_ entries: [[UInt8]]) {
        secrets += Self.fromEnvironment(entries)
    }

    public mutating func addEnvironment(_ environment: [String: String]) {
        secrets += Self.fromEnvironment(environment)
    }

    /// A `--mask VALUE`, as bytes. Returns false, adding nothing, when it is shorter than 3 bytes.
    @discardableResult
    public mutating func add(mask value: [UInt8]) -> Bool {
        guard value.count >= RedactionPolicy.minimumExplicitLength else { return false }
        secrets.append(Secret(bytes: value))
        return true
    }

    @discardableResult
    public mutating func add(mask value: String) -> Bool {
        add(mask: Array(value.utf8))
    }

    /// The value of a `--mask-env NAME` (`variables`: see `ProcessBytes.variables(_:)`). Returns false, adding
    /// nothing, when the variable is unset or shorter than 3 bytes.
    @discardableResult
    public mutating func add(maskVariable name: String, from variables: [String: [UInt8]]) -> Bool {
        guard let value = variables[name] else { return false }
        return add(mask: value)
    }

    @discardableResult
    public mutating func add(maskVariable name: String, from environment: [String: String]) -> Bool {
        add(maskVariable: name, from: environment.mapValues { Array($0.utf8) })
    }

    /// The Plenar token in use, whatever its shape.
    public mutating func add(token: [UInt8]) {
        if !token.isEmpty { secrets.append(Secret(bytes: token)) }
    }

    public mutating func add(token: String) {
        add(token: Array(token.utf8))
    }
}
