/// Why no reply came back.
public enum TransportError: Error, Equatable, Sendable {
    case timedOut
    /// Refused, reset, DNS, proxy: the network did not carry the exchange.
    case network(String)
    case tls(String)
    /// The answer went past `limit` bytes: it was cut off, unread.
    case oversized(limit: Int)
}
