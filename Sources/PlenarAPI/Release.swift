/// The release both binaries report: `plenar --version`, the User-Agent, the sandbox's MCP server
/// info. `action/VERSION` must say the same (a test checks it, and `scripts/release.sh` again).
public enum Release {
    public static let version = "0.1.0"
}
