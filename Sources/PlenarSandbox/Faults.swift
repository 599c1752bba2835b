import FoundationEssentials
import PlenarAPI
import Synchronization

/// A misbehaviour the sandbox applies to matching API requests (`POST /_sandbox/faults`).
public struct Fault: Codable, Sendable, Equatable {
    public enum Mode: String, Codable, Sendable {
        /// Accept the request and never answer (until the fault is cleared or the server stops).
        case hang
        /// Send the response head, then one byte every 500 ms.
        case trickle
        /// Drop the connection without an answer.
        case close
        /// Answer normally, `delay_ms` late.
        case delay
        /// Answer with `status`, error `code` and, when set, `Retry-After`.
        case status
    }

    public var id: String?
    public var mode: Mode
    public var status: Int?
    public var code: String?
    public var retryAfter: Int?
    public var delayMs: Int?
    /// How many matching requests it applies to; absent means until cleared.
    public var count: Int?
    /// Applies to requests whose path starts with this (for example `/v1/signals`); absent means every API request.
    public var path: String?

    public init(
        mode: Mode, status: Int? = nil, code: String? = nil, retryAfter: Int? = nil, delayMs: Int? = nil,
        count: Int? = nil, path: String? = nil
    ) {
        self.mode = mode
        self.status = status
        self.code = code
        self.retryAfter = retryAfter
        self.delayMs = delayMs
        self.count = count
        self.path = path
    }

    enum CodingKeys: String, CodingKey {
        case id, mode, status, code, count, path
        case retryAfter = "retry_after"
        case delayMs = "delay_ms"
    }

    func validated() throws(APIError) -> Fault {
        if let count, count < 1 { throw .invalid("count must be at least 1") }
        if let retryAfter, retryAfter < 0 { throw .invalid("retry_after must not be negative") }
        switch mode {
        case .status:
            guard let status, (400...599).contains(status) else { throw .invalid("mode status needs a status from 400 to 599") }
        case .delay:
            guard let delayMs, delayMs >= 0 else { throw .invalid("mode delay needs delay_ms") }
        case .hang, .trickle, .close:
            break
        }
        return self
    }

    /// The error a `status` fault answers with.
    var apiError: APIError {
        let status = status ?? 500
        let code = code.flatMap(ErrorCode.init(rawValue:)) ?? ErrorCode.forStatus(status)
        let retryAfter = retryAfter ?? (status == 429 ? 1 : nil)
        return APIError(code, "injected fault: \(status) \(self.code ?? code.rawValue)", retryAfter: retryAfter, status: status)
            .withRawCode(self.code)
    }
}

extension APIError {
    /// Keeps a fault's code as given, even one the contract does not list, so clients can be tested against it.
    fileprivate func withRawCode(_ raw: String?) -> APIError {
        var copy = self
        copy.rawCode = raw
        return copy
    }
}

/// The queue of active faults, and the release signal that ends hanging and trickling answers.
final class FaultTable: Sendable {
    private struct Table {
        var faults: [Fault] = []
        /// Bumped when faults are cleared or the server stops: held answers end when it moves.
        var generation = 0
        var stopping = false
    }

    private let table = Mutex(Table())

    func add(_ fault: Fault) -> Fault {
        var fault = fault
        fault.id = Secrets.newID("flt")
        table.withLock { $0.faults.append(fault) }
        return fault
    }

    func list() -> [Fault] { table.withLock { $0.faults } }

    func clear() {
        table.withLock {
            $0.faults.removeAll()
            $0.generation += 1
        }
    }

    func stop() {
        table.withLock {
            $0.stopping = true
            $0.generation += 1
        }
    }

    /// Takes the first fault matching `path`, counting it down; returns it with the generation to watch.
    func take(path: String) -> (fault: Fault, generation: Int)? {
        table.withLock { table in
            guard !table.stopping,
                let index = table.faults.firstIndex(where: { fault in fault.path.map { path.hasPrefix($0) } ?? true })
            else { return nil }
            let fault = table.faults[index]
            if let count = fault.count {
                if count <= 1 { table.faults.remove(at: index) } else { table.faults[index].count = count - 1 }
            }
            return (fault, table.generation)
        }
    }

    /// True once the faults taken at `generation` were cleared or the server is stopping.
    func isReleased(_ generation: Int) -> Bool {
        table.withLock { $0.generation != generation }
    }
}

/// One API request as the sandbox saw it (`GET /_sandbox/requests`).
struct RequestEntry: Codable, Sendable {
    var method: String
    var path: String
    /// The status answered; nil when a fault held or dropped the request.
    var status: Int?
    var fault: Fault.Mode?
    var at: Date
}

/// Every API request seen, newest last; bounded so a long benchmark cannot exhaust memory.
final class RequestJournal: Sendable {
    static let capacity = 200_000
    private let entries = Mutex<[RequestEntry]>([])

    func append(_ entry: RequestEntry) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeFirst(Self.capacity / 2) }
            entries.append(entry)
        }
    }

    func all() -> [RequestEntry] { entries.withLock { $0 } }

    func clear() { entries.withLock { $0.removeAll() } }
}
