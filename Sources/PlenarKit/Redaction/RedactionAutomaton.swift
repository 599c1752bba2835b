/// Every pattern of a redactor in one Aho-Corasick automaton over bytes, laid out to stay small:
/// states are numbered depth-first, so a state's first child is the next state and a state with a
/// single child (most of them: patterns are long and share little) stores only that child's byte.
/// States with more children list them in a shared sorted table; the root has a dense table.
/// A state's output is the longest pattern ending there (enough to mask the union of matches)
/// and whether a token prefix ends there.
///
/// A prefilter keeps the automaton out of ordinary text. At the root, a position is looked at only
/// if a bitmap of the patterns' first four bytes (hashed; three for a pattern of 3) says a pattern
/// may start there. When all patterns are long, the text is first sampled every `sampleStride`
/// bytes, four samples at a time: a block of starts is checked one by one (against the patterns'
/// first eight bytes) only if its sample is a four-byte group found near the start of some pattern
/// and the eight bytes around the sample are found there too, or if a token prefix starts in it
/// (too short to sample, they are looked for on their own, 64 bytes at a time).
///
/// Immutable once built, so shared freely; the storage is raw memory read without bounds checks
/// in the scanning loop.
final class RedactionAutomaton: @unchecked Sendable {
    struct Output: Hashable {
        /// The longest pattern ending here (0: none) and its replacement.
        var length: Int
        var replacement: Int
        /// The replacement of the token prefix ending here, or -1.
        var tokenReplacement: Int
    }

    static let leaf: UInt32 = 256
    static let branch: UInt32 = 0x8000_0000
    static let hashMultiplier: UInt32 = 0x9E37_79B1
    static let wideMultiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    let stateCount: Int
    /// Per state: a byte (< 256, the only child is the next state), `leaf`, or `branch | offset`
    /// into `branchTargets` (count, then the targets) and `branchLabels` (unused, then the bytes).
    let edges: UnsafeMutableBufferPointer<UInt32>
    let fail: UnsafeMutableBufferPointer<UInt32>
    let depth: UnsafeMutableBufferPointer<UInt32>
    /// Per state: 0, or an index into `outputs`.
    let info: UnsafeMutableBufferPointer<UInt32>
    let branchLabels: UnsafeMutableBufferPointer<UInt8>
    let branchTargets: UnsafeMutableBufferPointer<UInt32>
    let rootNext: UnsafeMutableBufferPointer<UInt32>
    let outputs: [Output]
    /// Bitmaps: hashed first four bytes of every pattern of 4 bytes or more, hashed first three
    /// of every pattern of 3 (if any), first two bytes and first byte of every pattern.
    let startFilter: UnsafeMutableBufferPointer<UInt64>
    let startShift: UInt32
    let shortFilter: UnsafeMutableBufferPointer<UInt64>
    static let shortShift: UInt32 = 32 - 12
    let hasShortPatterns: Bool
    /// Four-byte groups at offsets 0 through `sampleStride - 1` of every pattern; a stride of 0
    /// turns sampling off. A group's hash picks a word (`sampleShift` takes it from the product),
    /// the low six bits of its first byte the bit: one step less than a bit by the hash.
    let sampleStride: Int
    let sampleFilter: UnsafeMutableBufferPointer<UInt64>
    let sampleShift: UInt32
    /// When sampling: hashed groups of `wideLength` bytes (8, or the shortest pattern's length)
    /// of every pattern, at its start and, with `confirmsSamples`, at every offset below
    /// `sampleStride - 4`; `wideMask` keeps `wideLength` bytes of eight.
    let wideFilter: UnsafeMutableBufferPointer<UInt64>
    let wideSlotMask: UInt64
    let wideMask: UInt64
    /// Whether a found sample is checked again through the eight bytes around it (`scanBlock`):
    /// all patterns of 11 bytes or more and a stride of 8 or more.
    let confirmsSamples: Bool
    let pairFilter: UnsafeMutableBufferPointer<UInt64>
    let firstFilter: UnsafeMutableBufferPointer<UInt64>
    /// Including the token rule's shortest match and the long patterns.
    let longestPattern: Int
    /// The long patterns of a large secret set, looked for beside the automaton.
    let longPatterns: LongPatternIndex?
    let patternCount: Int
    /// Steps `linkFailures` took: linear in the patterns' total length (a test holds it to that).
    let buildSteps: Int
    /// `pko_`, `plt_`, `pls_` and `pke_` as little-endian words.
    let tokenPrefixWords: (UInt32, UInt32, UInt32, UInt32)
    /// Each prefix's first three bytes, each repeated 16 times, for `nextTokenPrefix`.
    let tokenPrefixLanes: UnsafeMutableBufferPointer<SIMD16<UInt8>>

