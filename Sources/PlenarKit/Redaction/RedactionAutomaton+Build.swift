extension RedactionAutomaton {
    typealias Entry = (bytes: [UInt8], replacement: Int, token: Int)

    /// The automaton for `patterns` (byte strings of 3 bytes or more, without duplicates, each
    /// with a `Secret.replacements` index) and the token prefixes. Builds straight into the final
    /// tables: the only other memory is a list of states one level deep.
    /// `longPatterns`, if any, are looked for beside it (`RedactingFilter`).
    convenience init(patterns: [(bytes: [UInt8], replacement: Int)], longPatterns: LongPatternIndex? = nil) {
        var entries = patterns.map { (bytes: $0.bytes, replacement: $0.replacement, token: -1) }
        entries += TokenRule.prefixes.map { (bytes: $0.bytes, replacement: -1, token: $0.replacement) }
        entries.sort { $0.bytes.lexicographicallyPrecedes($1.bytes) }
        var storage = Storage()
        storage.longPatterns = longPatterns
        storage.patternCount = patterns.count
        storage.longestPattern = max(TokenRule.minimumLength, patterns.map(\.bytes.count).max() ?? 0)
        let (parents, incoming) = Self.buildTrie(entries, into: &storage)
        Self.linkFailures(parents: parents, incoming: incoming, into: &storage)
        parents.deallocate()
        incoming.deallocate()
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
    /// Returns each state's parent and the byte that leads to it, for `linkFailures`.
    static func buildTrie(
        _ entries: [Entry], into storage: inout Storage
    ) -> (UnsafeMutableBufferPointer<UInt32>, UnsafeMutableBufferPointer<UInt8>) {
        let count = walk(entries, visit: { _, _, _, _ in }, end: { _, _ in })
        storage.stateCount = count
        let edges = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        let depth = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        let info = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        for buffer in [edges, depth, info] { buffer.initialize(repeating: 0) }
        _ = walk(
            entries,
            visit: { state, parent, _, level in
                edges[parent] += 1
                depth[state] = UInt32(level)
            },
            end: { state, entry in
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
        let parents = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count)
        let incoming = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: count)
        parents[0] = 0
        incoming[0] = 0
        _ = walk(
            entries,
            visit: { state, parent, byte, _ in
                parents[state] = UInt32(parent)
                incoming[state] = byte
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
        return (parents, incoming)
    }

    /// Failure links and outputs. Those of a state depend only on shallower states: its parent,
    /// the states on its parent's failure chain, its failure target. States are taken in their
    /// depth-first order, so that a pattern's states come one after another in memory; a
    /// shallower state not yet done is done first, from a stack. Each state is done once, and
    /// the failure chains walked along a pattern are no longer than the pattern: linear in the
    /// patterns' total length (`storage.buildSteps` counts the work). Level by level, which
    /// revisits every long pattern at each level all over memory, took 10% longer for 10,000
    /// secrets; either way the time goes to cache misses, a few per state.
    static func linkFailures(
        parents: UnsafeMutableBufferPointer<UInt32>, incoming: UnsafeMutableBufferPointer<UInt8>, into storage: inout Storage
    ) {
        let (edges, labels, targets, rootNext, info) = (
            storage.edges, storage.branchLabels, storage.branchTargets, storage.rootNext, storage.info
        )
        let depth = storage.depth
        let fail = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: storage.stateCount)
        fail.initialize(repeating: 0)
        // Set in `info` once a state is done: the flag and the output it guards share a cache line.
        let done: UInt32 = 0x8000_0000
        info[0] = done
        var outputs = [Output(length: 0, replacement: 0, tokenReplacement: -1)]
        var outputIndex: [Output: UInt32] = [:]
        var stack: [UInt32] = []
        var steps = 0

        for first in 1..<max(storage.stateCount, 1) where info[first] & done == 0 {
            stack.append(UInt32(first))
            while let last = stack.last {
                steps += 1
                let state = Int(last)
                let parent = Int(parents[state])
                if info[parent] & done == 0 {
                    stack.append(UInt32(parent))
                    continue
                }
                let byte = incoming[state]
                var target: UInt32 = 0
                var waiting: UInt32 = 0
                if parent != 0 {
                    var candidate = fail[parent]
                    while true {
                        steps += 1
                        if candidate == 0 {
                            target = rootNext[Int(byte)]
                            break
                        }
                        if let next = child(candidate, byte, edges: edges, labels: labels, targets: targets) {
                            target = next
                            break
                        }
                        if info[Int(candidate)] & done == 0 {
                            waiting = candidate
                            break
                        }
                        candidate = fail[Int(candidate)]
                    }
                }
                if waiting == 0, info[Int(target)] & done == 0 { waiting = target }
                if waiting != 0 {
                    stack.append(waiting)
                    continue
                }
                stack.removeLast()
                let ends = info[state]
                var output = outputs[Int(info[Int(target)] & ~done)]
                if ends & 0x0F != 0 {
                    output.length = Int(depth[state])
                    output.replacement = Int(ends & 0x0F) - 1
                }
                if ends >> 4 != 0 { output.tokenReplacement = Int(ends >> 4) - 1 }
                if output.length == 0, output.tokenReplacement < 0 {
                    info[state] = done
                } else if let index = outputIndex[output] {
                    info[state] = done | index
                } else {
                    info[state] = done | UInt32(outputs.count)
                    outputIndex[output] = UInt32(outputs.count)
                    outputs.append(output)
                }
                fail[state] = target
            }
        }
        for state in 0..<storage.stateCount { info[state] &= ~done }
        storage.fail = fail
        storage.outputs = outputs
        storage.buildSteps = steps
    }

    /// The prefilter's bitmaps: first four bytes (hashed) of every entry, first three of those
    /// of 3 bytes, first two and first one of every entry, the sampled four-byte groups and the
    /// eight-byte groups that confirm them (64 and 32 bits a group: a found sample takes a
    /// misprediction and a look around it).
    /// Four bytes, not three: base64 holds only 262,144 three-byte groups, so with many secrets
    /// (each adds a pattern for every 3 bytes of it, `Secret.wrappedBase64Forms`) most positions
    /// of base64 output would pass a three-byte filter.
    static func buildFilters(_ entries: [Entry], into storage: inout Storage) {
        // Sized for every entry, sampled group, distinct: set the bits straight, no set to hash.
        var bits: UInt32 = 16
        while bits < 21, (1 << bits) < entries.count * 128 { bits += 1 }
        storage.startShift = 32 - bits
        storage.startFilter = .allocate(capacity: 1 << (bits - 6))
        storage.startFilter.initialize(repeating: 0)
        storage.shortFilter = .allocate(capacity: 1 << 6)
        storage.shortFilter.initialize(repeating: 0)
        storage.pairFilter = .allocate(capacity: 1 << 10)
        storage.pairFilter.initialize(repeating: 0)
        storage.firstFilter = .allocate(capacity: 4)
        storage.firstFilter.initialize(repeating: 0)
        for entry in entries {
            let bytes = entry.bytes
            let key = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16
            if bytes.count >= 4 {
                let hash = ((key | UInt32(bytes[3]) << 24) &* Self.hashMultiplier) >> storage.startShift
                storage.startFilter[Int(hash >> 6)] |= 1 << UInt64(hash & 63)
            } else {
                let hash = (key &* Self.hashMultiplier) >> Self.shortShift
                storage.shortFilter[Int(hash >> 6)] |= 1 << UInt64(hash & 63)
                storage.hasShortPatterns = true
            }
            let pair = key & 0xFFFF
            storage.pairFilter[Int(pair >> 6)] |= 1 << UInt64(pair & 63)
            let first = key & 0xFF
            storage.firstFilter[Int(first >> 6)] |= 1 << UInt64(first & 63)
        }

        // Sampling: worth it when every pattern is long enough for a stride of 4 or more; the
        // stride balances the cost of a sample against the chance of checking a whole block.
        var shortest = Int.max
        for entry in entries where entry.replacement >= 0 { shortest = min(shortest, entry.bytes.count) }
        let patternCount = storage.patternCount
        let balanced = Int((Double(1 << 24) / Double(max(patternCount, 1))).squareRoot())
        storage.sampleStride = min(shortest - 3, balanced, 64)
        if storage.sampleStride < 4 { storage.sampleStride = 0 }
        bits = 12
        while bits < 22, (1 << bits) < patternCount * storage.sampleStride * 64 { bits += 1 }
        storage.sampleShift = 32 - (bits - 6)
        storage.sampleFilter = .allocate(capacity: 1 << (bits - 6))
        storage.sampleFilter.initialize(repeating: 0)
        // A sample at offset o of a pattern (o < stride) lies within the pattern's eight bytes at
        // o - 4 if o >= 4, else within those at o (o + 8 <= 11): all of them are in the filter.
        let wideLength = min(shortest, 8)
        storage.confirmsSamples = shortest >= 11 && storage.sampleStride >= 8
        let wideOffsets = storage.confirmsSamples ? storage.sampleStride - 4 : 1
        bits = 12
        while bits < 22, (1 << bits) < patternCount * wideOffsets * 32 { bits += 1 }
        storage.wideSlotMask = (1 << UInt64(bits)) - 1
        storage.wideMask = wideLength == 8 ? ~0 : (1 << UInt64(8 * wideLength)) - 1
        storage.wideFilter = .allocate(capacity: storage.sampleStride > 0 ? 1 << (bits - 6) : 0)
        storage.wideFilter.initialize(repeating: 0)
        for entry in entries where storage.sampleStride > 0 && entry.replacement >= 0 {
            let bytes = entry.bytes
            for offset in 0..<storage.sampleStride {
                let key =
                    UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3])
                    << 24
                storage.sampleFilter[Int((key &* Self.hashMultiplier) >> storage.sampleShift)] |= 1 << UInt64(key & 63)
            }
            for offset in 0..<wideOffsets {
                let wide = bytes[offset..<(offset + wideLength)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let slot = Self.wideSlot(wide) & storage.wideSlotMask
                storage.wideFilter[Int(slot >> 6)] |= 1 << (slot & 63)
            }
        }
    }
}
