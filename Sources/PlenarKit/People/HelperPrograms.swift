import CPosix

#if canImport(Glibc)
import Glibc
#endif

/// Other programs a person's command hands work to: a browser for login, `gh secret set` for a
/// new key. Behind a protocol so logic tests never start one.
public protocol HelperPrograms {
    /// Whether standard error is a terminal a person watches.
    var stderrIsTerminal: Bool { get }
    /// Starts `program URL` without waiting for it; false when it could not be started.
    func launch(_ program: String, _ url: String, environment: [String: String]) -> Bool
    /// Runs `argv` (found on PATH) with `input` on its stdin, at most `timeout`.
    func run(_ argv: [String], input: [UInt8], environment: [String: String], timeout: Duration) -> HelperOutcome
}

/// How a helper program ended.
public struct HelperOutcome: Equatable, Sendable {
    /// The exit status; nil when it did not start, or was stopped at the timeout.
    public var status: Int32?
    public var stderr: String
    /// Why it did not run to its end, if it did not.
    public var problem: String?

    public init(status: Int32?, stderr: String = "", problem: String? = nil) {
        self.status = status
        self.stderr = stderr
        self.problem = problem
    }
}

public struct LocalHelpers: HelperPrograms {
    public init() {}

    public var stderrIsTerminal: Bool { isatty(2) == 1 }

    public func launch(_ program: String, _ url: String, environment: [String: String]) -> Bool {
        // stdin, stdout and stderr are /dev/null: a text browser cannot take over the terminal or
        // read what the person types, and the child is not waited for.
        spawn([program, url], environment: environment, stdin: -1, stdout: -1, stderr: -1) != nil
    }

    public func run(_ argv: [String], input: [UInt8], environment: [String: String], timeout: Duration) -> HelperOutcome {
        var inPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard plenar_pipe(&inPipe) == 0 else { return HelperOutcome(status: nil, problem: "pipe: \(String(cString: strerror(errno)))") }
        guard plenar_pipe(&errPipe) == 0 else {
            close(inPipe[0])
            close(inPipe[1])
            return HelperOutcome(status: nil, problem: "pipe: \(String(cString: strerror(errno)))")
        }
        let pid = spawn(argv, environment: environment, stdin: inPipe[0], stdout: -1, stderr: errPipe[1])
        close(inPipe[0])
        close(errPipe[1])
        guard let pid else {
            close(inPipe[1])
            close(errPipe[0])
            return HelperOutcome(status: nil, problem: "\(argv[0]) could not be started (is it installed and on PATH?)")
        }
        let clock = SystemClock()
        let deadline = clock.now() + timeout
        var written = 0
        var writeFD = inPipe[1]
        if input.isEmpty {
            close(writeFD)
            writeFD = -1
        }
        var errors: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var readFD = errPipe[0]
        var timedOut = false
        while writeFD >= 0 || readFD >= 0 {
            let left = deadline - clock.now()
            guard left > .zero else {
                timedOut = true
                break
            }
            var fds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0), pollfd(fd: writeFD, events: Int16(POLLOUT), revents: 0)]
            let polled = poll(&fds, 2, Int32(clamping: max(1, left.wholeMilliseconds)))
            if polled < 0, errno == EINTR { continue }
            if readFD >= 0, fds[0].revents != 0 {
                let count = Glibc.read(readFD, &buffer, buffer.count)
                if count > 0 {
                    if errors.count < 65_536 { errors += buffer[0..<count] }
                } else if count == 0 || errno != EINTR {
                    close(readFD)
                    readFD = -1
                }
            }
            if writeFD >= 0, fds[1].revents != 0 {
                let count = input[written...].withUnsafeBytes { Glibc.write(writeFD, $0.baseAddress, $0.count) }
                if count > 0 { written += count }
                if written == input.count || (count < 0 && errno != EINTR && errno != EAGAIN) {
                    close(writeFD)
                    writeFD = -1
                }
            }
        }
        if writeFD >= 0 { close(writeFD) }
        if readFD >= 0 { close(readFD) }
        if timedOut { kill(pid, SIGTERM) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let text = String(decoding: errors, as: UTF8.self)
        if timedOut {
            return HelperOutcome(status: nil, stderr: text, problem: "\(argv[0]) did not finish within \(timeout.wholeMilliseconds) ms")
        }
        if status & 0x7F != 0 {
            return HelperOutcome(status: nil, stderr: text, problem: "\(argv[0]) was killed by signal \(status & 0x7F)")
        }
        return HelperOutcome(status: (status >> 8) & 0xFF, stderr: text)
    }

    /// posix_spawnp with the given fds as 0, 1, 2 (-1: /dev/null); nil when it could not start.
    private func spawn(_ argv: [String], environment: [String: String], stdin: Int32, stdout: Int32, stderr: Int32) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (fd, target, flags) in [(stdin, Int32(0), O_RDONLY), (stdout, 1, O_WRONLY), (stderr, 2, O_WRONLY)] {
            if fd >= 0 {
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", flags, 0)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in cEnvironment { free(pointer) } }
        var pid: pid_t = 0
        // posix_spawnp searches the PATH of this process; the child's PATH is the one in `environment`.
        let result = posix_spawnp(&pid, argv[0], &actions, &attributes, cArguments, cEnvironment)
        return result == 0 ? pid : nil
    }
}
