@testable import PlenarKit

/// Random secrets for the redaction tests. (Throughput is measured end to end, through the
/// release binary beside `cat | cat`, by `scripts/bench run`, not by a test.)
enum RandomSecrets {
    static func make(length: Int, using random: inout SplitMix) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/=".utf8)
        return (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
    }
}
