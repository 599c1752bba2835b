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

    /// A token replacement when the value passes `TokenShape.check`, `***` otherwise.
    public init(_ value: String) {
        let kind: Kind
        do {
            kind = .token(try TokenShape.check(value))
        } catch {
            kind = .other
        }
        self.init(value: Array(value.utf8), kind: kind)
    }

    /// Bytes from argv or the environment: a token replacement when they are UTF-8 and pass
    /// `TokenShape.check`, `***` otherwise (a value that is not UTF-8 is masked as the bytes it is).
    public init(bytes: [UInt8]) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self.init(text)
        } else {
            self.init(value: bytes, kind: .other)
        }
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
        }
    }

    /// Every replacement, indexed by `replacementIndex`.
    static let replacements: [[UInt8]] = [
        Secret(value: [], kind: .other), Secret(value: [], kind: .token(.org)), Secret(value: [], kind: .token(.personal)),
        Secret(value: [], kind: .token(.session)),
    ].map { Array($0.replacement.utf8) }
}
