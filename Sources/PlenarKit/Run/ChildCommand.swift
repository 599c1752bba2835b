import CPosix
import Platform

// Design note
//
// Correctness rests on the order of the steps in `run(path:name:stdout:stderr:)`:
// 1. Pipes (stdout, stderr, and the exit pipe), close-on-exec and numbered above 2.
// 2. Both pump threads start before the child: if a thread cannot be had, nothing has run yet,
//    and a child that writes much never blocks on a pipe nobody reads.
// 3. `plenar_forward_begin` before the spawn: a signal arriving from now on is held and
//    forwarded once the child exists, never lost in between.
// 4. Spawn with the signal state plenar started with (ENOEXEC: again through /bin/sh).
// 5. Close our copies of the pipes' write ends at once: the child holds the only ones, so the
//    pumps see end-of-file when it and its descendants are done.
// 6. `plenar_forward_to`, then wait for the exit without reaping (WNOWAIT): until the reap the
//    pid cannot be reused, so no forwarded signal reaches a stranger.
// 7. `plenar_forward_end`, then reap and decode the status.
// 8. Close the exit pipe's write end: the pumps now drain what is left (200 ms quiet, 2 s at
//    most), run the filters' `finish`, and are joined before the filters go back to the caller.
//
// Invariants: every fd opened here is closed on every path; the filters are touched by one
// thread at a time (a pump until joined, then the caller); the child's status is reported as is
// (`ExitTable.status(of:)`), a lost one as 1, never 0.
//
// Worked example: `plenar run -- sh -c 'echo hi; kill -TERM $$'` while plenar receives SIGINT
// from `kill`: forwarding holds SIGINT (step 3) and sends it at step 6; the child dies of SIGTERM;
// the outcome is `.signaled(SIGTERM)` with `signal == SIGINT`, the run is reported cancelled, and
// plenar dies of SIGTERM itself (`Signals.die`) after "hi" went through the stdout pump.

/// The command `plenar run -- CMD ARGS…` wraps, run so that it cannot be told from running it
/// directly: exactly its argv (no shell), a shell's PATH lookup in the environment it is given, our
/// stdin, the signal mask and SIGPIPE disposition plenar started with, its own exit status.
///
/// Its stdout and stderr come through pipes, each pumped on a thread of its own through the
/// caller's filter and written out as soon as the filter releases bytes. If our reader goes away
/// (EPIPE), that pipe is closed, so the child gets the SIGPIPE it would have had writing to that
/// reader itself (`plenar run -- yes | head` ends). A background grandchild may keep a pipe open
/// after the child exits: output is still passed on while it comes, but a pipe quiet for 200 ms,
/// or 2 s after the exit in any case, is given up.
///
/// While the child runs, SIGINT, SIGTERM, SIGHUP and SIGQUIT sent to plenar by a process are
/// forwarded to it, and plenar waits for it to end. The same signals from the terminal (Ctrl-C,
/// Ctrl-\, hang-up: `si_code` SI_KERNEL) are not forwarded: the kernel already sent them to the whole
/// foreground process group, child included, and a second copy would make a program that shuts
/// down gracefully on the first Ctrl-C quit hard on the "second". Either way the first such signal
/// is reported. A signal that was ignored when the run began (`nohup`, a background `&` job) stays
/// ignored, for the child too. Once the child has exited, plenar's own handling is back.
public struct ChildCommand: Sendable {
    /// The command and its arguments, byte for byte (they need not be UTF-8); `argv[0]` is looked
    /// up in the PATH of `environment`.
    public var argv: [[UInt8]]
    /// The child's whole environment: `NAME=VALUE` entries, byte for byte, in this order.
    public var environment: [[UInt8]]
    /// The child's fd 0, 1 and 2 come from this fd, and its output is written to these; 0, 1 and
    /// 2 except in tests.
    public var input: Int32
    public var output: Int32
    public var error: Int32
    /// After the child exits, how long output may pause before a still-open pipe (held by a
    /// background grandchild) is given up, and how long it is pumped at most.
    var quietAfterExit: Duration = .milliseconds(200)
    var lingerAfterExit: Duration = .seconds(2)

