import Crypto
import CryptoExtras
import Foundation
import PlenarAPI

/// A compact JWS (RS256), split and decoded; nothing about it is trusted until `verify` says so.
struct JWT: Sendable {
    var header: [String: JSONValue]
    var claims: [String: JSONValue]
    var signingInput: Data
    var signature: Data

    static func parse(_ text: String) throws(APIError) -> JWT {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw APIError(.oidcTokenInvalid, "the token is not a JWT (three base64url parts separated by dots)")
        }
        guard let headerData = Base64URL.decode(parts[0]), let payloadData = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]),
            let header = (try? JSONDecoder().decode(JSONValue.self, from: headerData))?.objectValue,
            let claims = (try? JSONDecoder().decode(JSONValue.self, from: payloadData))?.objectValue
        else {
            throw APIError(.oidcTokenInvalid, "the token's parts are not base64url-encoded JSON objects")
        }
        return JWT(header: header, claims: claims, signingInput: Data("\(parts[0]).\(parts[1])".utf8), signature: signature)
    }

    /// Signs `claims` with RS256 under `kid`.
    static func sign(claims: [String: JSONValue], key: _RSA.Signing.PrivateKey, kid: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = try encoder.encode(JSONValue.object(["alg": .string("RS256"), "kid": .string(kid), "typ": .string("JWT")]))
        let payload = try encoder.encode(JSONValue.object(claims))
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    var algorithm: String? { header["alg"]?.stringValue }
    var keyID: String? { header["kid"]?.stringValue }

    func isSigned(by key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: signingInput, padding: .insecurePKCS1v1_5)
    }
}

/// The issuers whose discovery documents and keys the server will fetch: https, or http to loopback.
enum OIDCIssuerURL {
    static func isAcceptable(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        return scheme == "https" || (scheme == "http" && Loopback.contains(host))
    }
}