    deinit {
        for buffer in [edges, fail, depth, info, branchTargets, rootNext] { buffer.deallocate() }
        for buffer in [startFilter, shortFilter, sampleFilter, wideFilter, pairFilter, firstFilter] { buffer.deallocate() }
        branchLabels.deallocate()
        tokenPrefixLanes.deallocate()
    }

    /// Bytes held by the automaton's tables and the long patterns' index.
    var byteCount: Int {
        (longPatterns?.byteCount ?? 0) + 4 * (edges.count + fail.count + depth.count + info.count + branchTargets.count + rootNext.count)
            + branchLabels.count
            + 8 * (startFilter.count + shortFilter.count + sampleFilter.count + wideFilter.count + pairFilter.count + firstFilter.count)
            + outputs.count * MemoryLayout<Output>.stride
    }

    @inline(__always)
    func child(_ state: UInt32, _ byte: UInt8) -> UInt32? {
        Self.child(state, byte, edges: edges, labels: branchLabels, targets: branchTargets)
    }

    @inline(__always)
    static func child(
        _ state: UInt32, _ byte: UInt8, edges: UnsafeMutableBufferPointer<UInt32>,
        labels: UnsafeMutableBufferPointer<UInt8>, targets: UnsafeMutableBufferPointer<UInt32>
    ) -> UInt32? {
        let edge = edges[Int(state)]
        if edge < leaf {
            return edge == UInt32(byte) ? state &+ 1 : nil
        }
        guard edge & branch != 0 else { return nil }
        let offset = Int(edge & ~branch)
        var low = offset + 1
        var high = low + Int(targets[offset])
        while high - low > 8 {
            let middle = (low + high) / 2
            if labels[middle] <= byte { low = middle } else { high = middle }
        }
        while low < high {
            let label = labels[low]
            if label == byte { return targets[low] }
            if label > byte { return nil }
            low += 1
        }
        return nil
    }

    /// The state after `byte`.
    @inline(__always)
    func step(_ state: UInt32, _ byte: UInt8) -> UInt32 {
        var state = state
        while state != 0 {
            if let next = child(state, byte) { return next }
            state = fail[Int(state)]
        }
        return rootNext[Int(byte)]
    }

