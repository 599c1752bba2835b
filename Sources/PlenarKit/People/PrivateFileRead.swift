import FoundationEssentials
import PlenarAPI

/// A private file as found.
public enum PrivateFileRead: Equatable, Sendable {
    case absent
    /// There, but not to be trusted or replaced (a symbolic link, another user's, not a file): why.
    case refused(String)
    /// Ours, but readable by others (`mode`): not read; a new write replaces it.
    case exposed(mode: UInt32)
    case found(bytes: [UInt8], mode: UInt32)
}

extension PrivateFileRead {
    /// Why the file is not used, for a message; nil when it is absent or found.
    func problem(_ path: String) -> String? {
        switch self {
        case .absent, .found: nil
        case let .refused(reason): reason
        case let .exposed(mode):
            "its mode is \(mode.octalMode), so other users may read it: run chmod 600 \(path), or delete it and run plenar login"
        }
    }
}
