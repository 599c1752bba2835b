import CPosix

/// What the kernel handed this process, as bytes: `CommandLine.arguments` and `ProcessInfo`
/// decode them as UTF-8, turning any other byte into U+FFFD.
public enum ProcessBytes {
    public static func arguments() -> [[UInt8]] {
        (0..<Int(CommandLine.argc)).map { bytes(of: CommandLine.unsafeArgv[$0]) }
    }

    /// This process's environment, `NAME=VALUE` entries in their order.
    public static func environment() -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var cursor = plenar_environment()!
        while let entry = cursor.pointee {
            entries.append(bytes(of: entry))
            cursor += 1
        }
        return entries
    }

    /// The value of `name` in `NAME=VALUE` entries (the first entry, as getenv finds it).
    public static func value(of name: String, in environment: [[UInt8]]) -> [UInt8]? {
        let prefix = Array(name.utf8) + [UInt8(ascii: "=")]
        return environment.first { $0.starts(with: prefix) }.map { Array($0.dropFirst(prefix.count)) }
    }

    /// An entry's name (decoded) and value (bytes); nil for an entry with no name.
    public static func split(_ entry: [UInt8]) -> (name: String, value: [UInt8])? {
        guard let equals = entry.firstIndex(of: UInt8(ascii: "=")), equals > 0 else { return nil }
        return (String(decoding: entry[..<equals], as: UTF8.self), Array(entry[(equals + 1)...]))
    }

    /// Every variable of `NAME=VALUE` entries by name; the first entry of a name wins, as getenv finds it.
    public static func variables(_ environment: [[UInt8]]) -> [String: [UInt8]] {
        var variables: [String: [UInt8]] = [:]
        for case let (name, value)? in environment.lazy.map(split) where variables[name] == nil {
            variables[name] = value
        }
        return variables
    }

    /// A decoded environment as `NAME=VALUE` entries, in the order of its names.
    public static func entries(_ environment: [String: String]) -> [[UInt8]] {
        environment.sorted { $0.key < $1.key }.map { Array("\($0.key)=\($0.value)".utf8) }
    }

    static func bytes(of string: UnsafeMutablePointer<CChar>?) -> [UInt8] {
        guard let string else { return [] }
        return Array(UnsafeRawBufferPointer(start: string, count: strlen(string)))
    }
}

/// Process-wide signal handling.
public enum Signals {
    /// Writes to a reader that went away fail with EPIPE instead of killing this process.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Ends this process killed by `signal`, as a child was: no core file, the default action
    /// restored and the signal unblocked first; exit 128+N if the signal does not kill.
    public static func die(by number: Int32) -> Never {
        var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_CORE.rawValue)
        #else
        let resource = RLIMIT_CORE
        #endif
        _ = getrlimit(resource, &noCore)
        noCore.rlim_cur = 0
        _ = setrlimit(resource, &noCore)
        signal(number, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, number)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        kill(getpid(), number)
        exit(128 + number)
    }
}
