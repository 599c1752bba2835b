import FoundationEssentials

/// What a bounded read of standard input got.
public struct InputRead: Equatable, Sendable {
    public var bytes: [UInt8]
    /// Time ran out before end of input (or the line's end).
    public var timedOut: Bool

    public init(bytes: [UInt8], timedOut: Bool = false) {
        self.bytes = bytes
        self.timedOut = timedOut
    }
}
