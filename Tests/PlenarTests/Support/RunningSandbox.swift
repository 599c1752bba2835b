import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PlenarAPI
import Testing

@testable import PlenarSandbox

/// A sandbox on an ephemeral loopback port, with a client for it: served in this process (the
/// sandbox's own tests, which reach into its store or give it a fake clock), or the built
/// `plenar-sandbox` in a process of its own (`inProcess: false`, what every end-to-end test of the
/// CLI uses: the server then keeps its own threads, whatever CPU-heavy suites do to this
/// process's, so a deadline or a fault means the same on a loaded machine).
struct RunningSandbox: Sendable {
    let port: Int
    let tokens: [String: String]
    private let server: Sandbox?

    /// The in-process server's store.
    var store: SandboxStore {
        guard let server else { preconditionFailure("the store of a sandbox in its own process is out of reach: use its admin API") }
        return server.store
    }

    var apiURL: String { "http://127.0.0.1:\(port)/v1" }
    var root: String { "http://127.0.0.1:\(port)" }

    /// Serves a sandbox (demo data unless `demo` is false) for the duration of `body`.
    static func with<T: Sendable>(
        _ configuration: SandboxConfiguration = SandboxConfiguration(logRequests: false),
        demo: Bool = true,
        _ body: @Sendable (RunningSandbox) async throws -> T
    ) async throws -> T {
        let sandbox = try Sandbox(configuration: configuration)
        let tokens = demo ? try await sandbox.seedDemo() : [:]
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = Task {
            try await sandbox.run(handleSignals: false) { port in continuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestFailure("the sandbox never reported its port") }
        let running = RunningSandbox(port: port, tokens: tokens, server: sandbox)
        do {
            let result = try await body(running)
            server.cancel()
            try await server.value
            return result
        } catch {
            server.cancel()
            _ = try? await server.value
            throw error
        }
    }

    /// `plenar-sandbox serve --demo` in a process of its own for the duration of `body`, stopped
    /// with SIGTERM afterwards.
    static func process<T: Sendable>(_ body: @Sendable (RunningSandbox) async throws -> T) async throws -> T {
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("plenar-test-keys-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: keys) }
        let process = try SandboxProcess(["serve", "--demo", "--quiet", "--port", "0", "--keys-out", keys])
        let result: Result<T, any Error>
        do {
            let port = try await process.port()
            let data = try Data(contentsOf: URL(fileURLWithPath: keys))
            let tokens = try JSONDecoder().decode([String: String].self, from: data)
            result = .success(try await body(RunningSandbox(port: port, tokens: tokens, server: nil)))
        } catch {
            result = .failure(error)
        }
        let ending = await process.stop()
        if case .success = result, ending.status != 0 {
            throw TestFailure("plenar-sandbox did not stop cleanly (\(ending.status)): \(ending.stderr)")
        }
        return try result.get()
    }

    func token(_ name: String) throws -> String {
        try #require(tokens[name], "no demo key named \(name)")
    }

    func request(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: [String: String] = [:], timeout: Duration = .seconds(15)
    ) async throws -> Reply {
        try await RunningClient(port: port).request(method, path, token: token, json: json, headers: extra, timeout: timeout)
    }

    /// Mints a key through the admin API and returns (id, token).
    func mint(_ body: String) async throws -> (id: String, token: String) {
        let reply = try await request(.post, "/_sandbox/keys", json: body)
        try #require(reply.status == 201, "mint failed: \(reply.text)")
        return (try #require(reply.json["id"]?.stringValue), try #require(reply.json["token"]?.stringValue))
    }

    func injectFault(_ body: String) async throws {
        let reply = try await request(.post, "/_sandbox/faults", json: body)
        try #require(reply.status == 201, "fault refused: \(reply.text)")
    }

    func events() async throws -> [JSONValue] {
        guard case let .array(events)? = try await request(.get, "/_sandbox/events").json["events"] else { return [] }
        return events
    }

    /// Requests the server saw for `path` (admin requests are never listed).
    func requestsSeen(path: String) async throws -> [JSONValue] {
        guard case let .array(entries)? = try await request(.get, "/_sandbox/requests").json["requests"] else { return [] }
        return entries.filter { $0["path"]?.stringValue == path }
    }
}

/// A response, with its body as text and as JSON.
struct Reply: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String

    init(_ response: TestClient.Response) {
        status = Int(response.status.code)
        headers = response.headers
        text = response.body.map { String(buffer: $0) } ?? ""
    }

    var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null }

    /// The contract's error code, when this is an error body.
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A client for a sandbox on a loopback port: one request per fresh connection, JSON bodies as text.
struct RunningClient: Sendable {
    let port: Int

    func request(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: [String: String] = [:], timeout: Duration = .seconds(15)
    ) async throws -> Reply {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if json != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        let request = TestClient.Request(
            path, method: method, authority: "127.0.0.1:\(port)", headers: headers, body: json.map { ByteBuffer(string: $0) })
        return try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: .init(timeout: timeout)) { client in
            Reply(try await client.execute(request))
        }
    }
}
