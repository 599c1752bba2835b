import FoundationEssentials
import PlenarAPI

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
