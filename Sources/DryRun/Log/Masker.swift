import Foundation
import JSONText

/// The values the log hides, as the runner's secret masker does: every occurrence of a registered
/// value in a line becomes `***`; overlapping occurrences become one `***`.
///
/// A value with several lines registers each line too, since the log is masked line by line.
/// Each is also registered in the forms the runner's value encoders give (actions/runner
/// `src/Runner.Common/HostContext.cs` registers them; `src/Sdk/DTLogging/Logging/ValueEncoders.cs`
/// writes them): base64 of the UTF-8 bytes from offsets 0, 1 and 2, `"` as `\"`, `'` as `''`,
/// JSON-escaped, URI-data-escaped (RFC 3986 unreserved kept), XML-escaped, and without
/// surrounding double quotes (longer than 8). The PowerShell forms are left out: no step here
/// runs PowerShell.
public struct Masker: Sendable {
    private(set) var values: Set<String> = []

    public init() {}

    public mutating func add(_ value: String) {
        let lines = value.split(whereSeparator: \.isNewline).map(String.init)
        for candidate in [value] + lines {
            let trimmed = candidate.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            for form in [candidate] + Self.encodings(of: candidate) where !form.isEmpty {
                values.insert(form)
            }
        }
    }

    /// The runner's value encoders, in its order (ValueEncoders.cs).
    static func encodings(of value: String) -> [String] {
        let bytes = Array(value.utf8)
        func base64(from shift: Int) -> String {
            Data(bytes.count > shift ? Array(bytes[shift...]) : bytes).base64EncodedString()
        }
        var unreserved = CharacterSet(charactersIn: "-._~")
        unreserved.formUnion(CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
        let xml = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&apos;")
        let quoted = value.count > 8 && value.hasPrefix("\"") && value.hasSuffix("\"") ? String(value.dropFirst().dropLast()) : ""
        return [
            base64(from: 0), base64(from: 1), base64(from: 2),
            value.replacingOccurrences(of: "\"", with: "\\\""),
            value.replacingOccurrences(of: "'", with: "''"),
            String(decoding: JSONString.escaped(bytes), as: UTF8.self),
            value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "",
            xml, quoted,
        ]
    }

    public func mask(_ line: String) -> String {
        guard !values.isEmpty, !line.isEmpty else { return line }
        let text = Array(line.utf8)
        var ranges: [Range<Int>] = []
        for value in values {
            let needle = Array(value.utf8)
            guard needle.count <= text.count else { continue }
            var start = 0
            while start + needle.count <= text.count {
                if text[start] == needle[0], text[start..<start + needle.count].elementsEqual(needle) {
                    ranges.append(start..<start + needle.count)
                }
                start += 1
            }
        }
        guard !ranges.isEmpty else { return line }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound < last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        var out: [UInt8] = []
        var position = 0
        for range in merged {
            out += text[position..<range.lowerBound]
            out += Array("***".utf8)
            position = range.upperBound
        }
        out += text[position...]
        return String(decoding: out, as: UTF8.self)
    }
}
