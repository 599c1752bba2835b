import CCurl
import Platform

/// The production transport: libcurl's easy API (loaded on first use), whose `CURLOPT_TIMEOUT_MS` bounds the whole
/// exchange, and which honours `HTTPS_PROXY`/`NO_PROXY` natively. CA bundles follow the curl tool:
/// `CURL_CA_BUNDLE`, else `SSL_CERT_FILE`; `SSL_CERT_DIR` for a folder. Plain-http (loopback)
/// requests never go through a proxy.
public struct CurlTransport: HTTPTransport {
    static let maximumBody = 4 << 20
    /// What follows a transfer that ran out of time, taken off its timeout so that control returns
    /// by the deadline: closing the connection, the message, the exit and the kernel's teardown of
    /// the process and its thirty libraries took 1.7-1.9 ms (strace -ttt, `plenar signal` against
    /// a hanging sandbox, load average 15).
    static let exitReserve = Duration.milliseconds(2)

    let environment: [String: String]

    public init(environment: [String: String] = [:]) {
        self.environment = environment
    }

    public func send(_ request: HTTPRequestSpec, timeout: Duration) -> Result<HTTPReply, TransportError> {
        // `timeout` is what is left of the deadline now: loading libcurl and its thirty libraries and
        // starting OpenSSL (the first request's 5-10 ms) comes out of it, not on top of it, and so
        // does `exitReserve`.
        let started = ContinuousClock.now
        if let problem = plenar_curl_load() { return .failure(.network(String(cString: problem))) }
        guard let handle = plenar_curl_easy_init() else { return .failure(.network("libcurl could not start")) }
        defer { plenar_curl_easy_cleanup(handle) }
        let sink = ReplySink()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headers: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers + [("Expect", "")] {
            headers = plenar_curl_slist_append(headers, "\(name): \(value)")
        }
        defer { plenar_curl_slist_free_all(headers) }
        let milliseconds = max(1, (timeout - (ContinuousClock.now - started) - Self.exitReserve).wholeMilliseconds)

        _ = plenar_curl_set_string(handle, CURLOPT_URL, request.url)
        _ = plenar_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        _ = plenar_curl_set_slist(handle, CURLOPT_HTTPHEADER, headers)
        _ = plenar_curl_set_long(handle, CURLOPT_TIMEOUT_MS, milliseconds)
        _ = plenar_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        // Do not wait for a slow name lookup's thread past the deadline.
        _ = plenar_curl_set_long(handle, CURLOPT_QUICK_EXIT, 1)
        // Plain http is allowed only to loopback; a proxy would carry the token across a network in clear.
        if request.url.lowercased().hasPrefix("http://") {
            _ = plenar_curl_set_string(handle, CURLOPT_PROXY, "")
        }
        _ = plenar_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = plenar_curl_set_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = plenar_curl_set_write_callback(handle, CURLOPT_WRITEFUNCTION, ReplySink.body)
        _ = plenar_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = plenar_curl_set_write_callback(handle, CURLOPT_HEADERFUNCTION, ReplySink.header)
        _ = plenar_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
        if let bundle = environment["CURL_CA_BUNDLE"] ?? environment["SSL_CERT_FILE"], !bundle.isEmpty {
            _ = plenar_curl_set_string(handle, CURLOPT_CAINFO, bundle)
        }
        if let folder = environment["SSL_CERT_DIR"], !folder.isEmpty {
            _ = plenar_curl_set_string(handle, CURLOPT_CAPATH, folder)
        }
        if var body = request.body {
            _ = plenar_curl_set_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
            body.append(0)
            _ = body.withUnsafeMutableBufferPointer { buffer in
                plenar_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(buffer.baseAddress!))
            }
        }
        let code = plenar_curl_easy_perform(handle)
        if code == CURLE_WRITE_ERROR, sink.overflowed { return .failure(.oversized(limit: Self.maximumBody)) }
        guard code == CURLE_OK else { return .failure(Self.classify(code)) }
        var status = 0
        _ = plenar_curl_get_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPReply(status: status, retryAfter: sink.retryAfter, body: sink.body))
    }

    static func classify(_ code: CURLcode) -> TransportError {
        let text = String(cString: plenar_curl_easy_strerror(code))
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_USE_SSL_FAILED:
            return .tls(text)
        default:
            return .network(text)
        }
    }
}

/// Collects what libcurl hands the write and header callbacks.
private final class ReplySink {
    var body: [UInt8] = []
    var retryAfter: String?
    /// The body went past `CurlTransport.maximumBody` and the transfer was stopped.
    var overflowed = false

    static let body: plenar_curl_write_callback = { data, size, count, context in
        let sink = Unmanaged<ReplySink>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard sink.body.count + length <= CurlTransport.maximumBody else {
            sink.overflowed = true
            return 0
        }
        if let data {
            data.withMemoryRebound(to: UInt8.self, capacity: length) {
                sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
            }
        }
        return length
    }

    static let header: plenar_curl_write_callback = { data, size, count, context in
        let sink = Unmanaged<ReplySink>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let data else { return length }
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.lowercased().hasPrefix("http/") { sink.retryAfter = nil }
        if let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "retry-after" {
            sink.retryAfter = String(line[line.index(after: colon)...]).trimmed
        }
        return length
    }
}
