import Foundation
@testable import PlenarKit
import Testing

/// Off by default: `PLENAR_BENCH=1 swift test -c release --filter RedactionBenchmark`.
@Suite("Redaction: throughput", .enabled(if: ProcessInfo.processInfo.environment["PLENAR_BENCH"] != nil))
struct RedactionBenchmarkTests {
    @Test("MB/s for 1, 100 and 1000 secrets on log text and on base64")
    func throughput() {
        for corpus in [RedactionBenchmark.Corpus.log, .base64] {
            for secrets in [1, 100, 1000] {
                let result = RedactionBenchmark.run(secrets: secrets, corpus: corpus)
                print("\(corpus): \(result)")
                #expect(result.megabytesPerSecond > 0)
            }
        }
    }
}
