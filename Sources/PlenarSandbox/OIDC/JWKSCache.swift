import CryptoExtras
import Foundation
import PlenarAPI

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An issuer's signing keys, found through its discovery document
/// (`<issuer>/.well-known/openid-configuration` → `jwks_uri`) and kept for ten minutes.
/// An unknown `kid` fetches again (key rotation), at most once every 30 seconds per issuer.
actor JWKSCache {
    private struct Entry {
        var keys: [String: _RSA.Signing.PublicKey]
        var fetchedAt: Date
    }

    static let lifetime: Double = 600
    static let refetchInterval: Double = 30
    private var entries: [String: Entry] = [:]
    private let session: URLSession

    init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        configuration.timeoutIntervalForResource = 10
        session = URLSession(configuration: configuration)
    }

    func key(issuer: String, kid: String, now: Date) async throws(APIError) -> _RSA.Signing.PublicKey {
        if let entry = entries[issuer], now.timeIntervalSince(entry.fetchedAt) < Self.lifetime {
            if let key = entry.keys[kid] { return key }
            guard now.timeIntervalSince(entry.fetchedAt) >= Self.refetchInterval else { throw unknownKey(kid, issuer) }
        }
        let keys = try await fetch(issuer: issuer)
        entries[issuer] = Entry(keys: keys, fetchedAt: now)
        guard let key = keys[kid] else { throw unknownKey(kid, issuer) }
        return key
    }

    private func unknownKey(_ kid: String, _ issuer: String) -> APIError {
        APIError(.oidcTokenInvalid, "the token's signing key \(kid) is not among \(issuer)'s published keys")
    }

    private func fetch(issuer: String) async throws(APIError) -> [String: _RSA.Signing.PublicKey] {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let discovery = try await json(base + "/.well-known/openid-configuration", issuer: issuer)
        guard discovery["issuer"]?.stringValue == issuer, let jwksURI = discovery["jwks_uri"]?.stringValue,
            OIDCIssuerURL.isAcceptable(jwksURI)
        else {
            throw APIError(.unavailable, "\(issuer)'s discovery document names another issuer or no usable jwks_uri")
        }
        guard case let .array(entries)? = try await json(jwksURI, issuer: issuer)["keys"] else {
            throw APIError(.unavailable, "\(jwksURI) holds no keys")
        }
        var keys: [String: _RSA.Signing.PublicKey] = [:]
        for entry in entries {
            guard entry["kty"]?.stringValue == "RSA", let kid = entry["kid"]?.stringValue,
                let n = entry["n"]?.stringValue.flatMap(Base64URL.decode), let e = entry["e"]?.stringValue.flatMap(Base64URL.decode),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { continue }
            keys[kid] = key
        }
        return keys
    }

    private func json(_ address: String, issuer: String) async throws(APIError) -> JSONValue {
        guard let url = URL(string: address) else { throw APIError(.unavailable, "\(address) is not a URL") }
        do {
            let (data, response) = try await session.data(from: url)
            guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
                throw APIError(.unavailable, "\(address) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
            }
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.unavailable, "could not fetch \(issuer)'s signing keys from \(address): \(error.localizedDescription)")
        }
    }
}
