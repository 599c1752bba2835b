import FoundationEssentials
import PlenarAPI

/// `plenar flush`: sends the spooled records now (``Spool``), oldest first, within one deadline.
/// The workflow template's last step, so what an outage kept reaches the service before the
/// job's temporary folder goes.
public struct FlushCommand {
    public var json: Bool

    public init(json: Bool = false) {
        self.json = json
    }

    /// The `--json` document.
    struct Report: Encodable, Equatable {
        var folder: String?
        var sent = 0
        /// Queued records still in the spool afterwards (any key's).
        var left = 0
        var expired = 0
        var refused = 0
        var setAside = 0

        enum CodingKeys: String, CodingKey {
            case folder, sent, left, expired, refused
            case setAside = "set_aside"
        }

        /// `folder` is null, not absent, when there is no spool.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(folder, forKey: .folder)
            try container.encode(sent, forKey: .sent)
            try container.encode(left, forKey: .left)
            try container.encode(expired, forKey: .expired)
            try container.encode(refused, forKey: .refused)
            try container.encode(setAside, forKey: .setAside)
        }
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let settings = Settings(context: context)
        return Invocation(context: context, kind: .telemetry, skipped: "spooled records not sent").run(settings) {
            reporter throws(Failure) in
            let (_, _, client) = try OIDCRefresh.credentials(settings: settings, context: context, reporter: reporter)
            guard let spool = Spool(context: context) else {
                reporter.warning("no folder for the spool: neither XDG_STATE_HOME nor HOME is an absolute path, so nothing was spooled")
                if json { reporter.result(String(decoding: try encode(Report()), as: UTF8.self) + "\n") }
                return
            }
            let credentials = Set(([client.token] + [settings.token].compactMap { $0 }).map(SpooledRecord.credential))
            let flushed = spool.flush(client, credentials: credentials)
            spool.report(flushed, reporter: reporter)
            let left = flushed.left
            if json {
                let report = Report(
                    folder: spool.folder, sent: flushed.sent, left: left, expired: flushed.expired, refused: flushed.refused,
                    setAside: flushed.setAside.count)
                reporter.result(String(decoding: try encode(report), as: UTF8.self) + "\n")
            }
            switch flushed.stopped {
            case let .unavailable(reason)?:
                throw .spooled(reason, action: "\(left) \(left == 1 ? "record stays" : "records stay") spooled in \(spool.folder)")
            case let stopped?:
                throw stopped
            case nil:
                return
            }
        }
    }
}
