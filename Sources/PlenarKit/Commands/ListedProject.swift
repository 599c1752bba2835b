import FoundationEssentials
import PlenarAPI

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
