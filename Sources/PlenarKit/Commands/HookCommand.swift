import FoundationEssentials
import PlenarAPI

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
