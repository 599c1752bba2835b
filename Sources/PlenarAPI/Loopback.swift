/// Which hosts are this machine: the CLI sends a token over plain http only to these, and the
/// sandbox, bound to one, checks the Host header of MCP requests (DNS rebinding).
public enum Loopback {
    /// `localhost`, `::1`, or a dotted IPv4 address in 127.0.0.0/8 (four numbers of 0-255).
    public static func contains(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
