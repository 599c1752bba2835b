import Platform

/// The spool on disk, through ``PrivateFolder``.
public struct LocalSpoolStorage: SpoolStorage {
    public init() {}

    public func names(in folder: String) throws(FileError) -> [String]? {
        do throws(PlatformError) {
            return try PrivateFolder.names(folder)
        } catch {
            throw FileError(path: folder, reason: error.description, action: "read")
        }
    }

    public func add(_ name: String, in folder: String, bytes: [UInt8]) throws(FileError) {
        do throws(PrivateFolder.Problem) {
            try PrivateFolder.prepare(folder)
        } catch {
            switch error {
            case let .system(failure): throw FileError(path: folder, reason: failure.description)
            case let .untrusted(reason): throw FileError(path: folder, reason: "refused: \(reason)")
            }
        }
        do throws(PlatformError) {
            try PrivateFolder.add(name, in: folder, bytes: bytes)
        } catch {
            throw FileError(path: folder + "/" + name, reason: error.description)
        }
    }

    public func move(_ from: String, to: String, in folder: String) throws(FileError) -> Bool {
        do throws(PlatformError) {
            return try PrivateFolder.move(from, to: to, in: folder)
        } catch {
            throw FileError(path: folder + "/" + from, reason: error.description, action: "rename")
        }
    }

    public func read(_ name: String, in folder: String, limit: Int) throws(FileError) -> [UInt8]? {
        do throws(PlatformError) {
            return try PrivateFolder.read(name, in: folder, limit: limit)
        } catch {
            throw FileError(path: folder + "/" + name, reason: error.description, action: "read")
        }
    }

    @discardableResult
    public func remove(_ name: String, in folder: String) -> Bool {
        PrivateFolder.remove(name, in: folder)
    }
}
