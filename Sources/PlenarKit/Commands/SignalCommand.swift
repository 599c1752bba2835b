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

/// `plenar hook <event>`: one agent hook event; a JSON payload on stdin goes with it.
public struct HookCommand {
    /// Requests are at most 1 MiB; the payload gets what the envelope (event, project, CI context) leaves.
    public static let maximumRequest = 1 << 20
    public static let maximumPayload = maximumRequest - 16 << 10

    public var event: String
    public var project: String?
    public var json: Bool

    public init(event: String, project: String? = nil, json: Bool = false) {
        self.event = event
        self.project = project
        self.json = json
    }

    public func run(_ context: PlenarContext) -> Int32 {
        var body: [String: JSONValue] = ["event": .string(event)]
        var notes: [String] = []
        var raw: [UInt8]?
        if !context.stdin.isTerminal {
            let (timeout, _) = Settings.timeout(context.environment)
            let input = context.stdin.read(limit: Self.maximumPayload + 1, timeout: timeout, untilNewline: false)
            let bytes = input.bytes
            if input.timedOut {
                notes.append(
                    "stdin stayed open past \(timeout.wholeMilliseconds) ms (\(Settings.timeoutVariable)): sent the \(bytes.count) bytes of payload read by then"
                )
            }
            if bytes.count > Self.maximumPayload {
                body["payload"] = .string(Self.truncatedText(bytes))
                notes.append("the hook payload on stdin is over \(Self.maximumPayload >> 10) KiB: sent its beginning as text")
            } else if !bytes.isEmpty {
                if JSONSyntax.isValid(bytes) {
                    raw = bytes
                } else {
                    body["payload"] = .string(Self.truncatedText(bytes))
                    notes.append("the hook payload on stdin is not JSON\(input.timedOut ? " (it may be cut short)" : ""): sent it as text")
                }
            }
        }
        return Telemetry(path: "/hooks", what: "hook event", project: project, json: json, notes: notes)
            .send(body, rawPayload: raw, context: context)
    }

    /// The longest beginning of `bytes` whose JSON string encoding fits the payload budget
    /// (escapes can make text up to six times longer).
    static func truncatedText(_ bytes: [UInt8]) -> String {
        var length = min(bytes.count, maximumPayload)
        while true {
            let text = String(decoding: bytes.prefix(length), as: UTF8.self)
            let encoded = (try? JSONEncoder.plenar.encode(text).count) ?? Int.max
            if encoded <= maximumPayload || length == 0 { return text }
            length = length * maximumPayload / encoded - 1
        }
    }
}

/// What signal and hook share: settings, the CI context, one POST, the telemetry rules.
struct Telemetry {
    var path: String
    var what: String
    var project: String?
    var json: Bool
    var notes: [String] = []

    /// `rawPayload`: JSON sent as `payload` byte for byte (re-encoding could change numbers and
    /// grow it), only redacted; if the request would then pass 1 MiB, its beginning goes as text.
    func send(_ fields: [String: JSONValue], rawPayload: [UInt8]? = nil, context: PlenarContext) -> Int32 {
        let settings = Settings(context: context, project: project)
        return Invocation(context: context, kind: .telemetry, skipped: "\(what) not sent").run(settings) { reporter throws(Failure) in
            for note in notes {
                reporter.warning(note)
            }
            var body = fields
            body["project_id"] = settings.project.map(JSONValue.string)
            body["ci"] = CIContext.detect(context.environment)
            let (token, api) = try settings.validated()
            var bytes = Array(try encode(reporter.redactor.redact(json: JSONValue.object(body))))
            if let rawPayload {
                let payload = Array(reporter.redactor.redact(String(decoding: rawPayload, as: UTF8.self)).utf8)
                if bytes.count + payload.count + 12 <= HookCommand.maximumRequest {
                    let key: [UInt8] = Array(#","payload":"#.utf8)
                    bytes.removeLast()
                    bytes.append(contentsOf: key)
                    bytes.append(contentsOf: payload)
                    bytes.append(UInt8(ascii: "}"))
                } else {
                    reporter.warning("the hook payload with its envelope is over 1 MiB: sent its beginning as text")
                    body["payload"] = .string(HookCommand.truncatedText(rawPayload))
                    bytes = Array(try encode(reporter.redactor.redact(json: JSONValue.object(body))))
                }
            }
            let client = PlenarClient(api: api, token: token, timeout: settings.timeout, context: context)
            let accepted = try client.post(path, body: bytes, namesProject: settings.project != nil)
            if json {
                reporter.result(String(decoding: try encode(accepted), as: UTF8.self) + "\n")
            }
        }
    }
}
