import FoundationEssentials
import Hummingbird
import Logging
import NIOCore
import PlenarAPI
import ServiceLifecycle
import UnixSignals

/// How to run a sandbox server.
public struct SandboxConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Requests a second per key; nil means no limit.
    public var rateLimit: Int?
    /// Where state survives restarts; nil keeps it in memory only.
    public var statePath: String?
    /// One line per request on stderr.
    public var logRequests: Bool
    public var clock: any SandboxClock

    public init(
        host: String = "127.0.0.1", port: Int = 0, rateLimit: Int? = nil, statePath: String? = nil,
        logRequests: Bool = true, clock: any SandboxClock = SystemClock()
    ) {
        self.host = host
        self.port = port
        self.rateLimit = rateLimit
        self.statePath = statePath
        self.logRequests = logRequests
        self.clock = clock
    }

    var isLoopbackHost: Bool {
        Loopback.contains(host)
    }
}

/// A Plenar server on loopback: the API of `docs/api.md`, MCP at `/mcp`, the admin API under `/_sandbox/`.
public final class Sandbox: Sendable {
    public static let version = Release.version
    public static let maximumBodySize = 1 << 20

    public let configuration: SandboxConfiguration
    public let store: SandboxStore
    let faults = FaultTable()
    let journal = RequestJournal()
    let oidcIssuer: OIDCIssuer
    let jwks = JWKSCache()

    public init(configuration: SandboxConfiguration) throws(SandboxError) {
        self.configuration = configuration
        self.oidcIssuer = OIDCIssuer(clock: configuration.clock)
        self.store = try SandboxStore(
            clock: configuration.clock, rateLimit: configuration.rateLimit,
            stateFile: configuration.statePath.map(StateFile.init(path:))
        )
    }

    /// Creates the demo organization and projects and mints the demo keys; returns name → token.
    public func seedDemo() async throws -> [String: String] {
        let tokens = try await store.seedDemo()
        try await store.flush()
        return tokens
    }

    /// The base URL clients use (`PLENAR_API_URL`) for a server listening on `port`.
    public func apiURL(port: Int) -> String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "http://\(host):\(port)/v1"
    }

    /// Serves until the task is cancelled, or until SIGINT or SIGTERM when `handleSignals` is set.
    /// Held answers (hang, trickle) end first, then the server drains, then the state is saved.
    public func run(handleSignals: Bool, onReady: @escaping @Sendable (_ port: Int) async -> Void) async throws {
        var logger = Logger(label: "plenar-sandbox") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = configuration.logRequests ? .warning : .critical
        let application = Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "plenar-sandbox"),
            onServerRunning: { [oidcIssuer] channel in
                let port = channel.localAddress?.port ?? 0
                oidcIssuer.setRoot(String(self.apiURL(port: port).dropLast(3)))
                await onReady(port)
            },
            logger: logger
        )
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let (store, faults) = (self.store, self.faults)
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                defer { group.cancelAll() }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .milliseconds(200))
                        do { try await store.flush() } catch { StandardError.write("plenar-sandbox: \(error)\n") }
                    }
                }
                if handleSignals {
                    group.addTask {
                        for await _ in await UnixSignalsSequence(trapping: .sigint, .sigterm) {
                            faults.stop()
                            await services.triggerGracefulShutdown()
                            return
                        }
                    }
                }
                try await services.run()
            }
        } onCancel: {
            faults.stop()
        }
        faults.stop()
        try await store.flush()
    }
}
