import FoundationEssentials

@testable import PlenarKit

/// The spool's folder in memory. `touched` records every call, so a test can prove the spool was
/// never used; `beforeMove` lets a test act as another process at the moment of a claim.
final class FakeSpool: SpoolStorage, @unchecked Sendable {
    /// The only folder it may be asked for; nil: any.
    var folder: String?
    var files: [String: [UInt8]] = [:]
    var exists = false
    var touched: [String] = []
    var failAdd = false
    /// Called with (from, to) before a rename: another process may take the file first.
    var beforeMove: ((String, String) -> Void)?

    init(folder: String? = nil) {
        self.folder = folder
    }

    private func check(_ folder: String, _ call: String) {
        touched.append(call)
        if let expected = self.folder { precondition(folder == expected, "the spool was asked for \(folder), not \(expected)") }
    }

    func names(in folder: String) throws(FileError) -> [String]? {
        check(folder, "names")
        return exists ? Array(files.keys) : nil
    }

    func add(_ name: String, in folder: String, bytes: [UInt8]) throws(FileError) {
        check(folder, "add")
        if failAdd { throw FileError(path: folder, reason: "No space left on device") }
        exists = true
        files[name] = bytes
    }

    func move(_ from: String, to: String, in folder: String) throws(FileError) -> Bool {
        check(folder, "move")
        beforeMove?(from, to)
        guard let bytes = files.removeValue(forKey: from) else { return false }
        files[to] = bytes
        return true
    }

    func read(_ name: String, in folder: String, limit: Int) throws(FileError) -> [UInt8]? {
        check(folder, "read")
        return files[name].map { Array($0.prefix(limit + 1)) }
    }

    @discardableResult
    func remove(_ name: String, in folder: String) -> Bool {
        check(folder, "remove")
        return files.removeValue(forKey: name) != nil
    }

    /// Names by state.
    var queued: [String] { files.keys.filter { $0.hasSuffix(".rec") }.sorted() }
    var claimed: [String] { files.keys.filter { $0.hasSuffix(".claimed") }.sorted() }
    var setAside: [String] { files.keys.filter { $0.hasSuffix(".corrupt") }.sorted() }
}

/// A source of names that never repeats, as the real random text does not.
final class Counter: @unchecked Sendable {
    var value = 0
    func next(_ length: Int) -> String {
        value += 1
        let text = String(value)
        return String(repeating: "n", count: max(0, length - text.count)) + text
    }
}
