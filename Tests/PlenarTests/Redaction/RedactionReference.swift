import Foundation

@testable import PlenarKit

/// The slow, obviously correct redactor the streaming one is held to: find every occurrence of
/// every pattern and every token-shaped run, take the union, replace each region at once.
enum ReferenceRedactor {
    struct Match {
        var start: Int
        var end: Int
        /// Where the streaming redactor first sees the match complete, and which it sees first
        /// when two complete on the same byte (the token rule).
        var completion: Int
        var tokenRule: Bool
        var replacement: Int
    }

    static func matches(in input: [UInt8], patterns: [(bytes: [UInt8], replacement: Int)]) -> [Match] {
        var matches: [Match] = []
        for pattern in patterns where pattern.bytes.count <= input.count {
            let first = pattern.bytes[0]
            for start in 0...(input.count - pattern.bytes.count) where input[start] == first {
                if input[start..<(start + pattern.bytes.count)].elementsEqual(pattern.bytes) {
                    let end = start + pattern.bytes.count
                    matches.append(Match(start: start, end: end, completion: end, tokenRule: false, replacement: pattern.replacement))
                }
            }
        }
        let prefixes: [(String, Int)] = [("pko_", 1), ("plt_", 2), ("pls_", 3), ("pke_", 4)]
        for start in input.indices where start + 4 <= input.count {
            guard let prefix = prefixes.first(where: { input[start..<(start + 4)].elementsEqual($0.0.utf8) }) else { continue }
            var end = start + 4
            while end < input.count, isAlphanumeric(input[end]) { end += 1 }
            if end - start - 4 >= 32 {
                matches.append(Match(start: start, end: end, completion: start + 36, tokenRule: true, replacement: prefix.1))
            }
        }
        return matches
    }

    static func redact(_ input: [UInt8], patterns: [(bytes: [UInt8], replacement: Int)]) -> [UInt8] {
        let found = matches(in: input, patterns: patterns).sorted {
            ($0.start, $0.completion, $0.tokenRule ? 0 : 1) < ($1.start, $1.completion, $1.tokenRule ? 0 : 1)
        }
        var output: [UInt8] = []
        var index = 0
        var next = 0
        while next < found.count {
            let lead = found[next]
            var end = lead.end
            next += 1
            while next < found.count, found[next].start <= end {
                end = max(end, found[next].end)
                next += 1
            }
            output += input[index..<lead.start]
            output += Secret.replacements[lead.replacement]
            index = end
        }
        return output + input[index...]
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}

/// Written apart from the library's encoders, so that a mistake there cannot hide in both.
enum ReferenceEncodings {
    /// Each form of a secret the redactor must mask (3 bytes or more).
    static func forms(_ value: [UInt8]) -> [[UInt8]] {
        var forms = single(value)
        if value.contains(10) {
            for var line in value.split(separator: 10, omittingEmptySubsequences: false).map(Array.init) {
                if line.last == 13 { line.removeLast() }
                if line.count >= 6 { forms += single(line) }
            }
        }
        return forms.filter { $0.count >= 3 }
    }

    static func single(_ value: [UInt8]) -> [[UInt8]] {
        var forms = [value, base64(value), base64(value + [10])]
        for offset in 0..<3 {
            forms.append(base64Fragment(value, offset: offset))
            forms += wrapped(value, offset: offset)
        }
        forms += [json(value, slash: false, upper: false), json(value, slash: true, upper: false)]
        forms += [json(value, slash: false, upper: true), json(value, slash: true, upper: true)]
        for upper in [false, true] {
            forms += [otherJSON(value, html: true, ascii: false, upper: upper), otherJSON(value, html: false, ascii: true, upper: upper)]
            forms.append(otherJSON(value, html: true, ascii: true, upper: upper))
        }
        forms += [url(value, upper: true, plus: false), url(value, upper: false, plus: false)]
        forms += [url(value, upper: true, plus: true), url(value, upper: false, plus: true)]
        return forms
    }

    static func base64(_ value: [UInt8]) -> [UInt8] {
        Array(Data(value).base64EncodedString().utf8)
    }

    /// The characters of `base64(filler + value + more)` that no filler or following byte changes.
    static func base64Fragment(_ value: [UInt8], offset: Int) -> [UInt8] {
        let (fragment, _) = fixedCharacters(value, offset: offset)
        return fragment
    }

    /// The fragment and where it starts in the encoded stream.
    static func fixedCharacters(_ value: [UInt8], offset: Int) -> ([UInt8], Int) {
        let a = base64([UInt8](repeating: 0x00, count: offset) + value + [0x00, 0x00, 0x00])
        let b = base64([UInt8](repeating: 0xFF, count: offset) + value + [0xFF, 0xFF, 0xFF])
        var first = 0
        while first < a.count, a[first] != b[first] { first += 1 }
        var end = first
        while end < a.count, a[end] == b[end] { end += 1 }
        return (Array(a[first..<end]), first)
    }

