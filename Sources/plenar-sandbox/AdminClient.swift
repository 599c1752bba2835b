import ArgumentParser
import Foundation
import PlenarSandbox

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to a running sandbox's admin API; prints its JSON answers on stdout.
struct AdminClient {
    let root: URL

    /// Accepts the API base (`…/v1`) or the server root.
    init?(url: String) {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        if text.hasSuffix("/v1") { text.removeLast(3) }
        guard let root = URL(string: text), root.scheme == "http" || root.scheme == "https" else { return nil }
        self.root = root
    }

    func send(_ method: String, _ path: String, body: Data? = nil) async throws {
        var request = URLRequest(url: root.appendingPathComponent(String(path.dropFirst())))
        request.httpMethod = method
        request.timeoutInterval = 10
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            StandardError.write("plenar-sandbox: cannot reach \(root.absoluteString): \(error.localizedDescription)\n")
            throw ExitCode.failure
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            StandardError.write("plenar-sandbox: \(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))\n")
            throw ExitCode.failure
        }
        StandardOutput.write(String(decoding: data, as: UTF8.self) + "\n")
    }
}
