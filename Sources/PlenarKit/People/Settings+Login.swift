import PlenarAPI

extension Settings {
    /// Takes the token (and, unless one was given, the API URL) from the login file.
    mutating func adoptLogin(_ context: PlenarContext, explicitURL: String?) {
        login = LoginLookup.lookup(context)
        switch login {
        case let .found(file, path, _):
            if let explicitURL, Self.sameAPI(explicitURL, file.apiURL) == false {
                warnings.append(
                    "the login in \(path) is for \(file.apiURL), not \(APIBaseURL.display(explicitURL)) (--api-url or PLENAR_API_URL): not used; run plenar login against that API"
                )
                login = .unusable(path: path, reason: "it is for another API")
                return
            }
            token = file.token
            tokenSource = LoginLookup.sourceName(path)
            apiURLText = explicitURL ?? file.apiURL
        case let .unusable(path, reason):
            warnings.append(PeopleProblem.loginFileUnusable(path: path, reason: reason).message)
        case .none, .skippedInCI:
            break
        }
    }

    static func sameAPI(_ first: String, _ second: String) -> Bool {
        func normal(_ text: String) -> String {
            var text = text.trimmed
            while text.hasSuffix("/") { text.removeLast() }
            return text.lowercased()
        }
        return normal(first) == normal(second)
    }

    /// The kind of the token, if it has a valid shape.
    var tokenKind: TokenKind? {
        token.flatMap { try? TokenShape.check($0) }
    }
}
