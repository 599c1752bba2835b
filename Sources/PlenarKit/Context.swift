import FoundationEssentials

/// Where text for people or for programs goes.
public protocol TextOutput {
    func write(_ text: String)
}

/// Standard input, as far as the CLI reads it.
public protocol ByteInput {
    /// True when a person types into it, so it must not be read unasked.
    var isTerminal: Bool { get }
    /// Reads until end of input or `limit` bytes, whichever comes first.
    func read(limit: Int) -> [UInt8]
}

/// Monotonic time for deadlines and waits, and the wall clock for dates.
public protocol Clock {
    /// Time since an arbitrary fixed point; only differences mean anything.
    func now() -> Duration
    func sleep(for duration: Duration)
    func date() -> Date
}

/// The few file operations the CLI performs.
public protocol FileSystem {
    func append(_ text: String, to path: String) throws(FileError)
}

public struct FileError: Error, Equatable, Sendable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// Every side effect the CLI has, in one value: environment, clock, streams, files, network.
/// Commands read nothing behind its back, so tests can hand them a context of fakes.
public struct PlenarContext {
    public var environment: [String: String]
    public var clock: any Clock
    public var stdout: any TextOutput
    public var stderr: any TextOutput
    public var stdin: any ByteInput
    public var files: any FileSystem
    public var transport: any HTTPTransport
    /// Source of randomness for heredoc delimiters and idempotency keys.
    public var random: @Sendable (Int) -> String

    public init(
        environment: [String: String], clock: any Clock, stdout: any TextOutput, stderr: any TextOutput,
        stdin: any ByteInput, files: any FileSystem, transport: any HTTPTransport,
        random: @escaping @Sendable (Int) -> String = RandomText.alphanumeric
    ) {
        self.environment = environment
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

public enum RandomText {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    @Sendable public static func alphanumeric(_ length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
    }
}
