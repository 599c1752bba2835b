#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

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
        try AtomicFile.write(data, to: path, mode: 0o600)
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

/// Writes a file so that readers see the old bytes or the new ones, never a mix:
/// a unique temporary file in the same folder, fsync, rename over the target, fsync the folder.
public enum AtomicFile {
    public static func write(_ data: Data, to target: String, mode: mode_t) throws(SandboxError) {
        // Through a symlink to the file it names; a device or pipe (/dev/null) is written in place, never replaced.
        let path = realpath(target, nil).map { resolved in
            defer { free(resolved) }
            return String(cString: resolved)
        } ?? target
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            return try writeInPlace(data, to: path)
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(folder.isEmpty ? "/" : folder)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var failure: String?
        if fchmod(fd, mode) != 0 { failure = String(cString: strerror(errno)) }
        if failure == nil { failure = writeAll(data, to: fd) }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
        let folderFD = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    private static func writeInPlace(_ data: Data, to path: String) throws(SandboxError) {
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw .writeFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        if let failure = writeAll(data, to: fd) { throw .writeFailed(path: path, reason: failure) }
    }

    /// Writes every byte, retrying short writes and EINTR; returns the error text on failure.
    private static func writeAll(_ data: Data, to fd: Int32) -> String? {
        data.withUnsafeBytes { buffer -> String? in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
    }
}
