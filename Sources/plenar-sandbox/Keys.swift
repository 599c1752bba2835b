import ArgumentParser
import Foundation
import PlenarAPI
import PlenarSandbox

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Mint, revoke and list keys of a running sandbox through its admin API.",
        subcommands: [Mint.self, Revoke.self, List.self]
    )

    struct Target: ParsableArguments {
        @Option(help: "The sandbox's URL, with or without /v1 (default: PLENAR_API_URL).")
        var url: String?

        func client() throws -> AdminClient {
            guard let url = url ?? ProcessInfo.processInfo.environment["PLENAR_API_URL"], !url.isEmpty else {
                throw ValidationError("set --url or PLENAR_API_URL to the sandbox's address")
            }
            guard let client = AdminClient(url: url) else { throw ValidationError("--url \(url) is not an http URL") }
            return client
        }
    }

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key and print {id, token} as JSON: the only time the token is shown.",
            discussion: "Example: plenar-sandbox keys mint --url $PLENAR_API_URL --org Acme --project PLEN-DEMO --scope signals:write"
        )

        @OptionGroup var target: Target

        @Option(help: "Organization name; created when new.")
        var org = "Acme"

        @Option(help: "org (pko_) or personal (plt_).")
        var kind: TokenKind = .org

        @Option(help: "The creator's email (the user of a personal token).")
        var email: String?

        @Option(name: .customLong("project"), help: "A project the key may reach (repeat); none means every project.")
        var projects: [String] = []

        @Option(
            name: .customLong("scope"), help: "A scope (repeat): signals:write, hooks:write, runs:write, projects:read; none means all.")
        var scopes: [String] = []

        @Option(help: "Expiry as an RFC 3339 timestamp.")
        var expiresAt: String?

        @Option(help: "A personal token's default project.")
        var defaultProject: String?

        @Option(help: "A description shown in listings.")
        var description: String?

        func run() async throws {
            let request = MintKeyRequest(
                org: org, kind: kind, userEmail: email, projects: projects.isEmpty ? nil : projects,
                scopes: scopes.isEmpty ? nil : scopes, expiresAt: expiresAt, defaultProject: defaultProject,
                description: description
            )
            try await target.client().send("POST", "/_sandbox/keys", body: try JSONEncoder().encode(request))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; its next request gets 401 token_revoked.")

        @OptionGroup var target: Target

        @Argument(help: "The key's id (see keys list).")
        var id: String

        func run() async throws {
            try await target.client().send("POST", "/_sandbox/keys/\(id)/revoke")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys as JSON, without their secrets.")

        @OptionGroup var target: Target

        func run() async throws {
            try await target.client().send("GET", "/_sandbox/keys")
        }
    }
}

extension TokenKind: ExpressibleByArgument {}
