import FoundationEssentials
import Platform

/// Errors that stop the sandbox from starting or saving.
public enum SandboxError: Error, CustomStringConvertible, Equatable {
    case corruptState(path: String, reason: String)
    case unreadableState(path: String, reason: String)
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .corruptState(path, reason):
            "state file \(path) is not valid sandbox state (\(reason)); it was left untouched: move it aside or delete it to start fresh"
        case let .unreadableState(path, reason):
            "cannot read state file \(path): \(reason)"
        case let .writeFailed(path, reason):
            "cannot write \(path): \(reason)"
        }
    }
}

/// The `--state` file: read once at start, replaced atomically on every save.
public struct StateFile: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The saved state, or nil when the file does not exist yet.
    func load() throws(SandboxError) -> SandboxState? {
        let data: Data
        do {
            data = try Data(contentsOf: URL(filePath: path))
        } catch {
            if access(path, F_OK) != 0 { return nil }
            throw .unreadableState(path: path, reason: "\(error)")
        }
        let state: SandboxState
        do {
            state = try JSONDecoder.sandbox().decode(SandboxState.self, from: data)
        } catch {
            throw .corruptState(path: path, reason: Self.describe(error))
        }
        guard state.version == SandboxState.currentVersion else {
            throw .corruptState(path: path, reason: "version \(state.version), expected \(SandboxState.currentVersion)")
        }
        return state
    }

    func save(_ state: SandboxState) throws(SandboxError) {
        let data: Data
        do {
            data = try JSONEncoder.sandbox().encode(state)
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
        do throws(PlatformError) {
            try AtomicFile.write(data, to: path, mode: 0o600)
        } catch {
            throw .writeFailed(path: path, reason: error.description)
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case let .dataCorrupted(context)?: context.debugDescription
        case let .keyNotFound(key, _)?: "missing field \(key.stringValue)"
        case let .typeMismatch(_, context)?, let .valueNotFound(_, context)?:
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
