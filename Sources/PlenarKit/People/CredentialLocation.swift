import FoundationEssentials
import PlenarAPI

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
