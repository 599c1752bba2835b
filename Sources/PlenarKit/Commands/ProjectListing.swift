import FoundationEssentials
import PlenarAPI

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
