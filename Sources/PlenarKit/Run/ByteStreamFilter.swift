/// A transformation applied to a byte stream as it flows, such as secret redaction of a child's
/// output. It passes bytes on as soon as it can and holds back only what it must.
public protocol ByteStreamFilter {
    /// Takes the next bytes of the stream; passes on, through `emit` (zero or more calls), every
    /// byte it can already release.
    mutating func process(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void)
    /// The stream has ended: passes on whatever it still holds.
    mutating func finish(emit: (UnsafeRawBufferPointer) -> Void)
}
