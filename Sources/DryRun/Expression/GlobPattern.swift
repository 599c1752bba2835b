/// One pattern of `hashFiles()`, read the way @actions/glob 0.7.0 reads it (actions/toolkit
/// `packages/glob/src/internal-pattern.ts`, with minimatch 10's `dot`, `nobrace`, `noext`,
/// `nonegate` options, as on a Linux runner).
///
/// A pattern is made absolute against the workspace (a leading `./` is the workspace, `~/` the
/// home folder); `!` negates it; `*` and `?` match within a path segment, `[…]` a set of
/// characters, `\` escapes, and a segment `**` any number of segments. A trailing `/` matches
/// only directories. `.` and `..` segments are refused.
struct GlobPattern {
    enum Segment: Equatable {
        case globstar
        case pieces([Piece])
    }

    enum Piece: Equatable {
        case literal(Unicode.Scalar)
        case any
        case star
        case set(negated: Bool, members: [Member])
    }

    enum Member: Equatable {
        case range(ClosedRange<UInt32>)
        case posix(String)
    }

    /// Whether a path matches as anything, or only as a directory.
    struct Match: OptionSet {
        let rawValue: Int
        static let directory = Match(rawValue: 1)
        static let file = Match(rawValue: 2)
        static let all: Match = [.directory, .file]
    }

    let negated: Bool
    /// The segments after the root, as written (escapes kept).
    let segments: [String]
    let trailingSeparator: Bool
    /// Added by the globber for a pattern's descendants (`pattern/**`).
    let isImplicit: Bool
    /// The literal folder before the first segment with a wildcard.
    let searchPath: String
    private let parsed: [Segment]

    /// Reads one line of patterns; `cwd` is the workspace, whose characters are escaped first.
    init(_ line: String, cwd: String, home: String?) throws(ExpressionError) {
        var pattern = Self.trimmed(line)
        var negated = false
        while pattern.hasPrefix("!") {
            negated.toggle()
            pattern = Self.trimmed(String(pattern.dropFirst()))
        }
        guard !pattern.isEmpty else { throw .evaluation("hashFiles(): an empty pattern after '!'") }
        let literals = Self.split(pattern).map(Self.literal)
        let rooted = pattern.hasPrefix("/") ? 1 : 0
        for (position, literal) in literals.enumerated() where (literal == "." && position + rooted > 0) || literal == ".." {
            throw .evaluation("hashFiles(): invalid pattern '\(pattern)'. Relative pathing '.' and '..' is not allowed.")
        }
        pattern = Self.normalized(pattern)
        if pattern == "." || pattern.hasPrefix("./") {
            pattern = Self.escaped(cwd) + pattern.dropFirst()
        } else if pattern == "~" || pattern.hasPrefix("~/") {
            guard let home, home.hasPrefix("/") else { throw .evaluation("hashFiles(): '\(pattern)' needs a home folder") }
            pattern = Self.escaped(home) + pattern.dropFirst()
        } else if !pattern.hasPrefix("/") {
            pattern = Self.escaped(cwd) + (cwd.hasSuffix("/") ? "" : "/") + pattern
        }
        pattern = Self.normalized(pattern)
        self.init(negated: negated, segments: Self.split(pattern), trailingSeparator: pattern.hasSuffix("/"), implicit: false)
    }

    init(negated: Bool, segments: [String], trailingSeparator: Bool, implicit: Bool) {
        self.negated = negated
        self.segments = segments
        self.trailingSeparator = trailingSeparator
        self.isImplicit = implicit
        var search: [String] = []
        for segment in segments {
            let literal = Self.literal(segment)
            if literal.isEmpty { break }
            search.append(literal)
        }
        searchPath = "/" + search.joined(separator: "/")
        // minimatch collapses `**/**` into one `**`.
        var parsed: [Segment] = []
        for segment in segments.map(Self.parse) where !(segment == .globstar && parsed.last == .globstar) { parsed.append(segment) }
        self.parsed = parsed
    }

    /// The pattern for this one's descendants, which the globber adds unless the pattern already
    /// ends with `**`.
    var descendants: GlobPattern? {
        guard trailingSeparator || segments.last != "**" else { return nil }
        return GlobPattern(negated: negated, segments: segments + ["**"], trailingSeparator: false, implicit: true)
    }

