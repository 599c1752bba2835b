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
}
