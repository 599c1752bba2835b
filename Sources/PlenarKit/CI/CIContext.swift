import PlenarAPI

/// The CI run a command is part of, sent with signals, hooks and runs as `ci` (docs/api.md, "The
/// ci object"): the fields the CI running the job gives (`CIAdapter.context`), or only
/// `provider: unknown` when `CI` is set but no known CI is recognised. Never secrets.
public enum CIContext {
    public static func detect(_ environment: [String: String]) -> JSONValue? {
        if let adapter = CIAdapters.current(environment) {
            var fields: [String: JSONValue] = [CIField.provider.rawValue: .string(adapter.provider)]
            for (field, value) in adapter.context(environment) where field != .provider {
                fields[field.rawValue] = .string(value)
            }
            return .object(fields)
        }
        if environment["CI"] == "true" || environment["CI"] == "1" {
            return .object([CIField.provider.rawValue: .string("unknown")])
        }
        return nil
    }
}
