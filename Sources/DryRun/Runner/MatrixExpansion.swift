/// One combination of a matrix: its keys and values, in order (the matrix's keys first, then
/// those `include` added).
public struct MatrixCombination: Sendable, Equatable {
    public var values: [(key: String, value: ExpressionValue)]

    public init(_ values: [(key: String, value: ExpressionValue)]) {
        self.values = values
    }

    public subscript(key: String) -> ExpressionValue? {
        values.first { $0.key == key }?.value
    }

    /// The `matrix` context.
    var context: ExpressionValue { .object(values.map { ($0.key, $0.value) }) }

    /// How GitHub shows the combination after the job's name: its values, in order, without
    /// null or empty ones: `ubuntu-latest, 3.12`.
    public var label: String {
        values.map(\.value).filter { $0 != .null && $0 != .string("") }.map(Self.text).joined(separator: ", ")
    }

    /// Whether `key` has the value `text` (as its text, or JSON for an array or object).
    func matches(_ key: String, _ text: String) -> Bool {
        guard let value = self[key] else { return false }
        return Self.text(value) == text
    }

    static func text(_ value: ExpressionValue) -> String {
        value.isPrimitive
            ? value.text : value.json().split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    public static func == (left: MatrixCombination, right: MatrixCombination) -> Bool {
        left.values.map(\.key) == right.values.map(\.key) && left.values.map(\.value) == right.values.map(\.value)
    }
}

/// GitHub's expansion of `strategy.matrix` (docs.github.com, "Workflow syntax for GitHub
/// Actions", `jobs.<job_id>.strategy.matrix`, `.include` and `.exclude`):
///
/// 1. The combinations are the product of the matrix's keys, the first key varying slowest.
/// 2. `exclude` removes each combination that matches one of its entries; an entry need only
///    match partly (every key it names has that value).
/// 3. Then `include`, entry by entry: the entry's pairs are added to every combination of step 2
///    whose original matrix values none of its pairs would overwrite (values an earlier `include`
///    added can be overwritten). An entry that can be added to none of them becomes a combination
///    of its own; later entries never add to those.
/// 4. A matrix of `include` alone runs one job per entry.
public enum MatrixExpansion {
    public static func combinations(_ matrix: ExpressionValue) -> Result<[MatrixCombination], InputProblemMessage> {
        guard case .object(let object) = matrix else {
            return .failure(InputProblemMessage("strategy.matrix must be a mapping, not \(MatrixCombination.text(matrix))"))
        }
        var axes: [(String, [ExpressionValue])] = []
        var include: [ExpressionObject] = []
        var exclude: [ExpressionObject] = []
        for entry in object.entries {
            let key = entry.key
            switch (key, entry.value) {
            case ("include", .array(let items)), ("exclude", .array(let items)):
                var objects: [ExpressionObject] = []
                for item in items.elements {
                    guard case .object(let itemObject) = item else {
                        return .failure(InputProblemMessage("strategy.matrix.\(key): each entry must be a mapping"))
                    }
                    objects.append(itemObject)
                }
                if key == "include" { include = objects } else { exclude = objects }
            case ("include", .null), ("exclude", .null):
                break
            case ("include", _), ("exclude", _):
                return .failure(InputProblemMessage("strategy.matrix.\(key) must be a list of mappings"))
            case (_, .array(let items)):
                guard !items.elements.isEmpty else {
                    return .failure(InputProblemMessage("strategy.matrix: matrix vector '\(key)' does not contain any values"))
                }
                axes.append((key, items.elements))
            default:
                return .failure(
                    InputProblemMessage(
                        "strategy.matrix: matrix vector '\(key)' must be a list, not \(MatrixCombination.text(entry.value))"))
            }
        }
        if axes.isEmpty, include.isEmpty {
            return .failure(InputProblemMessage("strategy.matrix: the matrix defines no values (no list and no include)"))
        }

        var original: [MatrixCombination] = axes.isEmpty ? [] : [MatrixCombination([])]
        for (key, values) in axes {
            original = original.flatMap { combination in
                values.map { value in MatrixCombination(combination.values + [(key, value)]) }
            }
        }
        original.removeAll { combination in
            exclude.contains { entry in entry.entries.allSatisfy { combination[$0.key] == $0.value } }
        }
        let originalKeys = Set(axes.map(\.0))
        var extended = original
        var extra: [MatrixCombination] = []
        for entry in include {
            var added = false
            for index in original.indices {
                let fits = entry.entries.allSatisfy { pair in
                    !originalKeys.contains(pair.key) || original[index][pair.key] == pair.value
                }
                guard fits else { continue }
                added = true
                for pair in entry.entries where !originalKeys.contains(pair.key) {
                    if let at = extended[index].values.firstIndex(where: { $0.key == pair.key }) {
                        extended[index].values[at].value = pair.value
                    } else {
                        extended[index].values.append((pair.key, pair.value))
                    }
                }
            }
            if !added { extra.append(MatrixCombination(entry.entries.map { ($0.key, $0.value) })) }
        }
        return .success(extended + extra)
    }

    /// The combinations whose values match every `--matrix KEY=VALUE` whose key the matrix has.
    static func filter(_ combinations: [MatrixCombination], by filters: [NamedValue]) -> [MatrixCombination] {
        combinations.filter { combination in
            filters.allSatisfy { filter in
                !combinations.contains { $0[filter.name] != nil } || combination.matches(filter.name, filter.value)
            }
        }
    }
}

/// A problem with a value the workflow computes (a matrix, an input), as text for a message.
public struct InputProblemMessage: Error, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }
}
