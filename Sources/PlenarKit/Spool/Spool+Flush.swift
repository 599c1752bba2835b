import FoundationEssentials
import PlenarAPI

extension Spool {
    /// What one flush did.
    struct Flushed: Equatable {
        var sent = 0
        /// Dropped for their age (over 24 h).
        var expired = 0
        /// Refused by the service for good (400, 403, 404, 413, 422): removed.
        var refused = 0
        /// Did not parse: renamed to `….corrupt`.
        var setAside: [String] = []
        /// Queued records still in the spool afterwards: not reached, released, or another key's.
        var left = 0
        /// Why sending stopped early, with records left: the service could not be reached, or
        /// (401) the credentials are wrong.
        var stopped: Failure?
    }

    /// Sends the queued records meant for this client's API and key (`credentials`: fingerprints
    /// of the keys whose records it may send), oldest first, each claimed by a rename first,
    /// within the client's deadline. Stops at the first record that finds no answer, and when the
    /// deadline has passed.
    func flush(_ client: PlenarClient, credentials: Set<String>) -> Flushed {
        var flushed = Flushed()
        guard let names = try? storage.names(in: folder) else { return flushed }
        let now = nowMilliseconds
        var queued: [SpoolName] = []
        for name in names.compactMap(SpoolName.init) {
            switch name.state {
            case .queued:
                queued.append(name)
            case let .claimed(until) where until < now:
                // Its claimer died: the record is queued again, in its old place.
                if (try? storage.move(name.text, to: name.queued, in: folder)) == true { queued.append(name.with(.queued)) }
            case .setAside where now - name.created > Self.maximumAge:
                storage.remove(name.text, in: folder)
            case .claimed, .setAside:
                continue
            }
        }
        let time = client.deadline - client.clock.now()
        let until = now + Int64(max(0, time.wholeMilliseconds)) + Self.claimGrace
        flushed.left = queued.count
        for name in queued.sorted() {
            // Reading, claiming and releasing take time too: the deadline covers them.
            guard client.clock.now() < client.deadline else {
                flushed.stopped = .unavailable(.timedOut(milliseconds: client.timeout.wholeMilliseconds))
                return flushed
            }
            // Every path below but a release takes the record out of the queue.
            flushed.left -= 1
            if now - name.created > Self.maximumAge {
                if storage.remove(name.text, in: folder) { flushed.expired += 1 }
                continue
            }
            // Another key's record: left unread, for its own key.
            guard credentials.contains(name.credential) else {
                flushed.left += 1
                continue
            }
            let claimed = name.with(.claimed(until: until))
            guard (try? storage.move(name.text, to: claimed.text, in: folder)) == true else { continue }
            guard let bytes = try? storage.read(claimed.text, in: folder, limit: SpooledRecord.maximumFile) else {
                release(claimed, &flushed)
                continue
            }
            guard let record = SpooledRecord(bytes) else {
                if (try? storage.move(claimed.text, to: name.with(.setAside).text, in: folder)) == true {
                    flushed.setAside.append(folder + "/" + name.with(.setAside).text)
                }
                continue
            }
            guard record.header.api == client.api.base, credentials.contains(record.header.credential) else {
                release(claimed, &flushed)
                continue
            }
            do throws(Failure) {
                _ = try client.post(
                    record.header.path, body: record.body, namesProject: record.header.namesProject,
                    idempotencyKey: record.header.idempotencyKey)
                storage.remove(claimed.text, in: folder)
                flushed.sent += 1
            } catch {
                switch error {
                case .rejected(401, _, _):
                    release(claimed, &flushed)
                    flushed.stopped = error
                    return flushed
                case .rejected, .unavailable(.server(400..<429, _)), .unavailable(.server(430..<500, _)):
                    storage.remove(claimed.text, in: folder)
                    flushed.refused += 1
                default:
                    release(claimed, &flushed)
                    flushed.stopped = error
                    return flushed
                }
            }
        }
        return flushed
    }

    /// Gives a claimed record back to the queue, in its old place.
    private func release(_ claimed: SpoolName, _ flushed: inout Flushed) {
        if (try? storage.move(claimed.text, to: claimed.queued, in: folder)) == true { flushed.left += 1 }
    }
}
