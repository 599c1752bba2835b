import Foundation

/// A local action, as its `runs.using` makes it: a composite action or a JavaScript action.
///
/// Like the runner's `ActionManifestManager.ConvertRuns` (actions/runner,
/// src/Runner.Worker/ActionManifestManager.cs), `using` is compared ignoring case; `docker` is
/// refused, since no container engine is assumed.
public enum ActionDefinition: Sendable {
    case composite(CompositeAction)
    case node(NodeAction)

    /// Reads the action in `directory`.
    public static func load(directory: String) throws(DryRunError) -> ActionDefinition {
        let (text, file) = try read(directory: directory)
        return try parse(text, file: file, directory: directory)
    }

    public static func parse(_ text: String, file: String, directory: String) throws(DryRunError) -> ActionDefinition {
        let location = SourceLocation(file: file)
        let root = try YAMLNode.load(text, file: file)
        let pairs = try root.pairs("an action", at: location)
        let runs = try pairs["runs"]?.pairs("runs", at: location) ?? []
        let using = try runs["using"]?.string("runs.using", at: location) ?? ""
        if NodeAction.versions.contains(using.lowercased()) {
            return .node(try NodeAction.parse(pairs, file: file, directory: directory))
        }
        return .composite(try CompositeAction.parse(text, file: file, directory: directory))
    }

    /// The text of `action.yml` (else `action.yaml`) in `directory`, and its path.
    static func read(directory: String) throws(DryRunError) -> (text: String, file: String) {
        let candidates = ["action.yml", "action.yaml"].map { (directory as NSString).appendingPathComponent($0) }
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw DryRunError("\(directory): there is no action.yml or action.yaml")
        }
        do {
            return (try String(contentsOfFile: file, encoding: .utf8), file)
        } catch {
            throw DryRunError("\(file): cannot read it: \(error.localizedDescription)")
        }
    }
}

/// A JavaScript action (`runs.using: node12`, `node16`, `node20` or `node24`) read from
/// `action.yml`: the scripts the runner starts with node for its `pre`, main and `post` stages.
///
/// As in the runner (ActionManifestManager.cs, `ConvertRuns`): `main` is required; `pre-if` and
/// `post-if` default to `always()`; other keys under `runs` are ignored.
public struct NodeAction: Sendable {
    /// The `runs.using` values the runner runs with node. It runs `node12` and `node16` actions
    /// with node20 (src/Runner.Worker/Handlers/HandlerFactory.cs); the local run uses the
    /// machine's `node` for all four.
    static let versions: Set<String> = ["node12", "node16", "node20", "node24"]

    /// The action file, as messages name it.
    public let file: String
    /// The folder holding it; `main`, `pre` and `post` are relative to it.
    public let directory: String
    public let name: String?
    public let inputs: [ActionInput]
    /// `runs.using`, as written.
    public let using: String
    public let main: String
    public let pre: String?
    public let preCondition: Condition
    public let post: String?
    public let postCondition: Condition

    static func parse(_ pairs: [(key: String, value: YAMLNode)], file: String, directory: String) throws(DryRunError) -> NodeAction {
        let location = SourceLocation(file: file)
        try pairs.checkKeys(["name", "author", "description", "inputs", "outputs", "runs", "branding"], in: "action", at: location)
        let runs = try pairs["runs"]?.pairs("runs", at: location) ?? []
        let using = try runs["using"]?.string("runs.using", at: location) ?? ""
        guard let main = try runs["main"]?.string("runs.main", at: location), !main.isEmpty else {
            throw location.error(
                "runs.main: You are using a JavaScript Action but there is not an entry JavaScript file provided in \(file).")
        }
        func condition(_ key: String) throws(DryRunError) -> Condition {
            guard let text = try runs[key]?.string("runs.\(key)", at: location) else { return .always }
            do {
                return try Condition(text)
            } catch {
                throw location.error("runs.\(key)", error)
            }
        }
        func script(_ key: String) throws(DryRunError) -> String? {
            guard let text = try runs[key]?.string("runs.\(key)", at: location), !text.isEmpty else { return nil }
            return text
        }
        return NodeAction(
            file: file, directory: directory, name: try pairs["name"]?.string("name", at: location),
            inputs: try ActionInput.parseList(pairs["inputs"], at: location), using: using, main: main,
            pre: try script("pre"), preCondition: try condition("pre-if"),
            post: try script("post"), postCondition: try condition("post-if")
        )
    }

    /// The script of a stage, as the runner resolves it: relative to the action's folder.
    func path(of script: String) -> String {
        script.hasPrefix("/") ? script : (directory as NSString).appendingPathComponent(script)
    }
}

extension ActionInput {
    /// `inputs` of an action file: each input's `default` (a template) and `required`.
    static func parseList(_ node: YAMLNode?, at location: SourceLocation) throws(DryRunError) -> [ActionInput] {
        var inputs: [ActionInput] = []
        for pair in try node?.pairs("inputs", at: location) ?? [] {
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
        return inputs
    }
}

extension Condition {
    /// `always()`: the default `pre-if` and `post-if`.
    static let always = try! Condition("always()")
}
