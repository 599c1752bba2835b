import FoundationEssentials
import PlenarAPI

extension Spool {
    /// Whether a record that failed so is kept for later: no answer, or no usable one for now
    /// (timeout, network, 5xx, 429 after the retry). Never a refusal, a redirect or TLS trouble,
    /// which waiting does not fix.
    static func keeps(_ reason: Failure.Unavailable) -> Bool {
        switch reason {
        case .timedOut, .network, .rateLimited: true
        case let .server(status, _): status >= 500
        case .tls, .redirected, .oversized, .badResponse: false
        }
    }

    /// How `signal`, `hook` and `run` send their record: the spooled records first (oldest
    /// first, within the same deadline), then this one; when this one finds no answer, it is
    /// spooled and the failure says so (`.spooled`). `settingsToken`: the key before any OIDC
    /// exchange, whose records the exchanged key may also send.
    static func post(
        _ path: String, body: [UInt8], namesProject: Bool, what: String, client: PlenarClient, settingsToken: String?,
        context: PlenarContext, reporter: Reporter
    ) throws(Failure) -> Accepted {
        let spool = Spool(context: context)
        if let spool {
            let credentials = Set(([client.token] + [settingsToken].compactMap { $0 }).map(SpooledRecord.credential))
            let flushed = spool.flush(client, credentials: credentials)
            spool.report(flushed, reporter: reporter)
            // The key was just refused: this record would be too, and is never spooled.
            if case let .rejected(status, code, message)? = flushed.stopped {
                throw .rejected(status: status, code: code, message: message)
            }
        }
        let key = context.random(32)
        do throws(Failure) {
            return try client.post(path, body: body, namesProject: namesProject, idempotencyKey: key)
        } catch {
            guard let spool, case let .unavailable(reason) = error, keeps(reason) else { throw error }
            let record = SpooledRecord(
                header: .init(
                    path: path, idempotencyKey: key, api: client.api.base, credential: SpooledRecord.credential(client.token),
                    namesProject: namesProject, what: what),
                body: body
            )
            let trim: Trim
            do throws(FileError) {
                trim = try spool.add(record)
            } catch {
                reporter.warning("cannot keep the \(what) in the spool (\(error.path): \(error.reason))")
                throw .unavailable(reason)
            }
            spool.report(trim, reporter: reporter)
            throw .spooled(reason, action: "\(what) spooled in \(spool.folder) for a later plenar call or plenar flush")
        }
    }

    func report(_ trim: Trim, reporter: Reporter) {
        if trim.expired > 0 {
            reporter.warning("dropped \(trim.expired) spooled record\(trim.expired == 1 ? "" : "s") older than 24 h from \(folder)")
        }
        if trim.dropped > 0 {
            reporter.warning(
                "the spool \(folder) holds at most \(Self.maximumRecords) records or \(Self.maximumBytes >> 20) MiB: dropped the \(trim.dropped) oldest"
            )
        }
    }

    /// Warnings for what a flush dropped or set aside; a note for what it sent.
    func report(_ flushed: Flushed, reporter: Reporter) {
        if flushed.sent > 0 {
            reporter.note("sent \(flushed.sent) spooled record\(flushed.sent == 1 ? "" : "s") from \(folder)")
        }
        report(Trim(expired: flushed.expired), reporter: reporter)
        if flushed.refused > 0 {
            reporter.warning(
                "the service refused \(flushed.refused) spooled record\(flushed.refused == 1 ? "" : "s") (not allowed for this key, or invalid): dropped"
            )
        }
        for path in flushed.setAside {
            reporter.warning("a spool file does not parse: set aside as \(path)")
        }
    }
}
