import PlenarAPI

/// The shape each posted record must have. Unknown fields are kept; wrong types are a 400 naming the field.
enum EventValidation {
    static let runStatuses: Set<String> = ["succeeded", "failed", "cancelled"]

    static func validate(_ type: EventType, _ body: [String: JSONValue]) throws(APIError) {
        let fields = Fields(body: body)
        try fields.optional("project_id", .string)
        try fields.optional("ci", .object)
        // The ci object's known fields (docs/api.md, "The ci object") are strings; others are kept as sent.
        if case let .object(ci) = body["ci"] {
            for field in CIField.allCases {
                guard let value = ci[field.rawValue], value != .null else { continue }
                guard value.stringValue != nil else { throw .invalid("ci.\(field.rawValue) must be a string, not \(value.typeName)") }
            }
        }
        switch type {
        case .signal:
            try fields.requiredText("kind")
            try fields.optional("status", .string)
            try fields.optional("message", .string)
            try fields.optional("attributes", .object)
        case .hook:
            try fields.requiredText("event")
        case .run:
            try fields.requiredText("name")
            try fields.requiredText("command")
            try fields.requiredInteger("exit_code")
            try fields.requiredInteger("duration_ms", minimum: 0)
            try fields.optionalSignal("signal")
            try fields.requiredText("started_at")
            if Timestamp.parse(body["started_at"]?.stringValue ?? "") == nil {
                throw .invalid("started_at must be an RFC 3339 timestamp")
            }
            try fields.requiredText("status")
            if let status = body["status"]?.stringValue, !runStatuses.contains(status) {
                throw .invalid("status must be one of succeeded, failed, cancelled")
            }
        }
    }

    private enum Kind {
        case string, object

        var name: String {
            switch self {
            case .string: "a string"
            case .object: "an object"
            }
        }

        func matches(_ value: JSONValue) -> Bool {
            switch (self, value) {
            case (.string, .string), (.object, .object): true
            default: false
            }
        }
    }

    private struct Fields {
        let body: [String: JSONValue]

        func optional(_ name: String, _ kind: Kind) throws(APIError) {
            guard let value = body[name], value != .null else { return }
            guard kind.matches(value) else { throw .invalid("\(name) must be \(kind.name), not \(value.typeName)") }
        }

        func requiredText(_ name: String, maximumLength: Int = 1024) throws(APIError) {
            guard let value = body[name], value != .null else { throw .invalid("\(name) is required") }
            guard let text = value.stringValue else { throw .invalid("\(name) must be a string, not \(value.typeName)") }
            guard !text.isEmpty else { throw .invalid("\(name) must not be empty") }
            guard text.utf8.count <= maximumLength else { throw .invalid("\(name) is longer than \(maximumLength) bytes") }
        }

        func requiredInteger(_ name: String, minimum: Int = Int.min) throws(APIError) {
            guard let value = body[name], value != .null else { throw .invalid("\(name) is required") }
            guard let number = value.intValue else { throw .invalid("\(name) must be an integer, not \(value.typeName)") }
            guard number >= minimum else { throw .invalid("\(name) must be at least \(minimum)") }
        }

        /// A signal is its number (`9`) or its name (`"SIGKILL"`).
        func optionalSignal(_ name: String) throws(APIError) {
            guard let value = body[name], value != .null else { return }
            guard value.intValue != nil || value.stringValue != nil else {
                throw .invalid("\(name) must be a signal number or name, not \(value.typeName)")
            }
        }
    }
}
