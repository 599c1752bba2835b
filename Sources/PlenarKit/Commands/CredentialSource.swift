import FoundationEssentials
import PlenarAPI

/// Where a command's credential came from, as `auth status` shows it.
public struct CredentialSource: Encodable, Equatable {
    /// `flag`, `environment` or `login_file`.
    public var kind: String
    /// `--key`, `PLENAR_TOKEN`, or the file's path.
    public var name: String
    public var path: String?
    public var mode: String?

    static func of(_ settings: Settings) -> CredentialSource {
        if case let .found(_, path, mode) = settings.login, settings.tokenSource == LoginLookup.sourceName(path) {
            return CredentialSource(kind: "login_file", name: path, path: path, mode: mode.octalMode)
        }
        return CredentialSource(kind: settings.tokenSource == "--key" ? "flag" : "environment", name: settings.tokenSource)
    }

    var text: String {
        switch kind {
        case "login_file": "the login file \(name) (mode \(mode ?? "?"))"
        default: name
        }
    }
}
