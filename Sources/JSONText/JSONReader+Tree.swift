extension JSONReader {
    /// The whole document as the caller's tree, built without recursion: `scalar` makes a leaf
    /// (and may refuse one), `array` and `object` a container from its finished elements, each
    /// with the byte range it stands at and, for a container, where a trailing comma ends.
    /// Strings and member names are decoded as they are read, so the first problem in the text
    /// is the one reported. Nil when the document holds no value (white space or comments only).
    public mutating func value<Value>(
        scalar: (JSONScalar, Range<Int>) throws(JSONTextError) -> Value,
        array: (_ elements: [Value], _ range: Range<Int>, _ trailingCommaEnd: Int?) -> Value,
        object: (_ members: [JSONMember<Value>], _ range: Range<Int>, _ trailingCommaEnd: Int?) -> Value
    ) throws(JSONTextError) -> Value? {
        var open: [PartialContainer<Value>] = []
        var root: Value?
        while let event = try next() {
            let finished: Value
            switch event {
            case .objectStart:
                open.append(PartialContainer(isObject: true))
                continue
            case .arrayStart:
                open.append(PartialContainer(isObject: false))
                continue
            case let .key(range):
                open[open.count - 1].key = (try JSONString.unescape(bytes, range), range)
                continue
            case let .string(range): finished = try scalar(.string(JSONString.unescape(bytes, range)), range)
            case let .number(range): finished = try scalar(.number(number(range)), range)
            case let .bool(value, range): finished = try scalar(.bool(value), range)
            case let .null(range): finished = try scalar(.null, range)
            case let .end(range, trailingCommaEnd):
                let container = open.removeLast()
                finished =
                    container.isObject
                    ? object(container.members, range, trailingCommaEnd) : array(container.elements, range, trailingCommaEnd)
            }
            guard !open.isEmpty else {
                root = finished
                continue
            }
            open[open.count - 1].add(finished)
        }
        return root
    }
}

/// A container whose elements are still being read.
private struct PartialContainer<Value> {
    let isObject: Bool
    var elements: [Value] = []
    var members: [JSONMember<Value>] = []
    /// An object's member name, read, whose value is not.
    var key: (String, Range<Int>)?

    init(isObject: Bool) { self.isObject = isObject }

    mutating func add(_ value: Value) {
        if let (name, range) = key {
            members.append(JSONMember(key: name, keyRange: range, value: value))
            key = nil
        } else {
            elements.append(value)
        }
    }
}
