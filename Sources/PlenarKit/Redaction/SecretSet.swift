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
    /// counts its bytes for the minimum. Names are judged on their bytes, and only those that
    /// pass are decoded and their values copied: a large job's environment holds thousands.
    public static func fromEnvironment(_ entries: [[UInt8]]) -> [Secret] {
        var variables: [(name: String, value: [UInt8])] = []
        for entry in entries {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")), equals > 0,
                entry.withUnsafeBufferPointer({ isSecretName(UnsafeBufferPointer(rebasing: $0[..<equals])) })
            else { continue }
            variables.append((String(decoding: entry[..<equals], as: UTF8.self), Array(entry[(equals + 1)...])))
        }
        variables.sort { $0.name < $1.name }
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
        var name = name
        return name.withUTF8(isSecretName)
    }

    /// `isSecretName` on a name's bytes. A name that is not UTF-8 gives the same answer as its
    /// decoded form: decoding keeps every ASCII byte, in order, and turns the others into
    /// bytes that are not ASCII, so the ASCII words looked for stand in both or in neither.
    static func isSecretName(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }
        for suffix in upperSuffixes where name.count >= suffix.count {
            let start = name.count - suffix.count
            if suffix.indices.allSatisfy({ upper(name[start + $0]) == suffix[$0] }) { return true }
        }
        let word = secretWord
        guard name.count >= word.count else { return false }
        return (0...(name.count - word.count)).contains { start in word.indices.allSatisfy { upper(name[start + $0]) == word[$0] } }
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

    /// The value of each of `names` in `NAME=VALUE` entries, as `ProcessBytes.variables(entries)[name]`
    /// gives it: the first entry of the name, nil when there is none. `plenar run` asks for ten
    /// thousand `--mask-env` names: when every name, asked for or in the entries, is ASCII (whose
    /// strings are equal exactly when their bytes are), they are found in a table over the
    /// entries' bytes, with no string made and no value copied but those asked for. Otherwise
    /// through `ProcessBytes.variables`, whose names compare as strings do.
    public static func values(of names: [String], in entries: [[UInt8]]) -> [[UInt8]?] {
        if let table = VariableTable(entries), names.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            return names.map { name in
                var name = name
                return name.withUTF8 { table.value(of: $0) }
            }
        }
        let variables = ProcessBytes.variables(entries)
        return names.map { variables[$0] }
    }

    /// Entries by the bytes of their names (open addressing, linear probing, half full at most):
    /// the first entry of each name. nil when a name is not ASCII.
    struct VariableTable {
        let entries: [[UInt8]]
        /// Per entry, where its `=` is (0: none, or an empty name; such an entry is no variable).
        var equals: [Int32]
        /// Entry index + 1, 0 for a free slot.
        var slots: [Int32]
        let mask: Int

        init?(_ entries: [[UInt8]]) {
            self.entries = entries
            var capacity = 16
            while capacity < 2 * entries.count { capacity *= 2 }
            mask = capacity - 1
            slots = Array(repeating: 0, count: capacity)
            equals = Array(repeating: 0, count: entries.count)
            for (index, entry) in entries.enumerated() {
                // The name's length; nil when it is not ASCII.
                let length: Int? = entry.withUnsafeBufferPointer { bytes in
                    var length = 0
                    while length < bytes.count, bytes[length] != UInt8(ascii: "=") {
                        if bytes[length] >= 0x80 { return nil }
                        length += 1
                    }
                    return length < bytes.count ? length : 0
                }
                guard let length else { return nil }
                guard length > 0 else { continue }
                equals[index] = Int32(length)
                entry.withUnsafeBufferPointer { bytes in
                    let name = UnsafeBufferPointer(rebasing: bytes[..<length])
                    var slot = Self.hash(name) & mask
                    while slots[slot] != 0, !self.name(of: Int(slots[slot]) - 1, is: name) { slot = (slot + 1) & mask }
                    if slots[slot] == 0 { slots[slot] = Int32(index + 1) }
                }
            }
        }

        func value(of name: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
            var slot = Self.hash(name) & mask
            while slots[slot] != 0 {
                let index = Int(slots[slot]) - 1
                if self.name(of: index, is: name) { return Array(entries[index][(Int(equals[index]) + 1)...]) }
                slot = (slot + 1) & mask
            }
            return nil
        }

        func name(of index: Int, is name: UnsafeBufferPointer<UInt8>) -> Bool {
            Int(equals[index]) == name.count && entries[index].withUnsafeBufferPointer { $0.prefix(name.count).elementsEqual(name) }
        }

        static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            return Int(truncatingIfNeeded: hash ^ hash >> 29)
        }
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
