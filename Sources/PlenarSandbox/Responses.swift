import FoundationEssentials
import Hummingbird
import NIOCore
import PlenarAPI

/// Building answers: every body is JSON with sorted keys, every error has the contract's shape.
enum Responses {
    static let encoder = JSONEncoder.sandbox()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    static func error(_ error: APIError) -> Response {
        var response = json(error.body, status: HTTPResponse.Status(code: error.status))
        if let retryAfter = error.retryAfter {
            response.headers[.retryAfter] = String(retryAfter)
        }
        return response
    }

    /// Maps anything a handler throws to the contract's error body.
    static func error(from thrown: any Error) -> Response {
        switch thrown {
        case let error as APIError:
            return self.error(error)
        case let error as any HTTPResponseError:
            let status = Int(error.status.code)
            let code = ErrorCode.forStatus(status)
            let message =
                switch code {
                case .payloadTooLarge: "the request body is larger than 1 MiB"
                case .notFound: "no such endpoint"
                default: (error as? HTTPError)?.body ?? error.status.reasonPhrase
                }
            return self.error(APIError(code, message, status: status))
        default:
            return self.error(APIError(.internal, "internal error: \(thrown)"))
        }
    }
}

extension Request {
    /// The body, at most 1 MiB, decoded as any JSON value; 400 when it is not JSON, 413 when too large.
    func jsonBody() async throws -> JSONValue {
        let buffer = try await body.collect(upTo: Sandbox.maximumBodySize)
        guard buffer.readableBytes > 0 else { throw APIError.invalid("the request body is empty; send a JSON object") }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.invalid("the request body is not valid JSON")
        }
    }

    /// The body decoded as `T`; 400 naming the field when a field is missing or of the wrong type.
    func decode<T: Decodable>(_ type: T.Type) async throws -> T {
        let buffer = try await body.collect(upTo: Sandbox.maximumBodySize)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError.invalid("\(key.stringValue) is required")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw APIError.invalid("\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError.invalid("\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw APIError.invalid("the request body is not valid JSON")
        }
    }
}
