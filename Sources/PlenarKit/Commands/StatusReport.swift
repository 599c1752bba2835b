import FoundationEssentials
import PlenarAPI

/// What `status --json` prints: a documented, stable schema (README, "status --json").
public struct StatusReport: Codable, Equatable {
    public struct Key: Codable, Equatable {
        public var prefix: String
        @ExplicitNull public var expiresAt: String?
        @ExplicitNull public var lastUsedAt: String?

        enum CodingKeys: String, CodingKey {
            case prefix
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
        }
    }

    public var mode: String
    public var organization: OrganizationRef
    public var createdBy: String
    public var key: Key
    public var scopes: [Scope]
    public var scope: ProjectScope
    @ExplicitNull public var defaultProject: ProjectRef?
    public var apiURL: String
    /// The MCP client configs at the repository root.
    public var configs: [ConfigFileStatus] = []

    enum CodingKeys: String, CodingKey {
        case mode, organization, key, scopes, scope, configs
        case createdBy = "created_by"
        case defaultProject = "default_project"
        case apiURL = "api_url"
    }

    public init(_ whoami: WhoAmI, api: APIBaseURL) {
        mode = whoami.kind.modeName
        organization = whoami.organization
        createdBy = whoami.createdBy
        key = Key(prefix: whoami.key.prefix, expiresAt: whoami.key.expiresAt, lastUsedAt: whoami.key.lastUsedAt)
        scopes = whoami.scopes
        scope = whoami.scope
        defaultProject = whoami.defaultProject
        apiURL = api.base
    }

    /// The human form, for stdout. What the service says is shown with control characters escaped
    /// (`String.printable`): a name cannot forge a line or move the terminal's cursor.
    public var text: String {
        var lines = ["Connected to Plenar (\(mode) mode)", "Org: \(organization.name.printable)", "Created: \(createdBy.printable)"]
        switch scope.mode {
        case .allowlist: lines.append("Scope: \(scope.projects.count) project(s), allowlist enforced")
        case .all: lines.append("Scope: all \(scope.projects.count) project(s) of the organization")
        }
        lines += scope.projects.map { "• [\($0.key.printable)] \($0.name.printable)" }
        lines.append(
            "Default project: \(defaultProject.map { "[\($0.key.printable)] \($0.name.printable)" } ?? "none (name one with --project or PLENAR_PROJECT_ID)")"
        )
        lines.append("Permissions: \(scopes.map(\.rawValue.printable).joined(separator: ", "))")
        lines.append(
            "Key: \(key.prefix.printable)…, expires \((key.expiresAt ?? "never").printable), last used \((key.lastUsedAt ?? "never").printable)"
        )
        lines.append("API: \(apiURL)")
        lines += configs.filter(\.present).map { "Config \($0.text)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A Markdown summary for `GITHUB_STEP_SUMMARY`.
    public var markdown: String {
        let projects = scope.projects.map { "`\($0.key.printable)`" }.joined(separator: ", ")
        return """
            ### Plenar
            | | |
            |---|---|
            | Organization | \(organization.name.printable) |
            | Mode | \(mode) |
            | Projects | \(projects.isEmpty ? "none" : projects)\(scope.mode == .allowlist ? " (allowlist)" : "") |
            | Default project | \(defaultProject.map { "`\($0.key.printable)`" } ?? "none") |
            | Key expires | \(key.expiresAt ?? "never") |

            """
    }

    /// When the key expires within `window` of `now`, the date to warn about.
    public func expiryWarning(now: Date, window: TimeInterval = 14 * 86_400) -> String? {
        guard let text = key.expiresAt, let expires = Self.parse(text) else { return nil }
        let left = expires.timeIntervalSince(now)
        guard left <= window else { return nil }
        let days = max(0, Int((left / 86_400).rounded(.down)))
        return
            "the key \(key.prefix.printable)… expires on \(text.printable) (in \(days) day(s)): create a new key and update the PLENAR_TOKEN secret before then"
    }

    static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
