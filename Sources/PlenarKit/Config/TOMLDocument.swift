/// A TOML document read as far as plenar needs: it checks the whole file's syntax (so a broken
/// file is refused, never rewritten), and knows where each table starts and ends, so one table
/// can be replaced and every other byte kept.
struct TOMLDocument {
    struct Table {
        var path: [String]
        var isArrayTable: Bool
        /// From the header's first byte through the end of the table's last key line.
        var range: Range<Int>
        var entries: [Entry]

        var value: ConfigValue {
            .object(entries.filter { $0.key.count == 1 }.map { ($0.key[0], $0.value) })
        }
    }

    struct Entry {
        var key: [String]
        var value: ConfigValue
        /// The whole line (or lines, for a multi-line value), line break included.
        var lines: Range<Int>
    }

    let bytes: [UInt8]
    /// The root table (path `[]`, starting at 0) and then every table in file order.
    let tables: [Table]

    init(_ bytes: [UInt8]) throws(ConfigParseError) {
        self.bytes = bytes
        var parser = Parser(bytes: bytes)
        tables = try parser.document()
    }

    var newline: String {
        bytes.firstIndex(of: UInt8(ascii: "\n")).map { $0 > 0 && bytes[$0 - 1] == UInt8(ascii: "\r") ? "\r\n" : "\n" } ?? "\n"
    }

    func table(_ path: [String]) -> Table? {
        tables.first { $0.path == path }
    }
}
