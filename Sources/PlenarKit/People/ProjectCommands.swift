import FoundationEssentials
import PlenarAPI

/// `plenar project list|use|current`: the projects a credential reaches, and the person's pinned
/// default. The pin lives on the server, so agents configured by `connect` follow a switch on
/// their next call, with no config rewritten.
public struct ProjectCommand {
    public enum Action: Equatable {
        case list
        case use(String)
        case current
    }

    public var action: Action
    public var key: String?
    public var json: Bool

    public init(action: Action, key: String?, json: Bool) {
        self.action = action
        self.key = key
        self.json = json
    }

    public func run(_ context: PlenarContext) -> Int32 {
        let settings = Settings(context: context, token: key)
        return Invocation(context: context, kind: .probe, skipped: "project").run(settings, keyFlag: key != nil) {
            reporter throws(Failure) in
            let (token, api) = try settings.validated()
            let client = PlenarClient(api: api, token: token, timeout: settings.timeout, context: context)
            let whoami = try client.get("/whoami", as: WhoAmI.self)
            switch action {
            case .list:
                let projects = try client.get("/projects", as: ProjectList.self).projects
                let listed = projects.map { ListedProject(project: $0, isDefault: $0.id == whoami.defaultProject?.id) }
                if json {
                    reporter.result(
                        String(decoding: try encode(ProjectListing(projects: listed, defaultProject: whoami.defaultProject)), as: UTF8.self)
                            + "\n")
                } else {
                    let lines = listed.map { "\($0.isDefault ? "*" : " ") [\($0.project.key)] \($0.project.name)" }
                    reporter.result(lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
                    reporter.note(
                        "\(projects.count) project(s) reachable with \(whoami.kind.modeName) \(whoami.key.prefix)… from \(settings.tokenSource)"
                            + (whoami.defaultProject == nil ? "; no default" : "; * marks the default"))
                }
            case let .use(name):
                guard whoami.kind != .org else { throw .people(.orgKeyHasNoDefault(project: name)) }
                let answer: DefaultProject = try client.call(
                    "PUT", "/me/default-project", body: SetDefaultProject(project: name),
                    notFound: "project \(name) does not exist in \(whoami.organization.name): plenar project list shows the ones you reach",
                    as: DefaultProject.self
                )
                guard let project = answer.defaultProject else { throw .unavailable(.badResponse("the answer names no default project")) }
                if json {
                    reporter.result(String(decoding: try encode(answer), as: UTF8.self) + "\n")
                } else {
                    reporter.result("Default project for \(answer.user?.email ?? whoami.createdBy): [\(project.key)] \(project.name)\n")
                    reporter.note(
                        "commands and agents using this person's personal tokens or sessions reach it from their next call when they name no project"
                    )
                }
                if let pinned = context.env("PLENAR_PROJECT_ID") {
                    reporter.warning(
                        "PLENAR_PROJECT_ID=\(pinned.printable) is set in this environment and wins over the default here; unset it to follow the default"
                    )
                }
            case .current:
                let current = CurrentProject(whoami: whoami, environment: context.env("PLENAR_PROJECT_ID"))
                if json {
                    reporter.result(String(decoding: try encode(current), as: UTF8.self) + "\n")
                } else if let project = current.project {
                    reporter.result("[\(project.key)] \(project.name)\n")
                    reporter.note("from \(current.source)")
                } else if let named = current.named {
                    reporter.result("\(named)\n")
                    reporter.note("from \(current.source)")
                } else {
                    reporter.note(
                        whoami.kind == .org
                            ? "no project: organization keys have no default on purpose; set PLENAR_PROJECT_ID or pass --project"
                            : "no default project: plenar project use KEY pins one, or set PLENAR_PROJECT_ID")
                }
            }
        }
    }
}

struct ListedProject: Encodable {
    var project: ProjectRef
    var isDefault: Bool

    enum CodingKeys: String, CodingKey {
        case id, key, name
        case isDefault = "default"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(project.id, forKey: .id)
        try container.encode(project.key, forKey: .key)
        try container.encode(project.name, forKey: .name)
        try container.encode(isDefault, forKey: .isDefault)
    }
}

struct ProjectListing: Encodable {
    var projects: [ListedProject]
    var defaultProject: ProjectRef?

    enum CodingKeys: String, CodingKey {
        case projects
        case defaultProject = "default_project"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(projects, forKey: .projects)
        try container.encode(defaultProject, forKey: .defaultProject)
    }
}

/// What a call naming no project reaches, and why.
struct CurrentProject: Encodable {
    var project: ProjectRef?
    /// `PLENAR_PROJECT_ID` when it names a project not resolved here.
    var named: String?
    var source: String

    init(whoami: WhoAmI, environment: String?) {
        if let environment {
            let match = whoami.scope.projects.first { $0.id == environment || $0.key.lowercased() == environment.lowercased() }
            project = match
            named = match == nil ? environment : nil
            source = "PLENAR_PROJECT_ID"
        } else if let project = whoami.defaultProject {
            self.project = project
            source =
                switch whoami.kind {
                case .org, .oidc: "the key's only project"
                case .personal, .session: "the default of \(whoami.user?.email ?? whoami.createdBy)"
                }
        } else {
            source = "none"
        }
    }

    enum CodingKeys: String, CodingKey {
        case project, source
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let named {
            try container.encode(ProjectRef(id: named, key: named, name: named), forKey: .project)
        } else {
            try container.encode(project, forKey: .project)
        }
        try container.encode(source, forKey: .source)
    }
}
