import Foundation

/// An input an action declares.
public struct ActionInput: Sendable {
    public let name: String
    /// `default`, which may hold expressions; evaluated where the action is used.
    public let defaultValue: Template?
    public let required: Bool
}

/// A composite action (`runs.using: composite`) read from `action.yml` or `action.yaml`.
///
/// ``ActionDefinition`` reads any local action; a Docker action at a local path is an error.
public struct CompositeAction: Sendable {
    /// The action file, as messages name it.
    public let file: String
    /// The folder holding it: `github.action_path` while its steps run.
    public let directory: String
    public let name: String?
    public let inputs: [ActionInput]
    /// `outputs.<name>.value`, evaluated after the steps.
    public let outputs: [NamedTemplate]
    public let steps: [Step]

    /// Reads the action in `directory`.
    public static func load(directory: String) throws(DryRunError) -> CompositeAction {
        let (text, file) = try ActionDefinition.read(directory: directory)
        return try parse(text, file: file, directory: directory)
    }

    public static func parse(_ text: String, file: String, directory: String) throws(DryRunError) -> CompositeAction {
        let location = SourceLocation(file: file)
        let root = try YAMLNode.load(text, file: file)
        let pairs = try root.pairs("an action", at: location)
        try pairs.checkKeys(["name", "author", "description", "inputs", "outputs", "runs", "branding"], in: "action", at: location)
        guard let runsNode = pairs["runs"] else { throw location.error("runs: an action needs runs") }
        let runs = try runsNode.pairs("runs", at: location)
        let using = try runs["using"]?.string("runs.using", at: location) ?? ""
        guard using == "composite" else {
            throw location.error("runs.using: '\(using)' actions are not run by the dry run; only composite and node actions are")
        }
        try runs.checkKeys(["using", "steps"], in: "runs", at: location)

        let inputs = try ActionInput.parseList(pairs["inputs"], at: location)
        return CompositeAction(
            file: file,
            directory: directory,
            name: try pairs["name"]?.string("name", at: location),
            inputs: inputs,
            outputs: try Workflow.namedTemplates(pairs["outputs"], "outputs", at: location),
            steps: try Step.parseList(runs["steps"], inComposite: true, at: location)
        )
    }
}
