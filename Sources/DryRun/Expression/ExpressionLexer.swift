/// Why an expression could not be parsed or evaluated.
public enum ExpressionError: Error, Equatable, CustomStringConvertible {
    /// Invalid on GitHub too: syntax, an unknown function or named value, a wrong argument count,
    /// nesting beyond GitHub's depth limit.
    case syntax(String)
    /// Valid on GitHub, but the local run does not do it (the `matrix` or `needs` context where it
    /// has none).
    case unsupported(String)
    /// Fails while evaluating, on GitHub too: an invalid `format()` string, `fromJSON()` input or
    /// `case()` predicate, a `hashFiles()` that cannot read its files.
    case evaluation(String)

    public var description: String {
        switch self {
        case .syntax(let message), .evaluation(let message): message
        case .unsupported(let message): "\(message) is not supported by the dry run"
        }
    }
}

/// A token of the expression language, with its text and where it starts.
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        case leftParen, rightParen, leftBracket, rightBracket, comma, dot
        case not, notEqual, equal, greater, greaterOrEqual, less, lessOrEqual, and, or
        case star
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(ExpressionValue)
        case end
    }

    let kind: Kind
    /// The source text of the token.
    let lexeme: String
    /// 1-based, in UTF-16 code units, as GitHub counts in its messages.
    let position: Int

    /// The token as GitHub's messages show it: a string's value without quotes, `EOF` at the end.
    var shown: String {
        switch kind {
        case .string(let value): value
        case .end: "EOF"
        default: lexeme
        }
    }
}

/// Splits an expression into tokens the way GitHub's lexer does (actions/languageservices
/// `expressions/src/lexer.ts`, the runner's `LexicalAnalyzer.cs`): `'…'` strings with `''` for a
/// quote; numbers in JavaScript's forms (`1`, `-2.5`, `1e3`, `0xff`, `0o7`, `NaN`, `Infinity`);
/// identifiers of ASCII letters, digits, `_` and `-` starting with a letter or `_`; `true`,
/// `false` and `null` are keywords except right after a dot (`steps.true` is a property). A
/// number or identifier runs to the next boundary character, so `1 =2` is the bad symbol `=2`.
struct ExpressionLexer {
    /// GitHub refuses longer expressions.
    static let maximumLength = 21_000

    let source: String
    private let scalars: [Unicode.Scalar]
    /// The UTF-16 offset of each scalar, and of the end.
    private let offsets: [Int]
    private var index = 0
    private var tokens: [ExpressionToken] = []

    init(_ source: String) {
        self.source = source
        scalars = Array(source.unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += scalar.utf16.count
        }
        offsets.append(offset)
        self.offsets = offsets
    }

    /// The tokens, ending with an `.end` token.
    static func tokens(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        return try lexer.run()
    }

    private mutating func run() throws(ExpressionError) -> [ExpressionToken] {
        guard offsets[scalars.count] <= Self.maximumLength else {
            throw .syntax("Exceeded max expression length \(Self.maximumLength)")
        }
        while index < scalars.count {
            let start = index
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "(": add(.leftParen, from: start)
            case ")": add(.rightParen, from: start)
            case "[": add(.leftBracket, from: start)
            case "]": add(.rightBracket, from: start)
            case ",": add(.comma, from: start)
            case "*": add(.star, from: start)
            case ".":
                if let last = tokens.last, last.kind.endsAccess {
                    add(.dot, from: start)
                } else {
                    try number(from: start)
                }
            case "-", "+": try number(from: start)
            case "!": add(match("=") ? .notEqual : .not, from: start)
            case "<": add(match("=") ? .lessOrEqual : .less, from: start)
            case ">": add(match("=") ? .greaterOrEqual : .greater, from: start)
            case "=":
                guard match("=") else { throw unexpected(from: start) }
                add(.equal, from: start)
            case "&":
                guard match("&") else { throw unexpected(from: start) }
                add(.and, from: start)
            case "|":
                guard match("|") else { throw unexpected(from: start) }
                add(.or, from: start)
            case " ", "\t", "\r", "\n": continue
            case "'": try string(from: start)
            case "0"..."9": try number(from: start)
            default: try identifier(from: start)
            }
        }
        tokens.append(ExpressionToken(kind: .end, lexeme: "", position: offsets[scalars.count] + 1))
        return tokens
    }

    private mutating func match(_ expected: Unicode.Scalar) -> Bool {
        guard index < scalars.count, scalars[index] == expected else { return false }
        index += 1
        return true
    }

    private func text(from start: Int) -> String {
        String(String.UnicodeScalarView(scalars[start..<index]))
    }

    private mutating func add(_ kind: ExpressionToken.Kind, from start: Int) {
        tokens.append(ExpressionToken(kind: kind, lexeme: text(from: start), position: offsets[start] + 1))
    }

    static func isBoundary(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "(", "[", ")", "]", ",", ".", "!", ">", "<", "=", "&", "|": true
        default: scalar.properties.isWhitespace
        }
    }

    private mutating func number(from start: Int) throws(ExpressionError) {
        while index < scalars.count, !Self.isBoundary(scalars[index]) || scalars[index] == "." { index += 1 }
        let lexeme = text(from: start)
        guard let value = ExpressionValue.parseNumber(lexeme) else { throw unexpected(from: start) }
        tokens.append(ExpressionToken(kind: .number(value), lexeme: lexeme, position: offsets[start] + 1))
    }

    private mutating func string(from start: Int) throws(ExpressionError) {
        var value = String.UnicodeScalarView()
        while true {
            guard index < scalars.count else {
                throw unexpected(lexeme: String(String.UnicodeScalarView(scalars[start...])), from: start)
            }
            let scalar = scalars[index]
            index += 1
            if scalar == "'" {
                if match("'") {
                    value.append("'")
                    continue
                }
                add(.string(String(value)), from: start)
                return
            }
            value.append(scalar)
        }
    }

    private mutating func identifier(from start: Int) throws(ExpressionError) {
        while index < scalars.count, !Self.isBoundary(scalars[index]) { index += 1 }
        let lexeme = text(from: start)
        if tokens.last?.kind != .dot {
            switch lexeme {
            case "true": return add(.keyword(.bool(true)), from: start)
            case "false": return add(.keyword(.bool(false)), from: start)
            case "null": return add(.keyword(.null), from: start)
            case "NaN": return add(.number(.nan), from: start)
            case "Infinity": return add(.number(.infinity), from: start)
            default: break
            }
        }
        guard Self.isLegalIdentifier(lexeme) else { throw unexpected(from: start) }
        add(.identifier(lexeme), from: start)
    }

    static func isLegalIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
        }
    }

    /// The bad symbol runs from `start` to the next boundary, as GitHub reports it.
    private mutating func unexpected(from start: Int) -> ExpressionError {
        while index < scalars.count, !Self.isBoundary(scalars[index]) { index += 1 }
        return unexpected(lexeme: text(from: start), from: start)
    }

    private func unexpected(lexeme: String, from start: Int) -> ExpressionError {
        .syntax("Unexpected symbol: '\(lexeme)'. Located at position \(offsets[start] + 1) within expression: \(source)")
    }
}

extension ExpressionToken.Kind {
    /// Tokens after which `.` is property access rather than the start of a number like `.5`.
    var endsAccess: Bool {
        switch self {
        case .identifier, .rightBracket, .rightParen, .star: true
        default: false
        }
    }
}
