/// Environment variables in the order they were set; names are case-sensitive, as on Linux
/// runners. Setting a name again replaces its value in place.
struct EnvironmentList: Sendable, Equatable {
    private(set) var entries: [NamedValue] = []

    init(_ entries: [NamedValue] = []) {
        for entry in entries { set(entry.name, entry.value) }
    }

    mutating func set(_ name: String, _ value: String) {
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index] = NamedValue(name, value)
        } else {
            entries.append(NamedValue(name, value))
        }
    }

    /// `other` over this, name by name.
    func merging(_ other: EnvironmentList) -> EnvironmentList {
        var result = self
        for entry in other.entries { result.set(entry.name, entry.value) }
        return result
    }

    /// The `env` context.
    var value: ExpressionValue {
        .strings(entries.map { ($0.name, $0.value) }, caseSensitive: true)
    }
}
