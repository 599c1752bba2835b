import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PlenarAPI
import Testing

@testable import PlenarSandbox

@Suite("Load")
struct LoadTests {
    @Test("200 concurrent clients × 25 signals: exactly 5,000 events, none lost or duplicated")
    func concurrentSignals() async throws {
        let clients = 200
        let perClient = 25
        try await RunningSandbox.process { sandbox in
            let tokens = [try sandbox.token("org_demo"), try sandbox.token("org_all"), try sandbox.token("personal")]
            let accepted = try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<clients {
                    group.addTask {
                        let token = tokens[client % tokens.count]
                        return try await TestClient.withClient(
                            host: "127.0.0.1", port: sandbox.port, configuration: .init(timeout: .seconds(60))
                        ) { connection in
                            var ids: [String] = []
                            for index in 0..<perClient {
                                let body = #"{"kind":"load","project_id":"PLEN-DEMO","attributes":{"client":\#(client),"index":\#(index)}}"#
                                var headers = HTTPFields()
                                headers[.authorization] = "Bearer \(token)"
                                headers[.contentType] = "application/json"
                                let response = try await connection.post("/v1/signals", headers: headers, body: ByteBuffer(string: body))
                                guard response.status == .accepted,
                                    let id = response.body.flatMap({
                                        try? JSONDecoder().decode(Accepted.self, from: Data($0.readableBytesView))
                                    })?.id
                                else {
                                    throw TestFailure("client \(client) signal \(index): \(response.status)")
                                }
                                ids.append(id)
                            }
                            return ids
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(accepted.count == clients * perClient)
            #expect(Set(accepted).count == clients * perClient)

            let events = try await sandbox.events()
            #expect(events.count == clients * perClient)
            #expect(Set(events.compactMap { $0["id"]?.stringValue }) == Set(accepted))
            let pairs = Set(
                events.compactMap { event -> String? in
                    guard let client = event["body"]?["attributes"]?["client"]?.intValue,
                        let index = event["body"]?["attributes"]?["index"]?.intValue
                    else { return nil }
                    return "\(client)/\(index)"
                })
            #expect(pairs.count == clients * perClient)
        }
    }
}
