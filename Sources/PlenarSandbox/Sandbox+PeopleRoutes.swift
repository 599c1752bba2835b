import FoundationEssentials
import HTTPTypes
import Hummingbird
import NIOCore
import PlenarAPI

/// People: browser login (`/v1/cli/sessions` and the approval page at `/login`), logout, key
/// management (login sessions only) and the user's pinned default project.
extension Sandbox {
    func addPeopleRoutes(to router: Router<SandboxRequestContext>) {
        let store = self.store
        let api = router.group("v1")
        let caller: @Sendable (Request, SandboxRequestContext) async throws -> Caller = { request, context in
            try await store.authenticate(authorization: request.headers[.authorization], peer: context.peerIP)
        }

        api.post("cli/sessions") { request, _ in
            let buffer = try await request.body.collect(upTo: Sandbox.maximumBodySize)
            let body = buffer.readableBytes > 0 ? try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)) : nil
            let client = body?["client"]?.stringValue ?? request.headers[.userAgent] ?? "unknown client"
            let start = await store.startLogin(root: Self.root(of: request), client: client)
            try await store.flush()
            return Responses.json(start, status: .created)
        }
        api.post("cli/sessions/:id/poll") { _, context in
            let poll = try await store.pollLogin(handle: try context.parameters.require("id"))
            try await store.flush()
            return Responses.json(poll)
        }
        api.delete("cli/session") { request, context in
            try await store.endSession(try await caller(request, context))
            try await store.flush()
            return Response(status: .noContent)
        }
        api.get("keys") { request, context in
            Responses.json(try await store.listKeys(try await caller(request, context)))
        }
        api.post("keys") { request, context in
            let who = try await caller(request, context)
            let created = try await store.createKey(who, try await request.decode(CreateKeyRequest.self))
            try await store.flush()
            return Responses.json(created, status: .created)
        }
        api.get("keys/:id") { request, context in
            Responses.json(try await store.key(try await caller(request, context), id: try context.parameters.require("id")))
        }
        api.post("keys/:id/revoke") { request, context in
            let revoked = try await store.revokeKey(try await caller(request, context), id: try context.parameters.require("id"))
            try await store.flush()
            return Responses.json(revoked)
        }
        api.get("me/default-project") { request, context in
            Responses.json(try await store.defaultProject(try await caller(request, context)))
        }
        api.put("me/default-project") { request, context in
            let who = try await caller(request, context)
            let answer = try await store.setDefaultProject(who, try await request.decode(SetDefaultProject.self))
            try await store.flush()
            return Responses.json(answer)
        }

        router.get("login") { request, _ in
            let code = request.uri.queryParameters["code"].map(String.init) ?? ""
            return LoginPage.html(LoginPage.signIn(code: code, users: await store.allUsers()))
        }
        router.post("login/signin") { request, _ in
            let form = try await LoginPage.form(request)
            let code = SandboxStore.normalizedCode(form["code"] ?? "")
            guard let email = form["user"], let user = await store.allUsers().first(where: { $0.user.email == email }) else {
                return LoginPage.html(LoginPage.message("Unknown user", "Choose one of the demo users."), status: .badRequest)
            }
            guard let login = await store.pendingLogin(code: code) else {
                return LoginPage.html(
                    LoginPage.message(
                        "No such login", "No login waits for the code \(code): it expired or was decided already. Run plenar login again."),
                    status: .notFound)
            }
            return LoginPage.html(
                LoginPage.confirm(code: login.userCode, client: login.client, user: user.user, organization: user.organization))
        }
        router.post("login/decide") { request, _ in
            let form = try await LoginPage.form(request)
            let approve = form["decision"] == "approve"
            do {
                try await store.decideLogin(code: form["code"] ?? "", email: form["user"] ?? "", approve: approve)
                try await store.flush()
            } catch let error as APIError {
                return LoginPage.html(LoginPage.message("Not done", error.message), status: .notFound)
            }
            return LoginPage.html(
                approve
                    ? LoginPage.message(
                        "Approved", "You are logged in. You can close this window and return to the terminal.", id: "approved")
                    : LoginPage.message("Denied", "The login was denied; nothing was granted.", id: "denied"))
        }

        let admin = router.group("_sandbox").add(middleware: LoopbackOnlyMiddleware())
        admin.post("users") { request, _ in
            let user = try await store.createUser(try await request.decode(CreateUserRequest.self))
            try await store.flush()
            return Responses.json(user, status: .created)
        }
        admin.get("users") { _, _ in
            let users = await store.allUsers().map { entry in
                ["email": entry.user.email, "name": entry.user.name, "organization": entry.organization]
            }
            return Responses.json(["users": users])
        }
        admin.get("logins") { _, _ in
            Responses.json(["logins": await store.loginSummaries()])
        }
    }

    /// The server's own root URL as this client reached it.
    static func root(of request: Request) -> String {
        "http://\(request.head.authority ?? "127.0.0.1")"
    }
}

/// The approval page: sign in as a demo user, see the code, approve or deny.
enum LoginPage {
    static func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response {
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Plenar sandbox: log in</title>
            <style>body{font-family:sans-serif;max-width:32em;margin:3em auto}code{font-size:1.6em;letter-spacing:.1em}</style>
            </head><body>
            \(body)
            </body></html>
            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page))
        )
    }

    static func signIn(code: String, users: [(user: User, organization: String)]) -> String {
        let options = users.enumerated().map { index, entry in
            let checked = index == 0 ? " checked" : ""
            return
                "<label><input type=\"radio\" name=\"user\" value=\"\(escape(entry.user.email))\"\(checked)> \(escape(entry.user.name)) (\(escape(entry.user.email)), \(escape(entry.organization)))</label><br>"
        }.joined(separator: "\n")
        return """
            <h1>Sign in to the Plenar sandbox</h1>
            <form method="post" action="/login/signin" id="signin">
            <p>Sign in as a demo user:</p>
            \(options)
            <p><label>Code shown by plenar login: <input name="code" id="code" value="\(escape(code))" autocomplete="off"></label></p>
            <p><button type="submit" id="signin-button">Sign in</button></p>
            </form>
            """
    }

    static func confirm(code: String, client: String, user: User, organization: String) -> String {
        func form(_ decision: String, _ label: String) -> String {
            """
            <form method="post" action="/login/decide" style="display:inline">
            <input type="hidden" name="code" value="\(escape(code))"><input type="hidden" name="user" value="\(escape(user.email))">
            <input type="hidden" name="decision" value="\(decision)"><button type="submit" id="\(decision)">\(label)</button>
            </form>
            """
        }
        return """
            <h1>Log in plenar?</h1>
            <p>Signed in as <strong id="user">\(escape(user.name)) (\(escape(user.email)))</strong>, \(escape(organization)).</p>
            <p>A command line (\(escape(client))) asks for a session. Check that it shows this code:</p>
            <p><code id="user-code">\(escape(code))</code></p>
            <p>Approve only if you started it. The session acts as you and ends after 24 hours without use.</p>
            \(form("approve", "Approve")) \(form("deny", "Deny"))
            """
    }

    static func message(_ title: String, _ text: String, id: String = "message") -> String {
        "<h1 id=\"\(id)\">\(escape(title))</h1>\n<p>\(escape(text))</p>"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.map(String.init).flatMap(decode) else { continue }
            fields[name] = parts.count > 1 ? decode(String(parts[1])) : ""
        }
        return fields
    }

    private static func decode(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
