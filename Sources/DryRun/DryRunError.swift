/// Something the dry run cannot do, or a workflow or action file GitHub would reject. The message
/// names the file, the job or step, and the construct.
public struct DryRunError: Error, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Where in a workflow or action file something is, for messages:
/// `ci.yml, job build, step 2 "Deploy"`.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var job: String?
    public var step: String?
    public var line: Int?

    public init(file: String, job: String? = nil, step: String? = nil, line: Int? = nil) {
        self.file = file
        self.job = job
        self.step = step
        self.line = line
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let job { text += ", job \(job)" }
        if let step { text += ", \(step)" }
        return text
    }

    /// A step's name in a message: in double quotes, or single when it holds double quotes.
    static func quoted(_ name: String) -> String {
        name.contains("\"") && !name.contains("'") ? "'\(name)'" : "\"\(name)\""
    }

    func error(_ problem: String) -> DryRunError {
        DryRunError("\(self): \(problem)")
    }

    func error(_ construct: String, _ error: ExpressionError) -> DryRunError {
        DryRunError("\(self): \(construct): \(error)")
    }
}
