/// One HTTP exchange as the client describes it.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?

    public init(method: String, url: String, headers: [(String, String)], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// What came back: status, the headers the client reads, and the body.
public struct HTTPReply: Equatable, Sendable {
    public var status: Int
    public var retryAfter: String?
    public var body: [UInt8]

    public init(status: Int, retryAfter: String? = nil, body: [UInt8] = []) {
        self.status = status
        self.retryAfter = retryAfter
        self.body = body
    }
}

/// Why no reply came back.
public enum TransportError: Error, Equatable, Sendable {
    case timedOut
    /// Refused, reset, DNS, proxy: the network did not carry the exchange.
    case network(String)
    case tls(String)
    /// The answer went past `limit` bytes: it was cut off, unread.
    case oversized(limit: Int)
}

/// Sends one request and waits at most `timeout` for the whole exchange (connect, TLS, send, receive).
public protocol HTTPTransport {
    func send(_ request: HTTPRequestSpec, timeout: Duration) -> Result<HTTPReply, TransportError>
}
