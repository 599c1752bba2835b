/// Where and why a config file (JSON, JSON with comments, TOML) does not parse.
struct ConfigParseError: Error, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var reason: String

    var description: String { "line \(line), column \(column): \(reason)" }

    /// The error at byte `index` of `bytes`, with its line and column (in characters) from 1.
    init(at index: Int, in bytes: [UInt8], _ reason: String) {
        var line = 1
        var lineStart = 0
        for position in 0..<min(index, bytes.count) where bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        self.line = line
        column = String(decoding: bytes[lineStart..<min(index, bytes.count)], as: UTF8.self).count + 1
        self.reason = reason
    }
}
