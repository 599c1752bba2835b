import Platform

/// The failure contract's exit statuses. Nothing else in the code decides one.
public enum ExitTable {
    public static let success: Int32 = 0
    public static let failed: Int32 = 1
    public static let credentials: Int32 = 2
    public static let usage: Int32 = 64
    /// `keys rotate`: the replacement is in place, the old key is still in use and was not revoked.
    public static let keyInUse: Int32 = 3

    public static func verdict(_ failure: Failure, for kind: CommandKind) -> (status: Int32, severity: Severity) {
        switch (failure, kind) {
        case (.usage, _): (usage, .error)
        case (.people(let problem), _):
            switch problem.category {
            case .credentials: (credentials, .error)
            case .incomplete: (failed, .error)
            case .keyInUse: (keyInUse, .error)
            }
        case (.oidc(let problem), .wrapper(let child)):
            problem.isCredentials ? (child != 0 ? child : credentials, .error) : (child, .warning)
        case (.oidc(let problem), .telemetry): problem.isCredentials ? (credentials, .error) : (success, .warning)
        case (.oidc(let problem), .probe): (problem.isCredentials ? credentials : failed, .error)
        case (.tokenMalformed, .wrapper(let child)), (.apiURL, .wrapper(let child)), (.rejected, .wrapper(let child)),
            (.noProject, .wrapper(let child)), (.projectUnreachable, .wrapper(let child)):
            (child != 0 ? child : credentials, .error)
        case (_, .wrapper(let child)): (child, .warning)
        case (.tokenMissing, .telemetry): (success, .warning)
        case (.tokenMissing, .probe), (.keyInputEmpty, _): (credentials, .error)
        case (.tokenMalformed, _), (.apiURL, _), (.rejected, _), (.noProject, _), (.projectUnreachable, _): (credentials, .error)
        case (.unavailable, .telemetry), (.spooled, .telemetry): (success, .warning)
        case (.unavailable, .probe), (.spooled, .probe), (.localFile, _), (.configFile, _), (.encoding, _): (failed, .error)
        }
    }

    /// A shell's status for a command that did not start.
    public static let commandNotFound: Int32 = 127
    public static let commandNotExecutable: Int32 = 126
    /// Added to the number of the signal that killed a command.
    public static let signalBase: Int32 = 128

    /// The status a shell gives a wrapped command that ended so (`plenar run` takes it as its
    /// own): the exit code, 128 + the signal, 127 when not found (or its interpreter is
    /// missing), 126 when not executable.
    public static func status(of termination: Termination) -> Int32 {
        switch termination {
        case .exited(let code): code
        case .signaled(let signal): signalBase + signal
        case .notFound: commandNotFound
        case .notExecutable(let error): error == ENOENT ? commandNotFound : commandNotExecutable
        }
    }
}
