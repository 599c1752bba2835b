import Foundation
import HTTPTypes
import Platform

/// A plain TCP client for watching exactly what arrives and when: what fault tests need
/// (a hang that holds the connection, a trickle, a dropped connection). Blocking I/O on its own thread.
struct RawExchange: Sendable {
    struct Arrival: Sendable {
        let after: Duration
        let bytes: [UInt8]
    }

    let arrivals: [Arrival]
    /// The server closed the connection before `watch` ran out.
    let closedByServer: Bool

    var text: String { String(decoding: arrivals.flatMap(\.bytes), as: UTF8.self) }

    /// When data arrived, reads less than `within` apart counted as one burst.
    func bursts(within: Duration) -> [Duration] {
        var starts: [Duration] = []
        var last: Duration?
        for arrival in arrivals {
            if let last, arrival.after - last < within {} else { starts.append(arrival.after) }
            last = arrival.after
        }
        return starts
    }

    /// Sends `request` to 127.0.0.1:`port` and records every read for up to `watch`.
    static func run(port: Int, request: String, watch: Duration) async throws -> RawExchange {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try exchange(port: port, request: request, watch: watch) })
            }
            thread.start()
        }
    }

    static func get(_ path: String, port: Int, token: String) -> String {
        "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nConnection: close\r\n\r\n"
    }

    private static func exchange(port: Int, request: String, watch: Duration) throws -> RawExchange {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect: \(errno)") }
        let bytes = Array(request.utf8)
        guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw TestFailure("send: \(errno)") }
        let clock = ContinuousClock()
        let start = clock.now
        var arrivals: [Arrival] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let left = watch - (clock.now - start)
            guard left > .zero else { return RawExchange(arrivals: arrivals, closedByServer: false) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1
            guard poll(&poller, 1, milliseconds) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return RawExchange(arrivals: arrivals, closedByServer: true) }
            arrivals.append(Arrival(after: clock.now - start, bytes: Array(buffer[0..<count])))
        }
    }
}
