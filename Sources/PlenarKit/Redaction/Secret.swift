import PlenarAPI

/// One value that must never reach the output, and what stands in its place: a Plenar token
/// becomes its prefix and an ellipsis (`pko_…`), anything else `***`.
public struct Secret: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case token(TokenKind)
        case other
    }

    public let value: [UInt8]
    public let kind: Kind

    public init(value: [UInt8], kind: Kind) {
        self.value = value
        self.kind = kind
    }

    /// A token replacement when the value is a well-formed Plenar token (`TokenShape.check` would
    /// pass it), `***` otherwise.
    public init(_ value: String) {
        self.init(bytes: Array(value.utf8))
    }

    /// Bytes from argv or the environment, which need not be UTF-8. Checked on the bytes, with
    /// no string work: `plenar run` makes ten thousand of these before its command starts.
    public init(bytes: [UInt8]) {
        self.init(value: bytes, kind: Self.mayBeToken(bytes) ? TokenShape.wellFormedKind(bytes).map(Kind.token) ?? .other : .other)
    }

    /// Whether `bytes` has a token's length and the `p??_` every prefix has: the few values that
    /// do are checked by `TokenShape`, whose check cost ten thousand `--mask-env` values 4 ms.
    @inline(__always)
    static func mayBeToken(_ bytes: [UInt8]) -> Bool {
        bytes.count >= TokenRule.minimumLength && bytes[0] == UInt8(ascii: "p") && bytes[TokenRule.prefixLength - 1] == UInt8(ascii: "_")
    }

    public var replacement: String {
        switch kind {
        case let .token(tokenKind): tokenKind.prefix + "…"
        case .other: "***"
        }
    }

    /// The position of `replacement` in `Secret.replacements`.
    var replacementIndex: Int {
        switch kind {
        case .other: 0
        case .token(.org): 1
        case .token(.personal): 2
        case .token(.session): 3
        case .token(.oidc): 4
        }
    }

    /// Every replacement, indexed by `replacementIndex`.
    static let replacements: [[UInt8]] = [
        Secret(value: [], kind: .other), Secret(value: [], kind: .token(.org)), Secret(value: [], kind: .token(.personal)),
        Secret(value: [], kind: .token(.session)), Secret(value: [], kind: .token(.oidc)),
    ].map { Array($0.replacement.utf8) }
}
