/// The values the log hides, as the runner's secret masker does: every occurrence of a registered
/// value in a line becomes `***`; overlapping occurrences become one `***`.
///
/// A value with several lines registers each line too, since the log is masked line by line.
/// Only the raw value is masked, not its base64 or URL-encoded forms.
public struct Masker: Sendable {
    private(set) var values: Set<String> = []

    public init() {}

    public mutating func add(_ value: String) {
        let lines = value.split(whereSeparator: \.isNewline).map(String.init)
        for candidate in [value] + lines {
            let trimmed = candidate.trimmingCharacters(in: .whitespacesAndNewlines)
            if !trimmed.isEmpty { values.insert(candidate) }
        }
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
