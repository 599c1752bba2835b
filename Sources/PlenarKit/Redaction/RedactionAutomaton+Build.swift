extension RedactionAutomaton {
    typealias Entry = (bytes: [UInt8], replacement: Int, token: Int)

    /// The automaton for `patterns` (byte strings of 3 bytes or more, without duplicates, each
    /// with a `Secret.replacements` index) and the token prefixes. Builds straight into the final
    /// tables: the only other memory is a list of states one level deep.
    convenience init(patterns: [(bytes: [UInt8], replacement: Int)]) {
        var entries = patterns.map { (bytes: $0.bytes, replacement: $0.replacement, token: -1) }
        entries += TokenRule.prefixes.map { (bytes: $0.bytes, replacement: -1, token: $0.replacement) }
        entries.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        var storage = Storage()
        storage.patternCount = patterns.count
        storage.longestPattern = max(TokenRule.minimumLength, patterns.map(\.bytes.count).max() ?? 0)
        Self.buildTrie(entries, into: &storage)
        Self.linkFailures(into: &storage)
        Self.buildFilters(entries, into: &storage)
        self.init(storage: storage)
    }

    /// Calls `visit(state, parent, byte, depth)` for each state of the trie of the sorted
    /// `entries`, numbered depth-first, and `end(state, entry)` where each entry ends. Returns
    /// the number of states.
    static func walk(_ entries: [Entry], visit: (Int, Int, UInt8, Int) -> Void, end: (Int, Entry) -> Void) -> Int {
        var path = [0]
        var previous: [UInt8] = []
        var next = 1
        for entry in entries {
            var common = 0
            while common < min(previous.count, entry.bytes.count), previous[common] == entry.bytes[common] { common += 1 }
            path.removeLast(path.count - common - 1)
            for index in common..<entry.bytes.count {
                visit(next, path[index], entry.bytes[index], index + 1)
                path.append(next)
                next += 1
            }
            end(path[entry.bytes.count], entry)
            previous = entry.bytes
        }
        return next
    }

    /// States, depths and edges; `info` holds what ends at each state until `linkFailures`: a
    /// pattern's replacement + 1 (low half of the byte), a token prefix's + 1 (high half).
    static func buildTrie(_ entries: [Entry], into storage: inout Storage) {
        let count = walk(entries, visit: { _, _, _, _ in }, end: { _, _ in })
        storage.stateCount = count
        let edges = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        let depth = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        let info = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        for buffer in [edges, depth, info] { buffer.initialize(repeating: 0) }
        _ = walk(entries, visit: { state, parent, _, level in
            edges[parent] += 1
            depth[state] = UInt32(level)
        }, end: { state, entry in
            if entry.replacement >= 0 { info[state] |= UInt32(entry.replacement + 1) }
            if entry.token >= 0 { info[state] |= UInt32(entry.token + 1) << 4 }
        })

        // A state with one child stores its byte; one with several gets a slot in the branch table.
        let pending: UInt32 = 0x4000_0000
        var branchSize = 0
        for state in 0..<count where edges[state] >= 2 { branchSize += 1 + Int(edges[state]) }
        let labels = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(branchSize, 1))
        let targets = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(branchSize, 1))
        labels.initialize(repeating: 0)
        targets.initialize(repeating: 0)
        var cursor = 0
        for state in 0..<count {
            switch edges[state] {
            case 0: edges[state] = leaf
            case 1: edges[state] = pending
            default:
                let children = Int(edges[state])
                targets[cursor] = UInt32(children)
                edges[state] = branch | UInt32(cursor)
                cursor += 1 + children
            }
        }
        let rootNext = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: 256)
        rootNext.initialize(repeating: 0)
        _ = walk(entries, visit: { state, parent, byte, _ in
            if parent == 0 { rootNext[Int(byte)] = UInt32(state) }
            if edges[parent] == pending {
                edges[parent] = UInt32(byte)
            } else {
                // The label slot before a branch's bytes counts the children filled in so far.
                let offset = Int(edges[parent] & ~branch)
                let slot = offset + 1 + Int(labels[offset])
                labels[offset] &+= 1
                labels[slot] = byte
                targets[slot] = UInt32(state)
            }
        }, end: { _, _ in })
        storage.edges = edges
        storage.depth = depth
        storage.info = info
        storage.branchLabels = labels
        storage.branchTargets = targets
        storage.rootNext = rootNext
    }

    /// Failure links and outputs, level by level: a state's failure link and its output depend
    /// only on shallower states.
    static func linkFailures(into storage: inout Storage) {
        let (edges, labels, targets, rootNext, info) = (storage.edges, storage.branchLabels, storage.branchTargets, storage.rootNext, storage.info)
        let depth = storage.depth
        let fail = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: storage.stateCount)
        fail.initialize(repeating: 0)
        var outputs = [Output(length: 0, replacement: 0, tokenReplacement: -1)]
        var outputIndex: [Output: UInt32] = [:]
        var level: [UInt32] = [0]
        var deeper: [UInt32] = []

        func link(_ state: UInt32, _ byte: UInt8, from parent: UInt32) {
            if parent != 0 {
                var candidate = fail[Int(parent)]
                while true {
                    if candidate == 0 {
                        fail[Int(state)] = rootNext[Int(byte)]
                        break
                    }
                    if let next = child(candidate, byte, edges: edges, labels: labels, targets: targets) {
                        fail[Int(state)] = next
                        break
                    }
                    candidate = fail[Int(candidate)]
                }
            }
            let ends = info[Int(state)]
            var output = outputs[Int(info[Int(fail[Int(state)])])]
            if ends & 0x0F != 0 {
                output.length = Int(depth[Int(state)])
                output.replacement = Int(ends & 0x0F) - 1
            }
            if ends >> 4 != 0 { output.tokenReplacement = Int(ends >> 4) - 1 }
            if output.length == 0, output.tokenReplacement < 0 {
                info[Int(state)] = 0
            } else if let index = outputIndex[output] {
                info[Int(state)] = index
            } else {
                info[Int(state)] = UInt32(outputs.count)
                outputIndex[output] = UInt32(outputs.count)
                outputs.append(output)
            }
            deeper.append(state)
        }

        while !level.isEmpty {
            for parent in level {
                let edge = edges[Int(parent)]
                if edge < leaf {
                    link(parent + 1, UInt8(edge), from: parent)
                } else if edge & branch != 0 {
                    let offset = Int(edge & ~branch)
                    for slot in (offset + 1)..<(offset + 1 + Int(targets[offset])) {
                        link(targets[slot], labels[slot], from: parent)
                    }
                }
            }
            swap(&level, &deeper)
            deeper.removeAll(keepingCapacity: true)
        }
        storage.fail = fail
        storage.outputs = outputs
    }

    /// The prefilter's bitmaps: first three bytes (hashed), first two, first one of every entry,
    /// and the sampled three-byte groups.
    static func buildFilters(_ entries: [Entry], into storage: inout Storage) {
        let keys = Set(entries.map { UInt32($0.bytes[0]) | UInt32($0.bytes[1]) << 8 | UInt32($0.bytes[2]) << 16 })
        var bits: UInt32 = 16
        while bits < 21, (1 << bits) < keys.count * 128 { bits += 1 }
        storage.startShift = 32 - bits
        storage.startFilter = .allocate(capacity: 1 << (bits - 6))
        storage.startFilter.initialize(repeating: 0)
        storage.pairFilter = .allocate(capacity: 1 << 10)
        storage.pairFilter.initialize(repeating: 0)
        storage.firstFilter = .allocate(capacity: 4)
        storage.firstFilter.initialize(repeating: 0)
        for key in keys {
            let hash = (key &* Self.hashMultiplier) >> storage.startShift
            storage.startFilter[Int(hash >> 6)] |= 1 << UInt64(hash & 63)
            let pair = key & 0xFFFF
            storage.pairFilter[Int(pair >> 6)] |= 1 << UInt64(pair & 63)
            let first = key & 0xFF
            storage.firstFilter[Int(first >> 6)] |= 1 << UInt64(first & 63)
        }

        // Sampling: worth it when every pattern is long enough for a stride of 4 or more; the
        // stride balances the cost of a sample against the chance of checking a whole block.
        let patterns = entries.filter { $0.replacement >= 0 }
        let shortest = patterns.map(\.bytes.count).min() ?? Int.max
        let balanced = Int((Double(1 << 22) / Double(max(patterns.count, 1))).squareRoot())
        storage.sampleStride = min(shortest - 2, balanced, 64)
        if storage.sampleStride < 4 { storage.sampleStride = 0 }
        var groups: Set<UInt32> = []
        for pattern in patterns where storage.sampleStride > 0 {
            for offset in 0..<storage.sampleStride {
                let bytes = pattern.bytes
                groups.insert(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16)
            }
        }
        bits = 12
        while bits < 21, (1 << bits) < groups.count * 16 { bits += 1 }
        storage.sampleShift = 32 - bits
        storage.sampleFilter = .allocate(capacity: 1 << (bits - 6))
        storage.sampleFilter.initialize(repeating: 0)
        for key in groups {
            let hash = (key &* Self.hashMultiplier) >> storage.sampleShift
            storage.sampleFilter[Int(hash >> 6)] |= 1 << UInt64(hash & 63)
        }
    }
}
