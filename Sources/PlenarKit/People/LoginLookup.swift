import FoundationEssentials
import PlenarAPI

/// The login file as a source of credentials: read only when no `--key` and no `PLENAR_TOKEN`,
/// and never in CI unless `PLENAR_USE_LOGIN=1`.
public enum LoginLookup: Equatable {
    case none
    case found(LoginFile, path: String, mode: UInt32)
    /// There, but refused or unreadable: why.
    case unusable(path: String, reason: String)
    /// There, but not read because this is CI.
    case skippedInCI(path: String)

    public static func isCI(_ environment: [String: String]) -> Bool {
        Audience(environment) != .person
    }

    /// Looks at the file; `inCI` skips it unless `PLENAR_USE_LOGIN=1`.
    public static func lookup(_ context: PlenarContext) -> LoginLookup {
        guard let path = CredentialLocation.credentials(context.environment) else { return .none }
        let read = context.credentials.read(path)
        switch read {
        case .absent:
            return .none
        case .refused, .exposed:
            if isCI(context.environment), context.env("PLENAR_USE_LOGIN") != "1" { return .skippedInCI(path: path) }
            return .unusable(path: path, reason: read.problem(path) ?? "it cannot be read")
        case let .found(bytes, mode):
            if isCI(context.environment), context.env("PLENAR_USE_LOGIN") != "1" { return .skippedInCI(path: path) }
            guard let file = try? JSONDecoder().decode(LoginFile.self, from: Data(bytes)) else {
                return .unusable(path: path, reason: "it is not a login file plenar wrote")
            }
            return .found(file, path: path, mode: mode)
        }
    }

    /// How messages name the file as a source.
    public static func sourceName(_ path: String) -> String {
        "the login in \(path)"
    }
}
