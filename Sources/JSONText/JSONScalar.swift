/// A value that is no container, decoded: what `JSONReader.value(scalar:array:object:)` hands
/// its caller to make a leaf of.
public enum JSONScalar: Equatable, Sendable {
    case string(String)
    /// Infinite when the text is too large for a double.
    case number(Double)
    case bool(Bool)
    case null
}
