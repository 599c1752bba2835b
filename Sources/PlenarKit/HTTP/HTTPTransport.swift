/// Sends one request and waits at most `timeout` for the whole exchange (connect, TLS, send, receive).
public protocol HTTPTransport {
    func send(_ request: HTTPRequestSpec, timeout: Duration) -> Result<HTTPReply, TransportError>
}
