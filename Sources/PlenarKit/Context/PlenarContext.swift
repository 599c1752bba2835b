import FoundationEssentials

/// Where text for people or for programs goes.
public protocol TextOutput {
    func write(_ text: String)
}

/// Standard input, as far as the CLI reads it.
public protocol ByteInput {
    /// True when a person types into it, so it must not be read unasked.
    var isTerminal: Bool { get }
    /// Reads until end of input, `limit` bytes, or `timeout`, whichever comes first; with
    /// `untilNewline`, also stops once a line feed has arrived. A writer that keeps stdin open
    /// (an agent, a step's `sleep | …`) cannot hold the command past `timeout`.
    func read(limit: Int, timeout: Duration, untilNewline: Bool) -> InputRead
}

/// What a bounded read of standard input got.
public struct InputRead: Equatable, Sendable {
    public var bytes: [UInt8]
    /// Time ran out before end of input (or the line's end).
    public var timedOut: Bool

    public init(bytes: [UInt8], timedOut: Bool = false) {
        self.bytes = bytes
        self.timedOut = timedOut
    }
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
    /// Where `connect` writes client configs: the repository root (the nearest folder at or
    /// above the current one that holds `.git`), else the current folder.
    func projectRoot() -> String
    /// A file as it is now; `contents` is nil when it does not exist.
    func read(_ path: String) throws(FileError) -> FileSnapshot
    /// Changes files under `root` as one step, and appends to files elsewhere with it: locks
    /// `root` against other `plenar` processes, opens each file of `appends` (a missing file is
    /// created, a missing folder is an error), reads each path, lets `plan` decide, and writes
    /// every change to a temporary file beside its target. Only then does it change anything:
    /// the appends, the files rewritten in place (those with other hard links), the renames.
    /// Any failure before the renames changes nothing: appends are cut back and files rewritten
    /// in place get their old contents again.
    func update(
        _ paths: [String], under root: String, appending appends: [FileAppend], _ plan: ([FileSnapshot]) throws(Failure) -> [FileWrite]
    ) throws(Failure)
    /// Whether git would commit the file.
    func gitExposure(of path: String) -> GitExposure
}

extension FileSystem {
    /// `update` with nothing to append.
    public func update(_ paths: [String], under root: String, _ plan: ([FileSnapshot]) throws(Failure) -> [FileWrite]) throws(Failure) {
        try update(paths, under: root, appending: [], plan)
    }
}

/// Text for the end of a file outside the repository: the runner's `$GITHUB_ENV`, `$GITHUB_OUTPUT`.
public struct FileAppend: Equatable, Sendable {
    public var path: String
    public var text: String
    /// How messages name the file, as `$GITHUB_ENV (/path)`.
    public var shownAs: String

    public init(path: String, text: String, shownAs: String? = nil) {
        self.path = path
        self.text = text
        self.shownAs = shownAs ?? path
    }
}

/// Which file a path reaches: two paths with one identity are one file, whatever links lead there.
public struct FileIdentity: Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }
}

public struct FileSnapshot: Equatable, Sendable {
    public var path: String
    /// Where a write lands: the file a symbolic link points to, else `path`.
    public var realPath: String
    public var contents: [UInt8]?
    /// Permission bits of the existing file.
    public var mode: UInt32?
    /// The existing file's device and inode.
    public var identity: FileIdentity?
    /// How many names (hard links) the existing file has.
    public var links: Int

    public init(
        path: String, realPath: String? = nil, contents: [UInt8]?, mode: UInt32? = nil, identity: FileIdentity? = nil, links: Int = 1
    ) {
        self.path = path
        self.realPath = realPath ?? path
        self.contents = contents
        self.mode = mode
        self.identity = identity
        self.links = links
    }

    /// The same file as `other`: one real path, or one device and inode (a hard link).
    public func isSameFile(as other: FileSnapshot) -> Bool {
        realPath == other.realPath || (identity != nil && identity == other.identity)
    }
}

public struct FileWrite: Equatable, Sendable {
    public var snapshot: FileSnapshot
    public var contents: [UInt8]
    /// The mode to give the file: nil keeps an existing file's mode, or 0644 for a new one.
    public var mode: UInt32?
    /// Keep the previous contents beside the file as `.bak` (after `--force`).
    public var backup: Bool

    public init(snapshot: FileSnapshot, contents: [UInt8], mode: UInt32? = nil, backup: Bool = false) {
        self.snapshot = snapshot
        self.contents = contents
        self.mode = mode
        self.backup = backup
    }
}

public enum GitExposure: Equatable, Sendable {
    /// Committed already.
    case tracked
    /// Not ignored: the next `git add .` takes it.
    case unignored
    case ignored
    /// Not in a repository, or git is not there to ask.
    case unknown
}

public struct FileError: Error, Equatable, Sendable {
    public var path: String
    public var reason: String
    /// What failed: write, read, open.
    public var action: String

    public init(path: String, reason: String, action: String = "write") {
        self.path = path
        self.reason = reason
        self.action = action
    }
}

/// Runs a wrapped command to its end, its output through the filters (`plenar run`).
public protocol ChildRunner {
    /// `argv` and `environment` (`NAME=VALUE` entries) byte for byte, as the command gets them.
    func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
        _ argv: [[UInt8]], environment: [[UInt8]], stdout: inout Out, stderr: inout Err
    ) -> ChildOutcome
}

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

    public init(
        environment: [String: String], clock: any Clock, stdout: any TextOutput, stderr: any TextOutput,
        stdin: any ByteInput, files: any FileSystem, transport: any HTTPTransport, children: any ChildRunner = LiveChildren(),
        random: @escaping @Sendable (Int) -> String = RandomText.alphanumeric, environmentBytes: [[UInt8]]? = nil,
        credentials: any CredentialStore = LocalCredentialStore(), helpers: any HelperPrograms = LocalHelpers()
    ) {
        self.credentials = credentials
        self.helpers = helpers
        self.children = children
        self.environment = environment
        self.environmentBytes = environmentBytes ?? environment.sorted { $0.key < $1.key }.map { Array("\($0.key)=\($0.value)".utf8) }
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
