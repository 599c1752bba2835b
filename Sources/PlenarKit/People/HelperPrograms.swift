import Platform

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
