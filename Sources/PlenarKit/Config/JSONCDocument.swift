import JSONText

/// A JSON (or JSONC: comments and trailing commas) document that remembers where every value
/// stands in its text, so plenar can change one entry and leave every other byte as it was:
/// other servers, unknown keys, key order, comments, indentation and line endings. The text is
/// read by the package's one JSON reader (`JSONText`), with comments and trailing commas for
/// JSONC, a byte order mark skipped, and at most 256 levels of nesting.
struct JSONCDocument {
    /// A value and the byte range of its text.
    struct Node {
        enum Kind {
            case object([Member])
            case array([Node])
            case scalar(ConfigValue)
        }

        var kind: Kind
        var range: Range<Int>
        /// For a container: where its last element's text ends, past any trailing comma.
        var trailingCommaEnd: Int?

        var value: ConfigValue {
            switch kind {
            case let .object(members): .object(members.map { ($0.key, $0.value.value) })
            case let .array(items): .array(items.map(\.value))
            case let .scalar(value): value
            }
        }

        var isObject: Bool {
            if case .object = kind { return true }
            return false
        }
    }

    struct Member {
        var key: String
        var keyRange: Range<Int>
        var value: Node
    }

    let bytes: [UInt8]
    let allowsComments: Bool
    /// Nil when the file is empty or only whitespace (and comments): edited as `{}`.
    let root: Node?

    init(_ bytes: [UInt8], allowsComments: Bool) throws(ConfigParseError) {
        self.bytes = bytes
        self.allowsComments = allowsComments
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let options = JSONReader.Options(
            allowsComments: allowsComments, allowsTrailingCommas: allowsComments, maximumDepth: 256, checksSurrogatePairs: true)
        var reader = JSONReader(bytes, from: start, options: options)
        do throws(JSONTextError) {
            root = try reader.value(
                scalar: { scalar, range in Node(kind: .scalar(ConfigValue(scalar)), range: range) },
                array: { items, range, trailing in Node(kind: .array(items), range: range, trailingCommaEnd: trailing) },
                object: { members, range, trailing in
                    Node(
                        kind: .object(members.map { Member(key: $0.key, keyRange: $0.keyRange, value: $0.value) }), range: range,
                        trailingCommaEnd: trailing)
                })
        } catch {
            throw ConfigParseError(at: error.offset, in: bytes, error.reason)
        }
    }

    /// The node at a path of object keys, if every step exists.
    func node(at path: [String]) -> Node? {
        var node = root
        for key in path {
            guard case let .object(members)? = node?.kind, let member = members.last(where: { $0.key == key }) else { return nil }
            node = member.value
        }
        return node
    }

    var newline: String {
        bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 > 0 && bytes[$0 - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n" } ?? "\n"
    }
}
