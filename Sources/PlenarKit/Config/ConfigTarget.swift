/// One file `connect` edits, and how.
protocol ConfigTarget: Sendable {
    /// The file, relative to the repository root.
    var file: String { get }
    /// The new text, or nil when it is already as it should be.
    func edit(_ original: [UInt8], server: MCPServer, force: Bool) throws(EditRefusal) -> [UInt8]?
}
