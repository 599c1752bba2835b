import CPosix

/// Starting a child process: posix_spawn of a path (no PATH search: ``PathSearch`` first), with
/// its stdio, signal state, process group and folder chosen here, and nothing else inherited
/// (every fd of ours is close-on-exec).
public struct Spawn {
    /// Where one of the child's fd 0, 1 and 2 comes from.
    public enum Stdio: Equatable, Sendable {
        /// This fd of ours.
        case fd(Int32)
        /// /dev/null.
        case null
        /// Left closed.
        case closed
    }

    /// The signal state the child starts with.
    public enum Signals: Sendable {
        /// The spawning thread's mask and our dispositions.
        case inherited
        /// The mask and SIGPIPE disposition this process started with (before main): a wrapped
        /// command sees what it would have without us.
        case atStart
        /// Nothing blocked, every disposition the default: how a CI runner starts a step.
        case defaults
    }

    public var path: [UInt8]
    /// The arguments, `argv[0]` included, byte for byte.
    public var arguments: [[UInt8]]
    /// `NAME=VALUE` entries, byte for byte, in this order.
    public var environment: [[UInt8]]
    public var stdin: Stdio = .fd(0)
    public var stdout: Stdio = .fd(1)
    public var stderr: Stdio = .fd(2)
    public var signals: Signals = .inherited
    /// The child leads a new process group (its pid is the group's id).
    public var newProcessGroup = false
    /// The child's working folder; nil: ours.
    public var directory: String?

    public init(path: [UInt8], arguments: [[UInt8]], environment: [[UInt8]]) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
    }

    public init(path: String, arguments: [String], environment: [String]) {
        self.init(path: Array(path.utf8), arguments: arguments.map { Array($0.utf8) }, environment: environment.map { Array($0.utf8) })
    }

    /// Starts the child: its pid, or the errno of the spawn (exec failures such as ENOENT, EACCES
    /// and ENOEXEC included).
    public func start() throws(PlatformError) -> pid_t {
        let argv = CStringArray(arguments)
        let envp = CStringArray(environment)
        let fds = [stdin, stdout, stderr].map { slot -> Int32 in
            switch slot {
            case .fd(let fd): fd
            case .null: PLENAR_SPAWN_NULL
            case .closed: PLENAR_SPAWN_CLOSED
            }
        }
        let mode: plenar_spawn_signals =
            switch signals {
            case .inherited: PLENAR_SIGNALS_INHERITED
            case .atStart: PLENAR_SIGNALS_AT_START
            case .defaults: PLENAR_SIGNALS_DEFAULT
            }
        var pid: pid_t = 0
        let result = CStringArray.withCString(path) { file in
            if let directory {
                plenar_spawn(&pid, file, argv.pointers, envp.pointers, fds, mode, newProcessGroup ? 1 : 0, directory)
            } else {
                plenar_spawn(&pid, file, argv.pointers, envp.pointers, fds, mode, newProcessGroup ? 1 : 0, nil)
            }
        }
        guard result == 0 else { throw PlatformError(result) }
        return pid
    }

    /// Whether fd 0, 1 or 2 was closed when this process started (`plenar run >&-`).
    public static func stdioClosedAtStart(_ fd: Int32) -> Bool {
        plenar_stdio_closed_at_start(fd) != 0
    }
}

/// How a child process ended, decoded from a wait status.
public enum WaitStatus: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32)

    /// Decodes `waitpid`'s status word (the layout Linux, musl and Darwin share).
    public init(raw: Int32) {
        let signal = raw & 0x7F
        self = signal == 0 ? .exited((raw >> 8) & 0xFF) : .signaled(signal)
    }

    /// Waits for `pid` to end and reaps it, through EINTR.
    public static func reap(_ pid: pid_t) throws(PlatformError) -> WaitStatus {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw .current }
        }
        return WaitStatus(raw: status)
    }

    /// Blocks until `pid` has exited without reaping it (waitid with WNOWAIT), so its pid cannot be
    /// reused while a signal may still be sent to it.
    public static func awaitExit(_ pid: pid_t) throws(PlatformError) {
        let result = plenar_wait_exit(pid)
        guard result == 0 else { throw PlatformError(result) }
    }

    /// The status a shell reports: the code, or 128 + the signal.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}
