import Foundation
import Testing

/// Expected outputs kept in `Tests/PlenarTests/Golden`: generated configs and help texts.
/// `PLENAR_RECORD_GOLDEN=1 swift test` writes them anew.
enum Golden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
        "Golden")

    static func check(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PLENAR_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(
            actual == expected, "differs from Golden/\(name); re-record with PLENAR_RECORD_GOLDEN=1 if intended",
            sourceLocation: sourceLocation)
    }
}
