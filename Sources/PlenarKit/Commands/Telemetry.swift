import FoundationEssentials
import PlenarAPI

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
            // The credentials first: with none there is nothing to send, no CI context to
            // read, and no spool to touch.
            let (_, _, client) = try OIDCRefresh.credentials(settings: settings, context: context, reporter: reporter)
            var body = fields
            body["project_id"] = settings.project.map(JSONValue.string)
            body["ci"] = CIContext.detect(context.environment)
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
            let accepted = try Spool.post(
                path, body: bytes, namesProject: settings.project != nil, what: what, client: client, settingsToken: settings.token,
                context: context, reporter: reporter)
            if json {
                reporter.result(String(decoding: try encode(accepted), as: UTF8.self) + "\n")
            }
        }
    }
}
