/// The identity filter (`plenar run --no-redact`).
public struct PassThroughFilter: ByteStreamFilter {
    public init() {}

    public mutating func process(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        if !bytes.isEmpty { emit(bytes) }
    }

    public mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {}
}
