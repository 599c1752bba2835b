import FoundationEssentials
import Platform

/// Every side effect the CLI has, in one value: environment, clock, streams, files, network, children.
/// Commands read nothing behind its back, so tests can hand them a context of fakes.
public struct PlenarContext {
    public var environment: [String: String]
    /// The environment as the process got it: `NAME=VALUE` entries, byte for byte and in order.
    /// `environment` is its decoded form, where bytes that are not UTF-8 read as U+FFFD; what is
    /// handed on (`plenar run`'s command) or matched as bytes (its secrets) comes from here.
    public var environmentBytes: [[UInt8]]
    public var clock: any Clock
    public var stdout: any TextOutput
    public var stderr: any TextOutput
    public var stdin: any ByteInput
    public var files: any FileSystem
    public var transport: any HTTPTransport
    public var children: any ChildRunner
    /// Source of randomness for heredoc delimiters, idempotency keys and run ids.
    public var random: @Sendable (Int) -> String
    /// Private files: the login credentials, rotation state, keys written with `--out`.
    public var credentials: any CredentialStore
    /// A browser for login, `gh` for handing a key over.
    public var helpers: any HelperPrograms
    /// The spool's folder: telemetry kept through an outage (``Spool``).
    public var spool: any SpoolStorage
    /// When plenar started, on `clock` (`Launch`); nil for a context of fakes. A request made during
    /// start-up counts its deadline from here (`PlenarClient`).
    public var launched: Duration?

    public init(
        environment: [String: String], clock: any Clock, stdout: any TextOutput, stderr: any TextOutput,
        stdin: any ByteInput, files: any FileSystem, transport: any HTTPTransport, children: any ChildRunner = LiveChildren(),
        random: @escaping @Sendable (Int) -> String = RandomText.alphanumeric, environmentBytes: [[UInt8]]? = nil,
        credentials: any CredentialStore = LocalCredentialStore(), helpers: any HelperPrograms = LocalHelpers(),
        spool: any SpoolStorage = LocalSpoolStorage()
    ) {
        self.spool = spool
        self.credentials = credentials
        self.helpers = helpers
        self.children = children
        self.environment = environment
        self.environmentBytes = environmentBytes ?? ProcessBytes.entries(environment)
        self.clock = clock
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin
        self.files = files
        self.transport = transport
        self.random = random
    }

    /// An environment variable, treating empty as unset.
    public func env(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}
