import FoundationEssentials
import PlenarAPI

/// Private files: the login credentials, a rotation's state, a key written with `--out`.
/// Written atomically (a temporary file beside the target, then a rename) with mode 0600; a
/// symbolic link or another user's file at the target is refused, never followed or replaced.
public protocol CredentialStore {
    func read(_ path: String) -> PrivateFileRead
    /// `privateFolder`: create the folder (mode 0700) if missing, and refuse one that is a
    /// symbolic link or another user's; otherwise the folder must exist.
    func write(_ bytes: [UInt8], to path: String, privateFolder: Bool) throws(FileError)
    /// Removes the file; a missing file is no error.
    func remove(_ path: String) throws(FileError)
}

/// A private file as found.
public enum PrivateFileRead: Equatable, Sendable {
    case absent
    /// There, but not to be trusted or replaced (a symbolic link, another user's, not a file): why.
    case refused(String)
    /// Ours, but readable by others (`mode`): not read; a new write replaces it.
    case exposed(mode: UInt32)
    case found(bytes: [UInt8], mode: UInt32)
}

/// What `plenar login` stores: the session token, the API it belongs to, and who it is.
public struct LoginFile: Codable, Equatable, Sendable {
    public var apiURL: String
    public var token: String
    public var user: UserRef
    public var organization: OrganizationRef
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case token, user, organization
        case apiURL = "api_url"
        case createdAt = "created_at"
    }
}

/// Where the login file lives: `$XDG_CONFIG_HOME/plenar/credentials`, else `~/.config/plenar/credentials`.
public enum CredentialLocation {
    public static func folder(_ environment: [String: String]) -> String? {
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") { return trimmed(xdg) + "/plenar" }
        if let home = environment["HOME"], home.hasPrefix("/") { return trimmed(home) + "/.config/plenar" }
        return nil
    }

    public static func credentials(_ environment: [String: String]) -> String? {
        folder(environment).map { $0 + "/credentials" }
    }

    private static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path == "/" ? "" : path
    }
}

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

extension PrivateFileRead {
    /// Why the file is not used, for a message; nil when it is absent or found.
    func problem(_ path: String) -> String? {
        switch self {
        case .absent, .found: nil
        case let .refused(reason): reason
        case let .exposed(mode):
            "its mode is \(mode.octalMode), so other users may read it: run chmod 600 \(path), or delete it and run plenar login"
        }
    }
}

extension UInt32 {
    /// Permission bits as `0600`.
    var octalMode: String {
        let text = String(self & 0o7777, radix: 8)
        return String(repeating: "0", count: Swift.max(0, 4 - text.count)) + text
    }
}
