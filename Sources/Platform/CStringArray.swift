/// A NULL-terminated array of C strings (argv, envp), freed with the value.
public final class CStringArray {
    public let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    /// Each string's bytes as they are (a NUL inside one ends it there, as the kernel would).
    public init(_ strings: [[UInt8]]) {
        pointers = .allocate(capacity: strings.count + 1)
        for (index, bytes) in strings.enumerated() {
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: source.count) }
            }
            copy[bytes.count] = 0
            pointers[index] = copy
        }
        pointers[strings.count] = nil
    }

    public convenience init(_ strings: [String]) {
        self.init(strings.map { Array($0.utf8) })
    }

    deinit {
        var index = 0
        while let string = pointers[index] {
            string.deallocate()
            index += 1
        }
        pointers.deallocate()
    }

    /// Calls `body` with `bytes` as one NUL-terminated C string.
    public static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
