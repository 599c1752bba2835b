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
/// Only composite actions run; a JavaScript or Docker action at a local path is an error.
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
        let candidates = ["action.yml", "action.yaml"].map { (directory as NSString).appendingPathComponent($0) }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw DryRunError("\(directory): there is no action.yml or action.yaml")
        }
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw DryRunError("\(file): cannot read it: \(error.localizedDescription)")
        }
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
            throw location.error("runs.using: '\(using)' actions are not run by the dry run; only composite actions are")
        }
        try runs.checkKeys(["using", "steps"], in: "runs", at: location)

        var inputs: [ActionInput] = []
        for pair in try pairs["inputs"]?.pairs("inputs", at: location) ?? [] {
            let inputPairs = try pair.value.pairs("inputs.\(pair.key)", at: location)
            var defaultValue: Template?
            if let text = try inputPairs["default"]?.string("inputs.\(pair.key).default", at: location) {
                do {
                    defaultValue = try Template(text)
                } catch {
                    throw location.error("inputs.\(pair.key).default", error)
                }
            }
            let required = try inputPairs["required"]?.string("inputs.\(pair.key).required", at: location)
            inputs.append(
                ActionInput(
                    name: pair.key, defaultValue: defaultValue, required: ["true", "yes", "on"].contains(required?.lowercased() ?? "")))
        }
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