    /// The forms for base64 wrapped at any multiple of 4 columns: a line break may fall before
    /// each stream position that is a multiple of 4. Every 16 characters from the fragment's
    /// start, from each such position and up to its end; and, for a fragment of 8 or more, the
    /// fragment broken (LF or CRLF) at each such position that leaves fewer than 16 on both sides.
    static func wrapped(_ value: [UInt8], offset: Int) -> [[UInt8]] {
        let (fragment, first) = fixedCharacters(value, offset: offset)
        let breaks = fragment.indices.filter { $0 > 0 && (first + $0) % 4 == 0 }
        var forms: [[UInt8]] = []
        if fragment.count > 16 {
            for start in [0, fragment.count - 16] + breaks where start + 16 <= fragment.count {
                forms.append(Array(fragment[start..<(start + 16)]))
            }
        }
        for split in breaks where fragment.count >= 8 && split < 16 && fragment.count - split < 16 {
            forms.append(Array(fragment[..<split]) + [10] + Array(fragment[split...]))
            forms.append(Array(fragment[..<split]) + [13, 10] + Array(fragment[split...]))
        }
        return forms
    }

    static func json(_ value: [UInt8], slash: Bool, upper: Bool) -> [UInt8] {
        var output: [UInt8] = []
        for byte in value {
            switch byte {
            case 0x22: output += Array("\\\"".utf8)
            case 0x5C: output += Array("\\\\".utf8)
            case 0x2F: output += Array((slash ? "\\/" : "/").utf8)
            case 0x0A: output += Array("\\n".utf8)
            case 0x0D: output += Array("\\r".utf8)
            case 0x09: output += Array("\\t".utf8)
            case 0x08: output += Array("\\b".utf8)
            case 0x0C: output += Array("\\f".utf8)
            case 0..<0x20: output += Array(String(format: upper ? "\\u%04X" : "\\u%04x", Int(byte)).utf8)
            default: output.append(byte)
            }
        }
        return output
    }

    /// JSON as Go (`<>&` escaped, a byte that is not UTF-8 as `\ufffd`) and Python
    /// (`ensure_ascii`, such a byte `b` as `\udcXX`) write it, from Foundation's UTF-16 view.
    static func otherJSON(_ value: [UInt8], html: Bool, ascii: Bool, upper: Bool) -> [UInt8] {
        if html || ascii, String(bytes: value, encoding: .utf8) == nil {
            // Valid sequences one by one, each byte of the rest on its own.
            var output: [UInt8] = []
            var index = 0
            while index < value.count {
                let valid = (1...4).first { length in
                    index + length <= value.count
                        && String(bytes: value[index..<(index + length)], encoding: .utf8)?.unicodeScalars.count == 1
                }
                if let valid {
                    output += otherJSON(Array(value[index..<(index + valid)]), html: html, ascii: ascii, upper: upper)
                    index += valid
                } else {
                    let unit = html ? 0xFFFD : 0xDC00 + Int(value[index])
                    output += Array(String(format: upper ? "\\u%04X" : "\\u%04x", unit).utf8)
                    index += 1
                }
            }
            return output
        }
        if ascii, value.contains(where: { $0 >= 0x80 }) {
            guard let text = String(bytes: value, encoding: .utf8) else { return value }
            var output = ""
            for unit in text.utf16 {
                let special = unit < 0x20 || unit == 0x22 || unit == 0x5C || unit >= 0x80 || (html && [0x3C, 0x3E, 0x26].contains(unit))
                if special, ![0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x08, 0x0C].contains(unit) {
                    output += String(format: upper ? "\\u%04X" : "\\u%04x", Int(unit))
                } else if special {
                    output += String(decoding: json([UInt8(unit)], slash: false, upper: upper), as: UTF8.self)
                } else {
                    output += String(UnicodeScalar(UInt8(unit)))
                }
            }
            return Array(output.utf8)
        }
        var output: [UInt8] = []
        for byte in value {
            if html, [0x3C, 0x3E, 0x26].contains(byte) {
                output += Array(String(format: upper ? "\\u%04X" : "\\u%04x", Int(byte)).utf8)
            } else {
                output += json([byte], slash: false, upper: upper)
            }
        }
        return output
    }

    static func url(_ value: [UInt8], upper: Bool, plus: Bool) -> [UInt8] {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        var output: [UInt8] = []
        for byte in value {
            if unreserved.contains(byte) {
                output.append(byte)
            } else if plus, byte == 0x20 {
                output += Array("+".utf8)
            } else {
                output += Array(String(format: upper ? "%%%02X" : "%%%02x", Int(byte)).utf8)
            }
        }
        return output
    }
}

/// Streams `input` through `filter`, `readSize` bytes at a time.
func stream(_ input: [UInt8], through filter: inout RedactingFilter, readSize: Int) -> [UInt8] {
    var output: [UInt8] = []
    input.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let end = min(offset + readSize, buffer.count)
            filter.process(UnsafeRawBufferPointer(rebasing: buffer[offset..<end])) { output += $0 }
            offset = end
        }
    }
    filter.finish { output += $0 }
    return output
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

extension Array where Element == UInt8 {
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
