import FoundationEssentials

/// Monotonic time for deadlines and waits, and the wall clock for dates.
public protocol Clock {
    /// Time since an arbitrary fixed point; only differences mean anything.
    func now() -> Duration
    func sleep(for duration: Duration)
    func date() -> Date
}
