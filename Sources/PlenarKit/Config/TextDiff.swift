/// A unified diff of two texts, line by line, for `connect --dry-run`.
enum TextDiff {
    static func unified(old: [UInt8], new: [UInt8], path: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        let edits = script(a, b)
        guard edits.contains(where: { $0.kind != .same }) else { return "" }
        var output = "--- \(old.isEmpty ? "/dev/null" : "a/" + path)\n+++ b/\(path)\n"
        var index = 0
        while index < edits.count {
            guard edits[index].kind != .same else {
                index += 1
                continue
            }
            var start = max(0, index - context)
            var end = index
            // Extend the hunk while changes are no more than 2 × context lines apart.
            while end < edits.count {
                if edits[end].kind != .same {
                    end += 1
                    continue
                }
                var run = end
                while run < edits.count, edits[run].kind == .same { run += 1 }
                if run < edits.count, run - end <= 2 * context { end = run } else { break }
            }
            let stop = min(edits.count, end + context)
            while start > 0, edits[start - 1].kind != .same { start -= 1 }
            let hunk = edits[start..<stop]
            let oldStart = hunk.first.map { $0.oldLine } ?? 0
            let newStart = hunk.first.map { $0.newLine } ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            output +=
                "@@ -\(oldCount == 0 ? oldStart : oldStart + 1),\(oldCount) +\(newCount == 0 ? newStart : newStart + 1),\(newCount) @@\n"
            for edit in hunk {
                switch edit.kind {
                case .same: output += " " + edit.text
                case .delete: output += "-" + edit.text
                case .insert: output += "+" + edit.text
                }
                if !edit.text.hasSuffix("\n") { output += "\n\\ No newline at end of file\n" }
            }
            index = stop
        }
        return output
    }

    struct Edit {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var text: String
        var oldLine: Int
        var newLine: Int
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            result.append(String(decoding: bytes[start...index], as: UTF8.self))
            start = index + 1
        }
        if start < bytes.count { result.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return result
    }

    /// The edit script from a longest common subsequence of what lies between the common
    /// beginning and end (an entry's change is small; the file around it may not be).
    static func script(_ a: [String], _ b: [String]) -> [Edit] {
        var prefix = 0
        while prefix < min(a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < min(a.count, b.count) - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let aEnd = a.count - suffix
        let bEnd = b.count - suffix
        var table = [[Int]](repeating: [Int](repeating: 0, count: bEnd - prefix + 1), count: aEnd - prefix + 1)
        for i in stride(from: aEnd - 1, through: prefix, by: -1) {
            for j in stride(from: bEnd - 1, through: prefix, by: -1) {
                let (x, y) = (i - prefix, j - prefix)
                table[x][y] = a[i] == b[j] ? table[x + 1][y + 1] + 1 : max(table[x + 1][y], table[x][y + 1])
            }
        }
        var edits = (0..<prefix).map { Edit(kind: .same, text: a[$0], oldLine: $0, newLine: $0) }
        var i = prefix
        var j = prefix
        while i < aEnd || j < bEnd {
            if i < aEnd, j < bEnd, a[i] == b[j] {
                edits.append(Edit(kind: .same, text: a[i], oldLine: i, newLine: j))
                i += 1
                j += 1
            } else if j < bEnd, i == aEnd || table[i - prefix][j + 1 - prefix] >= table[i + 1 - prefix][j - prefix] {
                edits.append(Edit(kind: .insert, text: b[j], oldLine: i, newLine: j))
                j += 1
            } else {
                edits.append(Edit(kind: .delete, text: a[i], oldLine: i, newLine: j))
                i += 1
            }
        }
        edits += (0..<suffix).map { Edit(kind: .same, text: a[aEnd + $0], oldLine: aEnd + $0, newLine: bEnd + $0) }
        return edits
    }
}
