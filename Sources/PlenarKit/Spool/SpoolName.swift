/// A spool file's name, which says all that the spool's bookkeeping needs without opening it:
/// when the record was made, a random part that makes the name unique, its size, the fingerprint
/// of the key it is for (``SpooledRecord/credential(_:)``, so another key's records are passed
/// over unread), and its state.
///
/// - queued: `<created, ms since 1970, 15 digits>-<random>-<bytes>-<credential>.rec`; names sort
///   oldest first.
/// - claimed by a sender: the queued name plus `.<claim ends, ms, 15 digits>.claimed`.
/// - set aside (did not parse): the queued name plus `.corrupt`.
struct SpoolName: Equatable, Comparable {
    enum State: Equatable {
        case queued
        /// Claimed by a process that gives it up (or has died) once the wall clock passes `until` (ms).
        case claimed(until: Int64)
        case setAside
    }

    static let queuedSuffix = ".rec"

    var created: Int64
    var unique: String
    var size: Int
    /// 16 hex digits.
    var credential: String
    var state = State.queued

    /// The queued form, whatever the state.
    var queued: String { "\(Self.digits(created))-\(unique)-\(size)-\(credential)\(Self.queuedSuffix)" }

    var text: String {
        switch state {
        case .queued: queued
        case let .claimed(until): "\(queued).\(Self.digits(until)).claimed"
        case .setAside: "\(queued).corrupt"
        }
    }

    func with(_ state: State) -> SpoolName {
        var name = self
        name.state = state
        return name
    }

    /// Nil for any other name (a temporary file, something a person put there).
    init?(_ text: String) {
        guard let end = text.firstRange(of: Self.queuedSuffix) else { return nil }
        let rest = text[end.upperBound...]
        let parts = text[..<end.lowerBound].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].count == 15, let created = Int64(parts[0]), !parts[1].isEmpty,
            parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), let size = Int(parts[2]),
            (0...SpooledRecord.maximumFile).contains(size),
            parts[3].count == 16, parts[3].allSatisfy({ $0.isHexDigit && !$0.isUppercase })
        else { return nil }
        switch rest {
        case "": state = .queued
        case ".corrupt": state = .setAside
        default:
            let fields = rest.split(separator: ".")
            guard fields.count == 2, fields[1] == "claimed", fields[0].count == 15, let until = Int64(fields[0]) else { return nil }
            state = .claimed(until: until)
        }
        self.created = created
        self.unique = String(parts[1])
        self.size = size
        self.credential = String(parts[3])
    }

    init(created: Int64, unique: String, size: Int, credential: String) {
        self.created = created
        self.unique = unique
        self.size = size
        self.credential = credential
    }

    static func < (left: SpoolName, right: SpoolName) -> Bool {
        (left.created, left.unique) < (right.created, right.unique)
    }

    private static func digits(_ value: Int64) -> String {
        let text = String(max(0, value))
        return String(repeating: "0", count: max(0, 15 - text.count)) + text
    }
}
