import FoundationEssentials

/// Standard input, as far as the CLI reads it.
public protocol ByteInput {
    /// True when a person types into it, so it must not be read unasked.
    var isTerminal: Bool { get }
    /// Reads until end of input, `limit` bytes, or `timeout`, whichever comes first; with
    /// `untilNewline`, also stops once a line feed has arrived. A writer that keeps stdin open
    /// (an agent, a step's `sleep | …`) cannot hold the command past `timeout`.
    func read(limit: Int, timeout: Duration, untilNewline: Bool) -> InputRead
}