    /// The first position at or after `start` where a pattern may begin, or `count`. At the
    /// chunk's last three positions the exact first-two-bytes and first-byte sets decide.
    /// `underscores`: kept by the caller for the chunk, so that each byte is looked at once: no
    /// token prefix has its "_" in `from..<at`, and one has it at `at` (or `at` is `count`).
    /// Start with `from` at `Int.max`.
    @inline(__always)
    func skip(_ bytes: UnsafeRawPointer, from start: Int, count: Int, underscores: inout (from: Int, at: Int)) -> Int {
        var index = start
        let stride = sampleStride
        if stride > 0 {
            if index + 3 < underscores.from || underscores.at < index + 3 {
                underscores = (index + 3, nextTokenPrefix(bytes, from: index + 3, count: count))
            }
            let prefixEnd = underscores.at
            let span = 4 &* stride
            // Four blocks at a time while no token prefix is near.
            let groupLimit = min(count &- span &- 11, prefixEnd &- span &- 3)
            while index &+ stride &+ 11 <= count {
                if index <= groupLimit {
                    let (block, found) = skipGroups(bytes, from: index, limit: groupLimit)
                    index = block
                    if found {
                        // A found sample costs a misprediction and a look at the eight bytes around it.
                        if let start = scanFoundBlock(bytes, at: block, prefixEnd: prefixEnd) { return start }
                        index &+= stride
                        continue
                    }
                }
                if let start = scanBlock(bytes, at: index, prefixEnd: prefixEnd) { return start }
                index &+= stride
            }
        }
        while index + 4 <= count {
            if mayStart(bytes, at: index) { return index }
            index += 1
        }
        while index < count {
            let first = UInt32(bytes.load(fromByteOffset: index, as: UInt8.self))
            switch count - index {
            case 1:
                if firstFilter[Int(first &>> 6)] & (1 &<< UInt64(first & 63)) != 0 { return index }
            default:
                let pair = first | UInt32(bytes.load(fromByteOffset: index + 1, as: UInt8.self)) << 8
                if pairFilter[Int(pair &>> 6)] & (1 &<< UInt64(pair & 63)) != 0 { return index }
            }
            index += 1
        }
        return count
    }

    /// From `start`, four blocks at a time while the start is at most `limit`: the first block
    /// whose sample is found, or the first start past `limit`. Four independent samples, each
    /// branch rarely taken; a function of its own, so that its few values stay in registers.
    @inline(never)
    func skipGroups(_ bytes: UnsafeRawPointer, from start: Int, limit: Int) -> (block: Int, found: Bool) {
        let stride = sampleStride
        let samples = sampleFilter.baseAddress!
        let shift = sampleShift
        var index = start
        while index <= limit {
            let first = bytes + (index &+ stride &- 1)
            let key0 = UInt32(littleEndian: first.loadUnaligned(as: UInt32.self))
            let key1 = UInt32(littleEndian: (first + stride).loadUnaligned(as: UInt32.self))
            let key2 = UInt32(littleEndian: (first + 2 &* stride).loadUnaligned(as: UInt32.self))
            let key3 = UInt32(littleEndian: (first + 3 &* stride).loadUnaligned(as: UInt32.self))
            let word0 = samples[Int((key0 &* Self.hashMultiplier) &>> shift)]
            let word1 = samples[Int((key1 &* Self.hashMultiplier) &>> shift)]
            let word2 = samples[Int((key2 &* Self.hashMultiplier) &>> shift)]
            let word3 = samples[Int((key3 &* Self.hashMultiplier) &>> shift)]
            if word0 & (1 &<< UInt64(key0 & 63)) != 0 { return (index, true) }
            if word1 & (1 &<< UInt64(key1 & 63)) != 0 { return (index &+ stride, true) }
            if word2 & (1 &<< UInt64(key2 & 63)) != 0 { return (index &+ 2 &* stride, true) }
            if word3 & (1 &<< UInt64(key3 & 63)) != 0 { return (index &+ 3 &* stride, true) }
            index &+= 4 &* stride
        }
        return (index, false)
    }

