import FoundationEssentials
import PlenarAPI

/// `plenar keys rotate`: create a replacement with the same description, kind, scopes, projects
/// and expiry period; hand it over; verify it with a status probe; revoke the old key only if its
/// last use did not change since before the handover. The steps are kept in a private state file,
/// so a re-run resumes where the last one stopped instead of minting another key.
struct Rotation {
    let oldID: String
    let handover: Handover
    let wait: Duration?
    let json: Bool
    let client: PlenarClient
    let settings: Settings
    let context: PlenarContext
    let reporter: Reporter

    struct State: Codable {
        var oldID: String
        var newID: String
        /// The replacement's plaintext, kept (mode 0600) only until it is handed over and verified.
        var token: String?
        var handedOver: Bool
        var verified: Bool
        /// The old key's last use as seen before the handover (or at the last check).
        var lastUsedAt: String?
        var lastUsedIP: String?

        enum CodingKeys: String, CodingKey {
            case token, verified
            case oldID = "old_id"
            case newID = "new_id"
            case handedOver = "handed_over"
            case lastUsedAt = "last_used_at"
            case lastUsedIP = "last_used_ip"
        }
    }

    func run() throws(Failure) {
        guard let folder = CredentialLocation.folder(context.environment) else { throw .people(.noConfigFolder) }
        let statePath = "\(folder)/rotations/\(oldID.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }).json"
        var state = try load(statePath)
        step(1, "reading \(oldID)")
        let old = try client.call("GET", "/keys/\(oldID)", notFound: KeysCommand.unknown(oldID), as: KeyInfo.self)
        if old.revokedAt != nil {
            if let state {
                try? context.credentials.remove(statePath)
                reporter.result("\(oldID) is revoked already: the rotation to \(state.newID) is complete\n")
                return
            }
            throw .people(.rotation("\(oldID) is revoked already: nothing to rotate"))
        }
        if let resumed = state {
            reporter.note("resuming the rotation of \(oldID) to \(resumed.newID) (state in \(statePath))")
            if resumed.token == nil, !resumed.verified {
                throw .people(
                    .rotation(
                        "the state in \(statePath) lost the replacement's plaintext before it was verified: revoke \(resumed.newID) (plenar keys revoke \(resumed.newID)), delete that file, and rotate again"
                    ))
            }
        } else {
            let keys = try client.call("GET", "/keys", as: KeyList.self).keys
            if let orphan = keys.first(where: { $0.replaces == oldID && $0.revokedAt == nil }) {
                throw .people(
                    .rotation(
                        "\(orphan.id) already replaces \(oldID), but no rotation state is here to resume (another machine, or a deleted \(statePath)): finish that rotation there, or revoke \(orphan.id) and rotate again"
                    ))
            }
            step(
                2,
                "creating the replacement: \"\(old.description.printable)\", \(old.kind.modeName), \(old.scope.mode == .all ? "all projects" : old.scope.projects.map(\.key).joined(separator: ",")), expiry \(old.expiresInDays.map { "\($0) days" } ?? "never")"
            )
            let request = CreateKeyRequest(
                kind: old.kind, description: old.description, expiresInDays: old.expiresInDays,
                projects: old.scope.mode == .all ? nil : old.scope.projects.map(\.id), scopes: old.scopes, replaces: oldID
            )
            let created = try client.call("POST", "/keys", body: request, as: CreatedKey.self)
            state = State(
                oldID: oldID, newID: created.key.id, token: created.token, handedOver: false, verified: false, lastUsedAt: old.lastUsedAt,
                lastUsedIP: old.lastUsedIP)
            try save(state!, to: statePath)
            reporter.note("created \(created.key.id) (\(created.key.prefix)…)")
        }
        guard var current = state else { return }
        if !current.handedOver, let token = current.token {
            step(3, "handing \(current.newID) over to \(handover.text)")
            let key = try client.call("GET", "/keys/\(current.newID)", notFound: KeysCommand.unknown(current.newID), as: KeyInfo.self)
            try handover.deliver(token, key: key, json: json, context: context, reporter: reporter)
            current.handedOver = true
            try save(current, to: statePath)
        }
        if !current.verified, let token = current.token {
            step(4, "verifying \(current.newID) with a status probe (GET /whoami)")
            let probe = PlenarClient(api: client.api, token: token, timeout: settings.timeout, context: context)
            let whoami = try probe.get("/whoami", as: WhoAmI.self)
            reporter.note("\(current.newID) works: \(whoami.kind.modeName), \(whoami.organization.name)")
            current.verified = true
            current.token = nil
            try save(current, to: statePath)
        }
        step(5, "checking that nothing used \(oldID) since the handover (last use before it: \(current.lastUsedAt ?? "never"))")
        let started = context.clock.now()
        while true {
            let now = try client.call("GET", "/keys/\(oldID)", notFound: KeysCommand.unknown(oldID), as: KeyInfo.self)
            if now.lastUsedAt != current.lastUsedAt {
                current.lastUsedAt = now.lastUsedAt
                current.lastUsedIP = now.lastUsedIP
                try save(current, to: statePath)
                throw .people(.keyInUse(id: oldID, lastUsedAt: now.lastUsedAt ?? "?", ip: now.lastUsedIP))
            }
            guard let wait else { break }
            let left = wait - (context.clock.now() - started)
            guard left > .zero else { break }
            context.clock.sleep(for: min(left, max(.milliseconds(500), min(.seconds(5), wait / 4))))
        }
        step(6, "revoking \(oldID)")
        _ = try client.call("POST", "/keys/\(oldID)/revoke", notFound: KeysCommand.unknown(oldID), as: KeyInfo.self)
        try? context.credentials.remove(statePath)
        reporter.result("Rotated: \(current.newID) replaces \(oldID), which is revoked\n")
    }

    private func step(_ number: Int, _ text: String) {
        reporter.note("step \(number)/6: \(text)")
    }

    private func load(_ path: String) throws(Failure) -> State? {
        let read = context.credentials.read(path)
        switch read {
        case .absent:
            return nil
        case .refused, .exposed:
            throw .people(.rotation("the rotation state \(path) is not used: \(read.problem(path) ?? "")"))
        case let .found(bytes, _):
            guard let state = try? JSONDecoder().decode(State.self, from: Data(bytes)), state.oldID == oldID else {
                throw .people(.rotation("\(path) is not a rotation state plenar wrote: move it aside"))
            }
            return state
        }
    }

    private func save(_ state: State, to path: String) throws(Failure) {
        let bytes = Array(try encode(state))
        do throws(FileError) {
            try context.credentials.write(bytes, to: path, privateFolder: true)
        } catch {
            throw .localFile(error)
        }
    }
}
