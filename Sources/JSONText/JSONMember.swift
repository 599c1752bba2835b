/// An object's member as `JSONReader.value(scalar:array:object:)` hands it over: the decoded
/// name, where the name stands (quotes included), and the caller's value.
public struct JSONMember<Value> {
    public var key: String
    public var keyRange: Range<Int>
    public var value: Value
}
