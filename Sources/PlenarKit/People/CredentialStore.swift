import FoundationEssentials
import PlenarAPI

/// Private files: the login credentials, a rotation's state, a key written with `--out`.
/// Written atomically (a temporary file beside the target, then a rename) with mode 0600; a
/// symbolic link or another user's file at the target is refused, never followed or replaced.
public protocol CredentialStore {
    func read(_ path: String) -> PrivateFileRead
    /// `privateFolder`: create the folder (mode 0700) if missing, and refuse one that is a
    /// symbolic link or another user's; otherwise the folder must exist.
    func write(_ bytes: [UInt8], to path: String, privateFolder: Bool) throws(FileError)
    /// Removes the file; a missing file is no error.
    func remove(_ path: String) throws(FileError)
}
