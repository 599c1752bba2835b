/// `--hooks claude`: Claude Code's events wired to `plenar hook`, in `.claude/settings.json`.
struct ClaudeHooks: ConfigTarget {
    static let events = ["SessionStart", "PostToolUse", "Stop"]

    var file: String { ".claude/settings.json" }

    /// One command hook an event, added once beside the user's own hooks and never changed after.
    var edits: [ArrayElementEdit] {
        Self.events.map { event in
            let command = "plenar hook \(event) || exit 1"
            return ArrayElementEdit(
                path: ["hooks", event],
                element: .object([("hooks", .array([.object([("type", "command"), ("command", .string(command))])]))]),
                matches: { entry in
                    (entry["hooks"]?.array ?? []).contains { $0["command"]?.string?.hasPrefix("plenar hook \(event)") == true }
                },
                mergeMatch: false
            )
        }
    }

    func edit(_ original: [UInt8], server: MCPServer, force: Bool) throws(EditRefusal) -> [UInt8]? {
        var text = original
        var changed = false
        for edit in edits {
            if let next = try JSONCFormat.json.applying(edit, to: text, force: force) {
                text = next
                changed = true
            }
        }
        return changed ? text : nil
    }
}