    public init(argv: [[UInt8]], environment: [[UInt8]], input: Int32 = 0, output: Int32 = 1, error: Int32 = 2) {
        self.argv = argv
        self.environment = environment
        self.input = input
        self.output = output
        self.error = error
    }

    public init(argv: [String], environment: [String: String], input: Int32 = 0, output: Int32 = 1, error: Int32 = 2) {
        self.init(
            argv: argv.map { Array($0.utf8) },
            environment: ProcessBytes.entries(environment),
            input: input, output: output, error: error)
    }

    /// Runs the command to its end and writes all its output; the filters are used on pump
    /// threads during the call and are the caller's again when it returns.
    public func run(stdout: inout some ByteStreamFilter, stderr: inout some ByteStreamFilter) -> ChildOutcome {
        let clock = LiveClock()
        let file = argv.first ?? []
        let name = String(decoding: file, as: UTF8.self)
        // A name with a `/` is spawned as it is, so the spawn tells whether it exists.
        guard
            let path = file.contains(UInt8(ascii: "/"))
                ? file : PathSearch.find(file, searchPath: ProcessBytes.value(of: "PATH", in: environment))?.path
        else {
            let now = clock.now()
            return ChildOutcome(termination: .notFound, started: now, ended: now, problem: "\(name): command not found")
        }

        return withUnsafeMutablePointer(to: &stdout) { stdout in
            withUnsafeMutablePointer(to: &stderr) { stderr in
                run(path: path, name: name, stdout: stdout, stderr: stderr)
            }
        }
    }

    /// The buffer asked for each output pipe: 1 MiB, the most Linux gives without privilege.
    static let pipeSize = 1 << 20

