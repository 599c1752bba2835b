import Platform
import PlenarAPI
import Testing

@testable import PlenarKit

@Suite("Redaction: the secret list of plenar run")
struct RedactionSecretSetTests {
    static let token = "plt_" + String(repeating: "Zz9", count: 12)

    @Test("the environment: values of 6 characters or more of variables named like secrets")
    func environment() {
        let secrets = SecretSet.fromEnvironment([
            "GITHUB_TOKEN": "ghs_abcdef", "DB_PASSWORD": "pw-123456", "STRIPE_API_KEY": "sk_live_1",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI", "AWS_ACCESS_KEY": "AKIAEXAMPLE", "SSH_PRIVATE_KEY": "-----BEGIN\nx",
            "MY_SECRET": "s3cr3t", "SECRETS_JSON": "{\"a\":1}", "PLENAR_TOKEN": Self.token, "lower_token": "abcdefg",
            "SHORT_TOKEN": "12345", "PATH": "/usr/bin:/bin", "HOME": "/home/runner", "TOKEN": "no-suffix-match",
            "TOKENIZER": "not-a-secret",
        ])
        // In the order of the names, whatever the dictionary's.
        #expect(
            secrets.map { String(decoding: $0.value, as: UTF8.self) } == [
                "AKIAEXAMPLE", "wJalrXUtnFEMI", "pw-123456", "ghs_abcdef", "s3cr3t", Self.token, "{\"a\":1}", "-----BEGIN\nx",
                "sk_live_1", "abcdefg",
            ])
        #expect(secrets.first { $0.value == Array(Self.token.utf8) }?.kind == .token(.personal))
        #expect(secrets.first { $0.value == Array("ghs_abcdef".utf8) }?.kind == .other)
    }

    @Test("explicit values of 3 bytes or more, variables by name, and the token")
    func explicit() {
        var set = SecretSet()
        let added = [
            set.add(mask: "abc"), set.add(mask: "ab"), set.add(maskVariable: "DEPLOY_KEY", from: ["DEPLOY_KEY": "k3y"]),
            set.add(maskVariable: "MISSING", from: [String: String]()),
        ]
        #expect(added == [true, false, true, false])
        set.add(token: Self.token)
        set.add(token: "")
        set.addEnvironment(["API_TOKEN": "tok-123456"])
        #expect(set.secrets.map { String(decoding: $0.value, as: UTF8.self) } == ["abc", "k3y", Self.token, "tok-123456"])
        #expect(set.secrets.map(\.replacement) == ["***", "***", "plt_…", "***"])
        let redactor = Redactor(secrets: set.secrets)
        #expect(redactor.redact("abc k3y \(Self.token) tok-123456 ab") == "*** *** plt_… *** ab")
    }

    /// What `fromEnvironment` did before it judged names on their bytes: every entry split and
    /// decoded, its name judged as a string.
    static func referenceFromEnvironment(_ entries: [[UInt8]]) -> [[UInt8]] {
        func isSecretName(_ name: String) -> Bool {
            let upper = name.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }
            let text = String(decoding: upper, as: UTF8.self)
            return SecretSet.nameSuffixes.contains { text.utf8.reversed().starts(with: $0.utf8.reversed()) }
                || text.utf8.indices.contains { text.utf8[$0...].starts(with: "SECRET".utf8) }
        }
        return entries.compactMap(ProcessBytes.split).filter { isSecretName($0.name) }.sorted { $0.name < $1.name }.compactMap {
            (String(validating: $0.value, as: UTF8.self)?.count ?? $0.value.count) >= RedactionPolicy.minimumGuessedLength ? $0.value : nil
        }
    }

    @Test("names are judged on their bytes as on their decoded form, bytes that are not UTF-8 included")
    func environmentBytes() {
        var random = SplitMix(seed: 7)
        let pieces: [[UInt8]] = [
            Array("_TOKEN".utf8), Array("_token".utf8), Array("SECRET".utf8), Array("SeCrEt".utf8), Array("_API_KEY".utf8),
            Array("_PRIVATE_KEY".utf8), Array("_ACCESS_KEY".utf8), Array("_PASSWORD".utf8), Array("_SECRET".utf8), Array("TOKEN".utf8),
            Array("SECRE".utf8), Array("T".utf8), Array("A".utf8), Array("x".utf8), [0xE4], [0xC3, 0xA4], [0xFF], [0xE2, 0x82], [0x80],
            Array("=".utf8), [],
        ]
        var entries: [[UInt8]] = [Array("NOEQUALS_TOKEN".utf8), Array("=value-of-no-name".utf8), Array("DUP_TOKEN=second-dup".utf8)]
        for index in 0..<3000 {
            var name: [UInt8] = []
            for _ in 0..<Int.random(in: 0...4, using: &random) { name += pieces.randomElement(using: &random)! }
            let value = Array("value-\(index)".utf8) + (Bool.random(using: &random) ? [0xE4] : [])
            entries.append(name + Array("=".utf8) + value.prefix(Int.random(in: 0...value.count, using: &random)))
        }
        entries.append(Array("DUP_TOKEN=first-dup".utf8))
        #expect(SecretSet.fromEnvironment(entries).map(\.value) == Self.referenceFromEnvironment(entries))
        #expect(SecretSet.fromEnvironment(entries).count > 100)
        for entry in entries {
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else { continue }
            let name = Array(entry[..<equals])
            let onBytes = name.withUnsafeBufferPointer { SecretSet.isSecretName($0) }
            #expect(onBytes == SecretSet.isSecretName(String(decoding: name, as: UTF8.self)), "\(name)")
        }
    }

    /// `values(of:in:)` must agree with the dictionary of `ProcessBytes.variables`.
    static func checkValues(_ names: [String], in entries: [[UInt8]], sourceLocation: SourceLocation = #_sourceLocation) {
        let variables = ProcessBytes.variables(entries)
        #expect(SecretSet.values(of: names, in: entries) == names.map { variables[$0] }, sourceLocation: sourceLocation)
    }

    @Test("--mask-env values: the first entry of a name, as ProcessBytes.variables finds it, whatever the names")
    func maskVariableValues() {
        let entries = [
            "A=1", "B=two", "A=again", "=no-name", "NOEQUALS", "C=", "D=x=y", "K=k-value", "LONG_NAME_OF_A_VARIABLE=v", "PLENAR_TOKEN=tok",
        ].map { Array($0.utf8) }
        let names = ["A", "B", "C", "D", "K", "MISSING", "NOEQUALS", "", "=no-name", "LONG_NAME_OF_A_VARIABLE", "A", "PLENAR_TOKEN"]
        Self.checkValues(names, in: entries)
        #expect(SecretSet.values(of: ["A", "C", "MISSING"], in: entries) == [Array("1".utf8), [], nil])
        #expect(SecretSet.VariableTable(entries) != nil)
        // A name that is not ASCII compares as strings do: U+212A KELVIN SIGN is canonically K.
        let kelvin = Array("\u{212A}=kelvin".utf8)
        #expect(SecretSet.VariableTable(entries + [kelvin]) == nil)
        Self.checkValues(["K", "\u{212A}", "A"], in: entries + [kelvin])
        Self.checkValues(["K", "\u{212A}", "A"], in: [kelvin] + entries)
        Self.checkValues(["\u{212A}", "A"], in: entries)
        Self.checkValues(["N\u{FFFD}", "N"], in: entries + [Array("N".utf8) + [0xE4] + Array("=latin1".utf8), Array("N=n".utf8)])
        Self.checkValues(["A"], in: [])
        // Ten thousand names, some set twice, some not at all.
        var random = SplitMix(seed: 11)
        let many = (0..<10_000).map { Array("M_\(Int.random(in: 0..<12_000, using: &random))=\($0)".utf8) }
        Self.checkValues((0..<12_000).map { "M_\($0)" }, in: many)
    }

    @Test("a value is a token exactly when TokenShape says so")
    func tokenKinds() {
        for kind in TokenKind.allCases {
            let prefix = Array(kind.prefix.utf8)
            // Secret.mayBeToken's assumption: every prefix is p??_.
            #expect(prefix.count == TokenRule.prefixLength && prefix.first == UInt8(ascii: "p") && prefix.last == UInt8(ascii: "_"))
        }
        var values: [[UInt8]] = []
        for prefix in TokenKind.allCases.map(\.prefix) + ["pkx_", "Pko_", "pko", "pko-", "qko_", "p", ""] {
            for length in [0, 1, 31, 32, 33, 40] {
                let body = Array(String(repeating: "aZ9", count: 14).utf8.prefix(length))
                values.append(Array(prefix.utf8) + body)
                values.append(Array(prefix.utf8) + body + Array("-".utf8))
                values.append(Array(prefix.utf8) + body.dropLast() + [0xE4])
            }
        }
        for value in values {
            #expect(Secret(bytes: value).kind == (TokenShape.wellFormedKind(value).map(Secret.Kind.token) ?? .other), "\(value)")
        }
        #expect(Secret(bytes: Array(Self.token.utf8)).kind == .token(.personal))
    }
}
