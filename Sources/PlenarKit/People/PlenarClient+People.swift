import FoundationEssentials
import PlenarAPI

extension PlenarClient {
    /// A request with a JSON body (or none), decoded as `T`; `authorized: false` sends no token
    /// (starting a login). A `not_found` answer becomes `.people(.notFound(notFound))`.
    func call<T: Decodable>(
        _ method: String, _ path: String, body: (some Encodable)? = Optional<String>.none, authorized: Bool = true,
        notFound: String? = nil, as type: T.Type
    ) throws(Failure) -> T {
        let reply = try exchange(method, path, body: body, authorized: authorized, notFound: notFound)
        do {
            return try JSONDecoder().decode(T.self, from: Data(reply.body))
        } catch {
            throw .unavailable(.badResponse("the \(reply.status) answer to \(method) \(path) is not the expected JSON"))
        }
    }

    /// As `call`, for answers without a body (204).
    @discardableResult
    func exchange(
        _ method: String, _ path: String, body: (some Encodable)? = Optional<String>.none, authorized: Bool = true, notFound: String? = nil
    ) throws(Failure) -> HTTPReply {
        var headers = [("User-Agent", userAgent), ("Accept", "application/json")]
        if authorized { headers.insert(("Authorization", "Bearer \(token)"), at: 0) }
        var bytes: [UInt8]?
        if let body {
            bytes = Array(try encode(body))
            headers.append(("Content-Type", "application/json"))
        }
        do {
            return try send(HTTPRequestSpec(method: method, url: api.url(path), headers: headers, body: bytes))
        } catch .unavailable(.server(404, "not_found")) where notFound != nil {
            throw .people(.notFound(notFound!))
        }
    }
}
