import ArgumentParser
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// Load against a running sandbox: `connections` keep-alive clients post signals as fast as
/// answers come back, for `seconds`; prints throughput and latency percentiles as JSON.
@main
struct SandboxLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plenar-bench",
        abstract: "Signals per second and latency of a running plenar-sandbox (development tool, used by scripts/bench)."
    )

    @Option(help: "The sandbox's PLENAR_API_URL.")
    var url: String

    @Option(help: "Token to post with (the file named by PLENAR_BENCH_TOKEN_FILE is read when this is absent).")
    var token: String?

    @Option(help: "Concurrent keep-alive connections.")
    var connections = 64

    @Option(help: "Measured seconds.")
    var seconds = 10.0

    @Option(help: "Unmeasured warm-up seconds.")
    var warmup = 2.0

    func run() async throws {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw ValidationError("--url must look like http://127.0.0.1:PORT/v1")
        }
        let base = components.path.hasSuffix("/") ? String(components.path.dropLast()) : components.path
        let token =
            try self.token
            ?? String(contentsOfFile: ProcessInfo.processInfo.environment["PLENAR_BENCH_TOKEN_FILE"] ?? "", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let clock = ContinuousClock()
        let start = clock.now
        let measureFrom = start + .seconds(warmup)
        let end = measureFrom + .seconds(seconds)
        let (connections, path) = (self.connections, base + "/signals")
        let results = try await withThrowingTaskGroup(of: Tally.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    try await TestClient.withClient(host: host, port: port, configuration: .init(timeout: .seconds(30))) { client in
                        var tally = Tally()
                        var headers = HTTPFields()
                        headers[.authorization] = "Bearer \(token)"
                        headers[.contentType] = "application/json"
                        var index = 0
                        while clock.now < end {
                            let body = ByteBuffer(string: #"{"kind":"bench","attributes":{"connection":\#(connection),"index":\#(index)}}"#)
                            let sent = clock.now
                            let response = try await client.post(path, headers: headers, body: body)
                            let took = clock.now - sent
                            index += 1
                            tally.posted += 1
                            if response.status == .accepted { tally.accepted += 1 } else { tally.failed += 1 }
                            if sent >= measureFrom {
                                tally.latencies.append(Double(took.components.attoseconds) / 1e15 + Double(took.components.seconds) * 1000)
                            }
                        }
                        return tally
                    }
                }
            }
            return try await group.reduce(into: Tally()) { $0.merge($1) }
        }
        let sorted = results.latencies.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((p / 100) * Double(sorted.count)))]
        }
        let report: [String: Double] = [
            "connections": Double(connections),
            "seconds": seconds,
            "measured_requests": Double(sorted.count),
            "signals_per_second": Double(sorted.count) / seconds,
            "p50_ms": percentile(50),
            "p90_ms": percentile(90),
            "p99_ms": percentile(99),
            "max_ms": sorted.last ?? 0,
            "posted": Double(results.posted),
            "accepted": Double(results.accepted),
            "failed": Double(results.failed),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}

struct Tally: Sendable {
    var posted = 0
    var accepted = 0
    var failed = 0
    var latencies: [Double] = []

    mutating func merge(_ other: Tally) {
        posted += other.posted
        accepted += other.accepted
        failed += other.failed
        latencies += other.latencies
    }
}
