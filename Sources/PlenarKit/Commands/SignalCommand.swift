import FoundationEssentials
import PlenarAPI

/// `plenar signal <kind>`: one CI signal, fire and forget.
public struct SignalCommand {
    public var kind: String
    public var status: String?
    public var message: String?
    public var attributes: [(String, String)]
    public var project: String?
    public var json: Bool

    public init(
        kind: String, status: String? = nil, message: String? = nil, attributes: [(String, String)] = [], project: String? = nil,
        json: Bool = false
    ) {
        self.kind = kind
        self.status = status
        self.message = message
        self.attributes = attributes
        self.project = project
        self.json = json
    }

    /// `--attr key=value`: the key is what comes before the first `=`, and must not be empty;
    /// the value may be (and may hold more `=`). Nil when the text is not of that form.
    public static func attribute(_ text: String) -> (key: String, value: String)? {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { return nil }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    public func run(_ context: PlenarContext) -> Int32 {
        var body: [String: JSONValue] = ["kind": .string(kind)]
        body["status"] = status.map(JSONValue.string)
        body["message"] = message.map(JSONValue.string)
        if !attributes.isEmpty {
            body["attributes"] = .object(Dictionary(attributes.map { ($0.0, JSONValue.string($0.1)) }) { _, last in last })
        }
        return Telemetry(path: "/signals", what: "signal", project: project, json: json).send(body, context: context)
    }
}
