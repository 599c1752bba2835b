import Platform

/// The real helpers: programs found on the PATH of the environment given, started through
/// Platform's `Spawn`.
public struct LocalHelpers: HelperPrograms {
    public init() {}

    public var stderrIsTerminal: Bool { isatty(2) == 1 }

    public func launch(_ program: String, _ url: String, environment: [String: String]) -> Bool {
        // stdin, stdout and stderr are /dev/null: a text browser cannot take over the terminal or
        // read what the person types, and the child is not waited for.
        spawn([program, url], environment: environment, stdin: .null, stderr: .null) != nil
    }

    public func run(_ argv: [String], input: [UInt8], environment: [String: String], timeout: Duration) -> HelperOutcome {
        let toChild: (read: Int32, write: Int32)
        let fromChild: (read: Int32, write: Int32)
        do throws(PlatformError) {
            toChild = try FileIO.pipe()
            do throws(PlatformError) {
                fromChild = try FileIO.pipe()
            } catch {
                close(toChild.read)
                close(toChild.write)
                throw error
            }
        } catch {
            return HelperOutcome(status: nil, problem: "pipe: \(error)")
        }
        let pid = spawn(argv, environment: environment, stdin: .fd(toChild.read), stderr: .fd(fromChild.write))
        close(toChild.read)
        close(fromChild.write)
        guard let pid else {
            close(toChild.write)
            close(fromChild.read)
            return HelperOutcome(status: nil, problem: "\(argv[0]) could not be started (is it installed and on PATH?)")
        }
        let clock = LiveClock()
        let deadline = clock.now() + timeout
        var written = 0
        var writeFD = toChild.write
        if input.isEmpty {
            close(writeFD)
            writeFD = -1
        }
        var errors: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var readFD = fromChild.read
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
                let count = buffer.withUnsafeMutableBytes { FileIO.readSome(readFD, into: $0) }
                if count > 0 {
                    if errors.count < 65_536 { errors += buffer[0..<count] }
                } else {
                    close(readFD)
                    readFD = -1
                }
            }
            if writeFD >= 0, fds[1].revents != 0 {
                let count = input[written...].withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
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
        let ended = try? WaitStatus.reap(pid)
        let text = String(decoding: errors, as: UTF8.self)
        if timedOut {
            return HelperOutcome(status: nil, stderr: text, problem: "\(argv[0]) did not finish within \(timeout.wholeMilliseconds) ms")
        }
        switch ended {
        case .signaled(let signal):
            return HelperOutcome(status: nil, stderr: text, problem: "\(argv[0]) was killed by signal \(signal)")
        case .exited(let code):
            return HelperOutcome(status: code, stderr: text)
        case nil:
            return HelperOutcome(status: nil, stderr: text, problem: "\(argv[0]) could not be waited for")
        }
    }

    /// `argv[0]` found on the PATH in `environment`, started with the given stdio (stdout
    /// /dev/null), no signal blocked and every disposition the default; nil when it could not start.
    private func spawn(_ argv: [String], environment: [String: String], stdin: Spawn.Stdio, stderr: Spawn.Stdio) -> pid_t? {
        guard let name = argv.first, let found = PathSearch.find(name, searchPath: environment["PATH"]), found.executable else {
            return nil
        }
        var spawn = Spawn(path: found.path, arguments: argv, environment: environment.map { "\($0.key)=\($0.value)" })
        spawn.stdin = stdin
        spawn.stdout = .null
        spawn.stderr = stderr
        spawn.signals = .defaults
        return try? spawn.start()
    }
}
