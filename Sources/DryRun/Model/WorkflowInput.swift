/// An input a workflow declares under `on.workflow_dispatch.inputs` or `on.workflow_call.inputs`.
///
/// The `inputs` context holds it typed: a `boolean` is true or false, a `number` a number,
/// anything else text. Left out, it takes its `default` (which may hold `${{ }}` with the
/// `github`, `inputs` and `vars` contexts), else false, 0 or ''; a `required` input left out with
/// no default is an error before anything runs.
public struct WorkflowInput: Sendable {
    public enum Kind: String, Sendable {
        case string, boolean, number, choice, environment
    }

    public let name: String
    public let kind: Kind
    public let required: Bool
    public let defaultValue: Template?
    /// A `choice` input's options.
    public let options: [String]

    static func parseList(
        _ node: YAMLNode?, in what: String, dispatch: Bool, at location: SourceLocation
    ) throws(DryRunError) -> [WorkflowInput] {
        var inputs: [WorkflowInput] = []
        for pair in try node?.pairs(what, at: location) ?? [] {
            let field = "\(what).\(pair.key)"
            let here = location.with(line: pair.value.line)
            let pairs = try pair.value.pairs(field, at: here)
            let allowed: Set<String> =
                dispatch ? ["description", "required", "default", "type", "options"] : ["description", "required", "default", "type"]
            try pairs.checkKeys(allowed, in: field, at: here)
            let typeName = try pairs["type"]?.string("\(field).type", at: here) ?? "string"
            let kinds: [Kind] = dispatch ? [.string, .boolean, .number, .choice, .environment] : [.string, .boolean, .number]
            guard let kind = Kind(rawValue: typeName), kinds.contains(kind) else {
                throw here.error("\(field).type: '\(typeName)' is not one of \(kinds.map(\.rawValue).joined(separator: ", "))")
            }
            let required = try pairs["required"]?.string("\(field).required", at: here)?.lowercased() == "true"
            var defaultValue: Template?
            if let text = try pairs["default"]?.string("\(field).default", at: here) {
                do {
                    defaultValue = try Template(text)
                } catch {
                    throw here.error("\(field).default", error)
                }
            }
            let options = try pairs["options"]?.strings("\(field).options", at: here) ?? []
            if kind == .choice, options.isEmpty { throw here.error("\(field): a choice input needs options") }
            inputs.append(WorkflowInput(name: pair.key, kind: kind, required: required, defaultValue: defaultValue, options: options))
        }
        return inputs
    }

    /// `value` as this input's type; the error says what was expected. `strict` (a value a
    /// reusable workflow's `with:` gives) takes no text for a boolean or a number: GitHub refuses
    /// the run ("Unexpected value 'false'"); `--input` values and defaults are text and converted.
    func typed(_ value: ExpressionValue, strict: Bool = false) -> Result<ExpressionValue, InputProblemMessage> {
        if strict, case .string(let text) = value, kind == .boolean || kind == .number {
            return .failure(
                InputProblemMessage(
                    "input '\(name)' is a \(kind == .boolean ? "boolean" : "number"): Unexpected value '\(text)' (a string; GitHub takes none here: "
                        + "give \(kind == .boolean ? "true or false" : "a number") unquoted, or convert it with fromJSON())"))
        }
        switch kind {
        case .boolean:
            if case .bool = value { return .success(value) }
            if value.isPrimitive, ["true", "false"].contains(value.text.lowercased()) {
                return .success(.bool(value.text.lowercased() == "true"))
            }
            return .failure(InputProblemMessage("input '\(name)' is a boolean: give true or false, not '\(value.text)'"))
        case .number:
            if case .number = value { return .success(value) }
            if case .string(let text) = value, !text.isEmpty, let number = ExpressionValue.parseNumber(text) {
                return .success(.number(number))
            }
            return .failure(InputProblemMessage("input '\(name)' is a number, not '\(value.text)'"))
        case .choice:
            guard options.contains(value.text) else {
                return .failure(InputProblemMessage("input '\(name)' is one of \(options.joined(separator: ", ")), not '\(value.text)'"))
            }
            return .success(.string(value.text))
        case .string, .environment:
            guard value.isPrimitive else { return .failure(InputProblemMessage("input '\(name)' is a string, not an \(value.text)")) }
            return .success(.string(value.text))
        }
    }

    /// The value of an input nobody gave and that has no default.
    var zeroValue: ExpressionValue {
        switch kind {
        case .boolean: .bool(false)
        case .number: .number(0)
        default: .string("")
        }
    }
}

/// What a reusable workflow declares under `on.workflow_call`: its inputs, the secrets it takes,
/// and its outputs (`value: ${{ jobs.<job>.outputs.<name> }}`).
public struct WorkflowCallInterface: Sendable {
    public struct Secret: Sendable {
        public let name: String
        public let required: Bool
    }

    public let inputs: [WorkflowInput]
    public let secrets: [Secret]
    public let outputs: [NamedTemplate]

    static func parse(_ node: YAMLNode, at location: SourceLocation) throws(DryRunError) -> WorkflowCallInterface {
        let pairs = try node.pairs("on.workflow_call", at: location.with(line: node.line))
        try pairs.checkKeys(["inputs", "secrets", "outputs"], in: "on.workflow_call", at: location.with(line: node.line))
        var secrets: [Secret] = []
        for pair in try pairs["secrets"]?.pairs("on.workflow_call.secrets", at: location) ?? [] {
            let secretPairs = try pair.value.pairs("on.workflow_call.secrets.\(pair.key)", at: location.with(line: pair.value.line))
            let required = try secretPairs["required"]?.string("required", at: location)?.lowercased() == "true"
            secrets.append(Secret(name: pair.key, required: required))
        }
        return WorkflowCallInterface(
            inputs: try WorkflowInput.parseList(pairs["inputs"], in: "on.workflow_call.inputs", dispatch: false, at: location),
            secrets: secrets,
            outputs: try Workflow.namedTemplates(pairs["outputs"], "on.workflow_call.outputs", at: location)
        )
    }
}
