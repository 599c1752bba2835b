import Foundation
import PlenarAPI
import Testing

@Suite("Version")
struct VersionTests {
    @Test("action/VERSION is the version both binaries report")
    func actionVersionMatches() throws {
        let file = PackageRoot.url.appendingPathComponent("action/VERSION")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == Release.version)
    }
}
