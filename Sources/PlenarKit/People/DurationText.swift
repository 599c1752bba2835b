/// Durations as people type them: `90s`, `5m`, `1h`, `500ms`, or a number of seconds.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let text = text.trimmed.lowercased()
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, milliseconds) in units where text.hasSuffix(suffix) {
            guard let value = Int(text.dropLast(suffix.count)), value >= 0 else { return nil }
            return .milliseconds(value * milliseconds)
        }
        guard let seconds = Int(text), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}
