import FoundationEssentials
import Synchronization

/// Where the sandbox reads the time for expiry, rate limits and timestamps.
public protocol SandboxClock: Sendable {
    func now() -> Date
}

/// The real wall clock.
public struct SystemClock: SandboxClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to: lets tests cross an expiry or a rate-limit window exactly.
public final class ManualClock: SandboxClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
