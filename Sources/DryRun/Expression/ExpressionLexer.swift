/// Why an expression could not be parsed or evaluated.
public enum ExpressionError: Error, Equatable, CustomStringConvertible {
    /// Invalid on GitHub too: syntax, an unknown function or named value, a wrong argument count.
    case syntax(String)
    /// Valid on GitHub, but the dry run does not do it (`hashFiles()`, `matrix`, `needs`, `.*`).
    case unsupported(String)
    /// Fails while evaluating, on GitHub too: an invalid `format()` string or `fromJSON()` input.
    case evaluation(String)

    public var description: String {
        switch self {
        case .syntax(let message), .evaluation(let message): message
        case .unsupported(let message): "\(message) is not supported by the dry run"
        }
    }
}

/// A token of the expression language.
enum ExpressionToken: Equatable {
    case leftParen, rightParen, leftBracket, rightBracket, comma, dot
    case not, notEqual, equal, greater, greaterOrEqual, less, lessOrEqual, and, or
    case star
    case number(Double)
    case string(String)
    case identifier(String)
    case keyword(ExpressionValue)
}

/// Splits an expression into tokens the way GitHub's lexer does: `'…'` strings with `''` for a
/// quote; numbers in JavaScript's forms (`1`, `-2.5`, `1e3`, `0xff`, `NaN`, `Infinity`);
/// identifiers of letters, digits, `_` and `-` starting with a letter or `_`; `true`, `false` and
/// `null` are keywords except right after a dot (`steps.true` is a property).
struct ExpressionLexer {
    let source: String
    private let characters: [Character]
    private var offset = 0
    private var tokens: [ExpressionToken] = []

    init(_ source: String) {
        self.source = source
        characters = Array(source)
    }

    static func tokens(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        return try lexer.run()
    }

    private mutating func run() throws(ExpressionError) -> [ExpressionToken] {
        while offset < characters.count {
            let start = offset
            let character = characters[offset]
            offset += 1
            switch character {
            case "(": tokens.append(.leftParen)
            case ")": tokens.append(.rightParen)
            case "[": tokens.append(.leftBracket)
            case "]": tokens.append(.rightBracket)
            case ",": tokens.append(.comma)
            case "*": tokens.append(.star)
            case ".":
                if let last = tokens.last, last.endsAccess {
                    tokens.append(.dot)
                } else {
                    try number(from: start)
                }
            case "-", "+": try number(from: start)
            case "!": tokens.append(match("=") ? .notEqual : .not)
            case "<": tokens.append(match("=") ? .lessOrEqual : .less)
            case ">": tokens.append(match("=") ? .greaterOrEqual : .greater)
            case "=":
                guard match("=") else { throw unexpected(from: start) }
                tokens.append(.equal)
            case "&":
                guard match("&") else { throw unexpected(from: start) }
                tokens.append(.and)
            case "|":
                guard match("|") else { throw unexpected(from: start) }
                tokens.append(.or)
            case "'": try string(from: start)
            default:
                if character.isWhitespace { continue }
                if character.isASCII, character.isNumber {
                    try number(from: start)
                } else {
                    try identifier(from: start)
                }
            }
        }
        return tokens
    }

    private mutating func match(_ expected: Character) -> Bool {
        guard offset < characters.count, characters[offset] == expected else { return false }
        offset += 1
        return true
    }

    private static func isBoundary(_ character: Character) -> Bool {
        "([)],.!><=&|".contains(character) || character.isWhitespace
    }

    private mutating func number(from start: Int) throws(ExpressionError) {
        while offset < characters.count, !Self.isBoundary(characters[offset]) || characters[offset] == "." { offset += 1 }
        let lexeme = String(characters[start..<offset])
        guard let value = ExpressionValue.parseNumber(lexeme), !lexeme.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw unexpected(from: start)
        }
        tokens.append(.number(value))
    }

    private mutating func string(from start: Int) throws(ExpressionError) {
        var value = ""
        while true {
            guard offset < characters.count else { throw unexpected(from: start) }
            let character = characters[offset]
            offset += 1
            if character == "'" {
                if offset < characters.count, characters[offset] == "'" {
                    value.append("'")
                    offset += 1
                    continue
                }
                tokens.append(.string(value))
                return
            }
            value.append(character)
        }
    }

    private mutating func identifier(from start: Int) throws(ExpressionError) {
        while offset < characters.count, !Self.isBoundary(characters[offset]) { offset += 1 }
        let lexeme = String(characters[start..<offset])
        if tokens.last != .dot {
            switch lexeme {
            case "true":
                tokens.append(.keyword(.bool(true)))
                return
            case "false":
                tokens.append(.keyword(.bool(false)))
                return
            case "null":
                tokens.append(.keyword(.null))
                return
            case "NaN":
                tokens.append(.number(.nan))
                return
            case "Infinity":
                tokens.append(.number(.infinity))
                return
            default: break
            }
        }
        guard Self.isLegalIdentifier(lexeme) else { throw unexpected(from: start) }
        tokens.append(.identifier(lexeme))
    }

    static func isLegalIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return text.dropFirst().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    private func unexpected(from start: Int) -> ExpressionError {
        var end = start + 1
        while end < characters.count, !Self.isBoundary(characters[end]) { end += 1 }
        return .syntax(
            "Unexpected symbol: '\(String(characters[start..<end]))'. Located at position \(start + 1) within expression: \(source)")
    }
}

extension ExpressionToken {
    /// Tokens after which `.` is property access rather than the start of a number like `.5`.
    var endsAccess: Bool {
        switch self {
        case .identifier, .rightBracket, .rightParen, .star: true
        default: false
        }
    }
}
