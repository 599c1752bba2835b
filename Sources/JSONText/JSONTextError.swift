/// Where and why a text is not JSON: the byte offset the reader stopped at, and what it expected.
/// Callers say where in their own terms (a line and column, a character).
public struct JSONTextError: Error, Equatable, Sendable {
    public var offset: Int
    public var reason: String

    public init(at offset: Int, _ reason: String) {
        self.offset = offset
        self.reason = reason
    }
}