    private func run<Out: ByteStreamFilter, Err: ByteStreamFilter>(
        path: [UInt8], name: String, stdout: UnsafeMutablePointer<Out>, stderr: UnsafeMutablePointer<Err>
    ) -> ChildOutcome {
        let clock = LiveClock()
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1], exitPipe: [Int32] = [-1, -1]
        var failure: Int32 = 0
        do throws(PlatformError) {
            for index in 0..<3 {
                let (read, write) = try FileIO.pipe()
                // A command that writes fast fills the default 64 KiB in an instant and then waits
                // for the pump at every write; a larger buffer lets each side run in longer
                // stretches (cat | cat's throughput needs it, OutputPump.readSize).
                if index < 2 { FileIO.growPipe(read, to: Self.pipeSize) }
                switch index {
                case 0: outPipe = [read, write]
                case 1: errPipe = [read, write]
                default: exitPipe = [read, write]
                }
            }
        } catch {
            failure = error.code
        }
        // The pumps start first: if a thread cannot be had, nothing has been started yet.
        var pumps: [NativeThread] = []
        if failure == 0 {
            let out = startPump(source: outPipe[0], sink: output, childExit: exitPipe[0], filter: stdout)
            let err = out == nil ? nil : startPump(source: errPipe[0], sink: error, childExit: exitPipe[0], filter: stderr)
            pumps = [out, err].compactMap { $0 }
            if pumps.count < 2 { failure = EAGAIN }
        }
        let slot = plenar_forward_begin()
        let started = clock.now()
        var pid: pid_t = 0
        if failure == 0 { failure = spawn(path, &pid, output: outPipe[1], error: errPipe[1]) }
        if failure == ENOEXEC {
            // A script without a #! line: run it with /bin/sh, as shells and execvp do.
            failure = spawn(
                Array(Self.shell.utf8), &pid, output: outPipe[1], error: errPipe[1],
                arguments: [Array(Self.shell.utf8), path] + argv.dropFirst())
        }
        // From here the child holds the only write ends, so the pumps see end-of-file when it is
        // done with them (at once if it never started).
        for fd in [outPipe[1], errPipe[1]] where fd >= 0 { close(fd) }
        var outcome: ChildOutcome
        if failure == 0 {
            plenar_forward_to(slot, pid)
            // Not reaped yet, so a signal forwarded until plenar_forward_end cannot reach a new
            // process that reused the pid.
            try? WaitStatus.awaitExit(pid)
            let ended = clock.now()
            let signal = plenar_forward_end(slot)
            do throws(PlatformError) {
                let termination: Termination =
                    switch try WaitStatus.reap(pid) {
                    case .exited(let code): .exited(code)
                    case .signaled(let killer): .signaled(killer)
                    }
                outcome = ChildOutcome(termination: termination, signal: signal == 0 ? nil : signal, started: started, ended: ended)
            } catch {
                // Someone else reaped the child: its status is unknown, which must not read as success.
                outcome = ChildOutcome(
                    termination: .exited(1), signal: signal == 0 ? nil : signal, started: started, ended: ended,
                    problem: "\(name): its exit status was lost (\(error))")
            }
        } else {
            _ = plenar_forward_end(slot)
            outcome = Self.notStarted(name, path: path, errno: failure, started: started, ended: clock.now())
        }
        if exitPipe[1] >= 0 { close(exitPipe[1]) }
        for pump in pumps { pump.join() }
        // Read ends whose pump never started.
        for fd in [outPipe[0], errPipe[0]].dropFirst(pumps.count) where fd >= 0 { close(fd) }
        if exitPipe[0] >= 0 { close(exitPipe[0]) }
        return outcome
    }

    /// What runs a script that has no `#!` line.
    static let shell = "/bin/sh"

    /// A stdio slot that was closed when plenar started stays closed in the command (-1), so its
    /// writes fail as they would without plenar instead of vanishing into a pipe.
    private func spawn(_ path: [UInt8], _ pid: inout pid_t, output: Int32, error: Int32, arguments: [[UInt8]]? = nil) -> Int32 {
        var spawn = Spawn(path: path, arguments: arguments ?? argv, environment: environment)
        spawn.signals = .atStart
        (spawn.stdin, spawn.stdout, spawn.stderr) = (slot(input, input), slot(self.output, output), slot(self.error, error))
        do throws(PlatformError) {
            pid = try spawn.start()
            return 0
        } catch {
            return error.code
        }
    }

    private func slot(_ own: Int32, _ given: Int32) -> Spawn.Stdio {
        Spawn.stdioClosedAtStart(own) || given < 0 ? .closed : .fd(given)
    }

    private func startPump<Filter: ByteStreamFilter>(
        source: Int32, sink: Int32, childExit: Int32, filter: UnsafeMutablePointer<Filter>
    ) -> NativeThread? {
        let pump = OutputPump(
            source: source, sink: sink, childExit: childExit, quiet: quietAfterExit, linger: lingerAfterExit, filter: filter)
        return NativeThread { pump.run() }
    }

    static func notStarted(_ name: String, path: [UInt8], errno error: Int32, started: Duration, ended: Duration) -> ChildOutcome {
        let termination: Termination, problem: String
        switch error {
        case ENOENT where PathSearch.isMissing(path):
            termination = .notFound
            problem = name.contains("/") ? "\(name): No such file or directory" : "\(name): command not found"
        case ENOENT:
            termination = .notExecutable(errno: error)
            problem = "\(name): cannot execute: required file not found (is its #! interpreter missing?)"
        case EACCES:
            termination = .notExecutable(errno: error)
            problem = "\(name): Permission denied"
        default:
            termination = .notExecutable(errno: error)
            problem = "\(name): cannot execute: \(String(cString: strerror(error)))"
        }
        return ChildOutcome(termination: termination, started: started, ended: ended, problem: problem)
    }
}