    /// The first position of the block of `sampleStride` starts at `index` where a pattern may
    /// begin, or nil; `prefixEnd` is the "_" of the next token prefix, at `index + 3` or later.
    /// Its starts are looked at only if its sample is a four-byte group found near the start of
    /// some pattern (then `scanFoundBlock`). Reads up to `index + sampleStride + 7`.
    @inline(__always)
    func scanBlock(_ bytes: UnsafeRawPointer, at index: Int, prefixEnd: Int) -> Int? {
        let end = index &+ sampleStride
        let key = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: end &- 1, as: UInt32.self))
        if sampleFilter[Int((key &* Self.hashMultiplier) &>> sampleShift)] & (1 &<< UInt64(key & 63)) != 0 {
            return scanFoundBlock(bytes, at: index, prefixEnd: prefixEnd)
        }
        return prefixEnd &- 3 < end ? prefixEnd &- 3 : nil
    }

    /// `scanBlock` for a block whose sample is found: with `confirmsSamples`, the eight bytes
    /// ending or starting with the sample must be in `wideFilter` too; then each start up to the
    /// next token prefix is looked at through its first `wideLength` bytes.
    @inline(__always)
    func scanFoundBlock(_ bytes: UnsafeRawPointer, at index: Int, prefixEnd: Int) -> Int? {
        let end = index &+ sampleStride
        let tokenStart = min(prefixEnd &- 3, end)
        let sample = end &- 1
        if !confirmsSamples || isWide(bytes, at: sample &- 4) || isWide(bytes, at: sample) {
            var candidate = index
            while candidate < tokenStart {
                if isWide(bytes, at: candidate) { return candidate }
                candidate &+= 1
            }
        }
        return tokenStart < end ? tokenStart : nil
    }

    /// Whether the `wideLength` bytes at `index` are in `wideFilter`; reads eight bytes.
    @inline(__always)
    func isWide(_ bytes: UnsafeRawPointer, at index: Int) -> Bool {
        let key = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
        let slot = Self.wideSlot(key & wideMask) & wideSlotMask
        return wideFilter[Int(slot &>> 6)] & (1 &<< (slot & 63)) != 0
    }

    /// A hash of eight bytes in 22 bits, each of which depends on all of them (the halves folded,
    /// then multiplied): masked to size, not shifted by a variable, which would take the shift
    /// register from the samples' hash.
    @inline(__always)
    static func wideSlot(_ key: UInt64) -> UInt64 {
        ((key ^ key &>> 32) &* wideMultiplier) &>> 42
    }

    /// The "_" that ends the first token prefix (`pko_`, …) whose "_" is at or after `start`, or
    /// `count`: 64 bytes at a time, the three bytes before a "_" compared only where there is one.
    @inline(__always)
    func nextTokenPrefix(_ bytes: UnsafeRawPointer, from start: Int, count: Int) -> Int {
        var index = max(start, 3)
        let underscore = SIMD16<UInt8>(repeating: UInt8(ascii: "_"))
        while index &+ 64 <= count {
            let found0 = bytes.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self) .== underscore
            let found1 = bytes.loadUnaligned(fromByteOffset: index &+ 16, as: SIMD16<UInt8>.self) .== underscore
            let found2 = bytes.loadUnaligned(fromByteOffset: index &+ 32, as: SIMD16<UInt8>.self) .== underscore
            let found3 = bytes.loadUnaligned(fromByteOffset: index &+ 48, as: SIMD16<UInt8>.self) .== underscore
            if Self.any(found0 .| found1 .| found2 .| found3),
                Self.any(
                    (found0 .& afterPrefixLetters(bytes, at: index)) .| (found1 .& afterPrefixLetters(bytes, at: index &+ 16))
                        .| (found2 .& afterPrefixLetters(bytes, at: index &+ 32))
                        .| (found3 .& afterPrefixLetters(bytes, at: index &+ 48)))
            {
                for end in index..<(index &+ 64) where isTokenPrefix(bytes, at: end &- 3) { return end }
            }
            index &+= 64
        }
        while index < count {
            if isTokenPrefix(bytes, at: index &- 3) { return index }
            index &+= 1
        }
        return count
    }

    /// Whether the three bytes before each of the 16 positions from `index` are the letters of a
    /// token prefix, each prefix compared whole.
    @inline(__always)
    func afterPrefixLetters(_ bytes: UnsafeRawPointer, at index: Int) -> SIMDMask<SIMD16<Int8>> {
        let first = bytes.loadUnaligned(fromByteOffset: index &- 3, as: SIMD16<UInt8>.self)
        let second = bytes.loadUnaligned(fromByteOffset: index &- 2, as: SIMD16<UInt8>.self)
        let third = bytes.loadUnaligned(fromByteOffset: index &- 1, as: SIMD16<UInt8>.self)
        let letters = tokenPrefixLanes
        func matches(_ prefix: Int) -> SIMDMask<SIMD16<Int8>> {
            (first .== letters[3 &* prefix]) .& (second .== letters[3 &* prefix &+ 1]) .& (third .== letters[3 &* prefix &+ 2])
        }
        return matches(0) .| matches(1) .| matches(2) .| matches(3)
    }

    /// Whether any lane is set; `any` of the standard library is not always inlined.
    @inline(__always)
    static func any(_ mask: SIMDMask<SIMD16<Int8>>) -> Bool {
        let halves = unsafeBitCast(mask, to: SIMD2<UInt64>.self)
        return halves[0] | halves[1] != 0
    }

    @inline(__always)
    func isTokenPrefix(_ bytes: UnsafeRawPointer, at index: Int) -> Bool {
        let word = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
        return word == tokenPrefixWords.0 || word == tokenPrefixWords.1 || word == tokenPrefixWords.2 || word == tokenPrefixWords.3
    }

    /// Whether a pattern may start at `index`; reads four bytes from there.
    @inline(__always)
    func mayStart(_ bytes: UnsafeRawPointer, at index: Int) -> Bool {
        let key = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self))
        let hash = (key &* Self.hashMultiplier) &>> startShift
        if startFilter[Int(hash &>> 6)] & (1 &<< UInt64(hash & 63)) != 0 { return true }
        guard hasShortPatterns else { return false }
        let short = ((key & 0xFF_FFFF) &* Self.hashMultiplier) &>> Self.shortShift
        return shortFilter[Int(short &>> 6)] & (1 &<< UInt64(short & 63)) != 0
    }

    init(storage: Storage) {
        stateCount = storage.stateCount
        edges = storage.edges
        fail = storage.fail
        depth = storage.depth
        info = storage.info
        branchLabels = storage.branchLabels
        branchTargets = storage.branchTargets
        rootNext = storage.rootNext
        outputs = storage.outputs
        startFilter = storage.startFilter
        startShift = storage.startShift
        shortFilter = storage.shortFilter
        hasShortPatterns = storage.hasShortPatterns
        sampleStride = storage.sampleStride
        sampleFilter = storage.sampleFilter
        sampleShift = storage.sampleShift
        wideFilter = storage.wideFilter
        wideSlotMask = storage.wideSlotMask
        wideMask = storage.wideMask
        confirmsSamples = storage.confirmsSamples
        pairFilter = storage.pairFilter
        firstFilter = storage.firstFilter
        longestPattern = max(storage.longestPattern, storage.longPatterns?.longestPattern ?? 0)
        longPatterns = storage.longPatterns
        patternCount = storage.patternCount
        buildSteps = storage.buildSteps
        let words = TokenRule.prefixes.map { prefix in prefix.bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        // `nextTokenPrefix` looks for them by their last byte.
        assert(words.count == 4 && words.allSatisfy { $0 >> 24 == UInt32(UInt8(ascii: "_")) })
        tokenPrefixWords = (words[0], words[1], words[2], words[3])
        tokenPrefixLanes = .allocate(capacity: 12)
        for (slot, prefix) in TokenRule.prefixes.enumerated() {
            for offset in 0..<3 { tokenPrefixLanes[3 * slot + offset] = SIMD16(repeating: prefix.bytes[offset]) }
        }
    }

    /// The tables, filled by `build`, owned by the automaton once it exists.
    struct Storage {
        var stateCount = 0
        var edges = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var fail = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var depth = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var info = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var branchLabels = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
        var branchTargets = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var rootNext = UnsafeMutableBufferPointer<UInt32>(start: nil, count: 0)
        var outputs: [Output] = []
        var startFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var startShift: UInt32 = 0
        var shortFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var hasShortPatterns = false
        var sampleStride = 0
        var sampleFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var sampleShift: UInt32 = 0
        var wideFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var wideSlotMask: UInt64 = 0
        var wideMask: UInt64 = 0
        var confirmsSamples = false
        var pairFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var firstFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var longestPattern = 0
        var longPatterns: LongPatternIndex?
        var patternCount = 0
        var buildSteps = 0
    }
}
