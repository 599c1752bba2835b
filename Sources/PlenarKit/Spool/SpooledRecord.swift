import FoundationEssentials

/// One record in the spool: a header line (JSON) saying where it goes and with which
/// `Idempotency-Key`, then the request body exactly as it was first sent (already redacted).
/// Never the token: only `credential`, the first 16 hex digits of its SHA-256, so a record is
/// sent only with the key it was meant for (or the key that key was exchanged for).
struct SpooledRecord: Equatable {
    struct Header: Codable, Equatable {
        var version = 1
        var path: String
        var idempotencyKey: String
        var api: String
        var credential: String
        var namesProject: Bool
        /// For messages: "signal", "hook event", "run report".
        var what: String

        enum CodingKeys: String, CodingKey {
            case version = "v"
            case path
            case idempotencyKey = "idempotency_key"
            case api
            case credential
            case namesProject = "names_project"
            case what
        }
    }

    /// Where a record may go: the three telemetry endpoints, nowhere else.
    static let paths: Set<String> = ["/signals", "/hooks", "/runs"]
    /// A body is at most 1 MiB; the header adds little.
    static let maximumFile = HookCommand.maximumRequest + 4096

    var header: Header
    var body: [UInt8]

    static func credential(_ token: String) -> String {
        String(SHA256.hex(Array(token.utf8)).prefix(16))
    }

    func encoded() throws(Failure) -> [UInt8] {
        Array(try encode(header)) + [UInt8(ascii: "\n")] + body
    }

    /// Nil when the bytes are not a record this version wrote: the header does not parse, names
    /// a path outside the three, or the body is not JSON.
    init?(_ bytes: [UInt8]) {
        guard bytes.count <= Self.maximumFile, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")),
            let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[..<newline])), header.version == 1,
            Self.paths.contains(header.path), !header.idempotencyKey.isEmpty
        else { return nil }
        let body = Array(bytes[(newline + 1)...])
        guard JSONSyntax.isValid(body) else { return nil }
        self.header = header
        self.body = body
    }

    init(header: Header, body: [UInt8]) {
        self.header = header
        self.body = body
    }
}
