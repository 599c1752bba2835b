/// The spool's files (see ``Spool``): one folder, small files, renames to agree between processes.
/// Every name is a plain file name inside `folder`.
public protocol SpoolStorage {
    /// The names in the folder (hidden ones left out); nil when it does not exist.
    func names(in folder: String) throws(FileError) -> [String]?
    /// Makes the folder (mode 0700, parents too) if missing, then adds `name` (mode 0600)
    /// atomically: no reader ever sees part of it.
    func add(_ name: String, in folder: String, bytes: [UInt8]) throws(FileError)
    /// Renames within the folder; false when `from` is gone (another process took it first).
    func move(_ from: String, to: String, in folder: String) throws(FileError) -> Bool
    /// At most `limit` + 1 bytes of the file; nil when it is gone.
    func read(_ name: String, in folder: String, limit: Int) throws(FileError) -> [UInt8]?
    /// Removes the file; false when it was already gone.
    @discardableResult
    func remove(_ name: String, in folder: String) -> Bool
}