    /// How `path` (absolute, normalised) matches.
    func match(_ path: String) -> Match {
        var parts = Self.pathParts(path)
        // minimatch matches `/a/**` against `/a/` but not `/a`: the globber adds the slash, so a
        // folder matches its own `**` pattern (not the implicit one).
        if segments.last == "**", !isImplicit, parts.last != "" { parts.append("") }
        guard Self.matches(parts[...], parsed[...], partial: false) else { return [] }
        return trailingSeparator ? .directory : .all
    }

    /// Whether descendants of `path` may match.
    func partiallyMatches(_ path: String) -> Bool {
        if path == "/" { return true }
        return Self.matches(Self.pathParts(path)[...], parsed[...], partial: true)
    }

    // MARK: - Matching

    /// The path's parts after the root (`/a/b` → `a`, `b`); a trailing slash leaves an empty part.
    private static func pathParts(_ path: String) -> [String] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeFirst()
        parts = parts.enumerated().filter { $0.element != "" || $0.offset == parts.count - 1 }.map(\.element)
        return parts
    }

    /// minimatch's `matchOne`: `**` takes any number of parts (at least one at the very end);
    /// in partial mode, running out of path is a match so far.
    private static func matches(_ file: ArraySlice<String>, _ pattern: ArraySlice<Segment>, partial: Bool) -> Bool {
        var file = file
        var pattern = pattern
        while let segment = pattern.first, let part = file.first {
            switch segment {
            case .globstar:
                let rest = pattern.dropFirst()
                if rest.isEmpty { return true }
                var candidate = file
                while !candidate.isEmpty {
                    if matches(candidate, rest, partial: partial) { return true }
                    candidate = candidate.dropFirst()
                }
                return partial
            case .pieces(let pieces):
                guard matches(Array(part.unicodeScalars)[...], pieces[...]) else { return false }
            }
            file = file.dropFirst()
            pattern = pattern.dropFirst()
        }
        if file.isEmpty && pattern.isEmpty { return true }
        if file.isEmpty { return partial }
        return file.count == 1 && file.first == ""
    }

    private static func matches(_ name: ArraySlice<Unicode.Scalar>, _ pieces: ArraySlice<Piece>) -> Bool {
        guard let piece = pieces.first else { return name.isEmpty }
        // A segment that is only `*` needs a character: `/a/*` does not match `/a/`.
        if pieces.count == 1, piece == .star, name.isEmpty, pieces.startIndex == 0 { return false }
        switch piece {
        case .star:
            var rest = name
            while true {
                if matches(rest, pieces.dropFirst()) { return true }
                guard !rest.isEmpty else { return false }
                rest = rest.dropFirst()
            }
        case .any:
            return !name.isEmpty && matches(name.dropFirst(), pieces.dropFirst())
        case .literal(let scalar):
            return name.first == scalar && matches(name.dropFirst(), pieces.dropFirst())
        case .set(let negated, let members):
            guard let scalar = name.first else { return false }
            let inSet = members.contains { member in
                switch member {
                case .range(let range): range.contains(scalar.value)
                case .posix(let name): Self.posix(name, scalar)
                }
            }
            return inSet != negated && matches(name.dropFirst(), pieces.dropFirst())
        }
    }

    private static func posix(_ name: String, _ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        switch name {
        case "alpha": return properties.isAlphabetic
        case "digit": return ("0"..."9").contains(scalar)
        case "alnum": return properties.isAlphabetic || properties.numericType != nil
        case "lower": return properties.isLowercase
        case "upper": return properties.isUppercase
        case "space": return properties.isWhitespace
        case "blank": return scalar == " " || scalar == "\t"
        case "xdigit": return scalar.isASCII && Character(scalar).isHexDigit
        case "word": return properties.isAlphabetic || properties.numericType != nil || scalar == "_"
        case "punct": return scalar.isASCII && (Character(scalar).isPunctuation || Character(scalar).isSymbol)
        case "cntrl": return properties.generalCategory == .control
        case "ascii": return scalar.isASCII
        case "graph": return !properties.isWhitespace && properties.generalCategory != .control
        case "print": return properties.generalCategory != .control
        default: return false
        }
    }

    // MARK: - Reading patterns

    private static func parse(_ segment: String) -> Segment {
        if segment == "**" { return .globstar }
        let scalars = Array(segment.unicodeScalars)
        var pieces: [Piece] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\\" where index < scalars.count:
                pieces.append(.literal(scalars[index]))
                index += 1
            case "*":
                if pieces.last != .star { pieces.append(.star) }
            case "?":
                pieces.append(.any)
            case "[":
                if let (set, next) = characterSet(scalars, from: index) {
                    pieces.append(set)
                    index = next
                } else {
                    pieces.append(.literal("["))
                }
            default:
                pieces.append(.literal(scalar))
            }
        }
        return .pieces(pieces)
    }

    /// A `[…]` set starting after its `[`, and the index after its `]`; nil when it is not closed.
    private static func characterSet(_ scalars: [Unicode.Scalar], from start: Int) -> (Piece, Int)? {
        var index = start
        var negated = false
        if index < scalars.count, scalars[index] == "!" || scalars[index] == "^" {
            negated = true
            index += 1
        }
        var members: [Member] = []
        var first = true
        while index < scalars.count {
            var scalar = scalars[index]
            if scalar == "]", !first { return (.set(negated: negated, members: members), index + 1) }
            first = false
            if scalar == "[", index + 1 < scalars.count, scalars[index + 1] == ":" {
                let rest = String(String.UnicodeScalarView(scalars[(index + 2)...]))
                if let end = rest.range(of: ":]") {
                    members.append(.posix(String(rest[..<end.lowerBound])))
                    index += 2 + rest.unicodeScalars.distance(from: rest.unicodeScalars.startIndex, to: end.upperBound)
                    continue
                }
            }
            if scalar == "\\", index + 1 < scalars.count {
                index += 1
                scalar = scalars[index]
            }
            index += 1
            if index + 1 < scalars.count, scalars[index] == "-", scalars[index + 1] != "]" {
                var upper = scalars[index + 1]
                index += 2
                if upper == "\\", index < scalars.count {
                    upper = scalars[index]
                    index += 1
                }
                if scalar.value <= upper.value { members.append(.range(scalar.value...upper.value)) }
            } else {
                members.append(.range(scalar.value...scalar.value))
            }
        }
        return nil
    }

    /// The segment as a literal name (escapes and one-character sets resolved), or "" when it has
    /// a wildcard (`internal-pattern.ts` `getLiteral`).
    static func literal(_ segment: String) -> String {
        let scalars = Array(segment.unicodeScalars)
        var literal = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\", index + 1 < scalars.count {
                literal.append(scalars[index + 1])
                index += 2
                continue
            }
            if scalar == "*" || scalar == "?" { return "" }
            if scalar == "[", index + 1 < scalars.count {
                var set = String.UnicodeScalarView()
                var closed: Int?
                var inner = index + 1
                while inner < scalars.count {
                    if scalars[inner] == "\\", inner + 1 < scalars.count {
                        set.append(scalars[inner + 1])
                        inner += 2
                        continue
                    }
                    if scalars[inner] == "]" {
                        closed = inner
                        break
                    }
                    set.append(scalars[inner])
                    inner += 1
                }
                if let closed {
                    if set.count > 1 { return "" }
                    if let only = set.first {
                        literal.append(only)
                        index = closed + 1
                        continue
                    }
                }
            }
            literal.append(scalar)
            index += 1
        }
        return String(literal)
    }

    /// A folder's path with its glob characters escaped (`Pattern.globEscape`).
    static func escaped(_ path: String) -> String {
        var out = ""
        let characters = Array(path)
        for (position, character) in characters.enumerated() {
            switch character {
            case "\\": out += "\\\\"
            case "?": out += "[?]"
            case "*": out += "[*]"
            case "[":
                // Escaped when a `]` closes it, with something between, before the next `/`.
                let rest = characters[(position + 1)...]
                let segmentEnd = rest.firstIndex(of: "/") ?? characters.endIndex
                if characters[min(position + 2, segmentEnd)..<segmentEnd].contains("]") {
                    out += "[[]"
                } else {
                    out.append(character)
                }
            default: out.append(character)
            }
        }
        return out
    }

    /// Repeated slashes collapsed.
    static func normalized(_ path: String) -> String {
        var out = ""
        for character in path where !(character == "/" && out.hasSuffix("/")) { out.append(character) }
        return out
    }

    /// The segments of an absolute pattern after its root, with no empty ones.
    private static func split(_ pattern: String) -> [String] {
        pattern.split(separator: "/").map(String.init)
    }

    /// JavaScript's `trim()`: white space and line terminators at both ends.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        func blank(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace || scalar == "\u{FEFF}" }
        guard let first = scalars.firstIndex(where: { !blank($0) }), let last = scalars.lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return String(scalars[first...last])
    }
}
