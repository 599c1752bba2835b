import FoundationEssentials
import PlenarAPI

/// Telemetry that could not be sent for want of an answer (a timeout, an unreachable service, a
/// 5xx, a 429 after the retry), kept to be sent by a later `plenar` call with credentials, or by
/// `plenar flush`. A record refused for its credentials or as invalid is never kept.
///
/// Where: `$RUNNER_TEMP/plenar-spool` inside GitHub Actions (the job's own temporary folder), else
/// `$XDG_STATE_HOME/plenar/spool`, else `~/.local/state/plenar/spool`; folder mode 0700, files 0600.
///
/// The protocol between processes: one file per record, named as ``SpoolName`` describes, and
/// rename(2) as the only means of agreement (within one folder it is atomic: of two processes
/// renaming the same file, exactly one succeeds).
/// - Add: the record is written under a hidden temporary name, flushed, and renamed to its
///   queued name (`….rec`), which is unique; readers never see part of a record. The name carries
///   the key's fingerprint: a sender passes over other keys' records without opening them.
/// - Claim: a sender renames `X.rec` to `X.rec.<until>.claimed` before sending it. Whoever's
///   rename fails lost the race and leaves the record alone, so no two processes send it.
/// - Done: once the service stored it (or refused it for good), the claimed file is removed.
///   When the service cannot be reached, it is renamed back to `X.rec`, keeping its place.
/// - A claim's `until` is the claimer's deadline on the wall clock plus a minute: a claim still
///   there after that belongs to a process that died, and any sender renames it back to `X.rec`.
///   A record can then be sent twice (the first send may have reached the service before the
///   process died); the `Idempotency-Key` kept in the record makes the service store it once.
/// - A `.rec` file that does not parse is renamed to `X.rec.corrupt` and left for a person.
/// - Bounds, applied after each add: records older than 24 h are removed, then the oldest queued
///   records until at most 1,000 records (queued and claimed) of at most 5 MiB remain.
/// So every record is delivered at least once, and stored once, unless the bounds drop it (which
/// a warning counts) or the process is killed between the service's answer and the removal.
struct Spool {
    static let maximumRecords = 1000
    static let maximumBytes = 5 << 20
    static let maximumAge: Int64 = 24 * 3600 * 1000
    /// How long past its deadline a claim is honoured before it counts as abandoned.
    static let claimGrace: Int64 = 60_000
    static let folderName = "plenar-spool"

    let folder: String
    let storage: any SpoolStorage
    let clock: any Clock
    let random: @Sendable (Int) -> String

    init(folder: String, context: PlenarContext) {
        self.folder = folder
        self.storage = context.spool
        self.clock = context.clock
        self.random = context.random
    }

    /// The spool of this environment, or nil when there is no absolute folder to put it in.
    init?(context: PlenarContext) {
        guard let folder = Self.folder(context.environment) else { return nil }
        self.init(folder: folder, context: context)
    }

    static func folder(_ environment: [String: String]) -> String? {
        func absolute(_ name: String) -> String? {
            guard let value = environment[name], value.hasPrefix("/") else { return nil }
            var path = value
            while path.count > 1, path.hasSuffix("/") { path.removeLast() }
            return path == "/" ? "" : path
        }
        if GitHubActions.isActive(environment), let temp = absolute("RUNNER_TEMP") { return temp + "/" + folderName }
        if let state = absolute("XDG_STATE_HOME") { return state + "/plenar/spool" }
        if let home = absolute("HOME") { return home + "/.local/state/plenar/spool" }
        return nil
    }

    var nowMilliseconds: Int64 { Int64((clock.date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// What adding a record cost others: records dropped for age or for the bounds.
    struct Trim: Equatable {
        var expired = 0
        var dropped = 0
    }

    /// Adds one record as the newest, then applies the bounds.
    func add(_ record: SpooledRecord) throws(FileError) -> Trim {
        let bytes: [UInt8]
        do throws(Failure) { bytes = try record.encoded() } catch {
            throw FileError(path: folder, reason: "the record could not be encoded")
        }
        // What a flush would not read back (a body or header beyond any request's bound) is not kept.
        guard bytes.count <= SpooledRecord.maximumFile else {
            throw FileError(
                path: folder,
                reason: "the record is \(bytes.count) bytes, more than the \(SpooledRecord.maximumFile) a spooled record may be")
        }
        let name = SpoolName(created: nowMilliseconds, unique: random(16), size: bytes.count, credential: record.header.credential)
        try storage.add(name.text, in: folder, bytes: bytes)
        return trim(keeping: name)
    }

    /// Removes expired records, then the oldest queued ones beyond the bounds (never `keeping`,
    /// the record just added). Claimed records count, but are left to their sender.
    func trim(keeping: SpoolName? = nil) -> Trim {
        var trim = Trim()
        guard let names = try? storage.names(in: folder) else { return trim }
        let now = nowMilliseconds
        var queued: [SpoolName] = []
        var claimed: [SpoolName] = []
        for name in names.compactMap(SpoolName.init) {
            switch name.state {
            case .queued:
                if now - name.created > Self.maximumAge {
                    if storage.remove(name.text, in: folder) { trim.expired += 1 }
                } else {
                    queued.append(name)
                }
            case .claimed: claimed.append(name)
            case .setAside:
                if now - name.created > Self.maximumAge { storage.remove(name.text, in: folder) }
            }
        }
        queued.sort()
        var count = queued.count + claimed.count
        var bytes = (queued + claimed).reduce(0) { $0 + $1.size }
        for oldest in queued where count > Self.maximumRecords || bytes > Self.maximumBytes {
            guard oldest != keeping else { continue }
            // Gone already: another process claimed or dropped it; it no longer counts here.
            if storage.remove(oldest.text, in: folder) { trim.dropped += 1 }
            count -= 1
            bytes -= oldest.size
        }
        return trim
    }
}
