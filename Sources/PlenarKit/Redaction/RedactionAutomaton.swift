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
/// bytes: a block of starts is checked one by one only if its sample is a four-byte group found
/// near the start of some pattern, or if it holds a `_` (the token prefixes, too short to sample,
/// end in one).
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
    /// Hashed four-byte groups at offsets 0 through `sampleStride - 1` of every pattern; a
    /// stride of 0 turns sampling off.
    let sampleStride: Int
    let sampleFilter: UnsafeMutableBufferPointer<UInt64>
    let sampleShift: UInt32
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

    deinit {
        for buffer in [edges, fail, depth, info, branchTargets, rootNext] { buffer.deallocate() }
        for buffer in [startFilter, shortFilter, sampleFilter, pairFilter, firstFilter] { buffer.deallocate() }
        branchLabels.deallocate()
    }

    /// Bytes held by the automaton's tables and the long patterns' index.
    var byteCount: Int {
        (longPatterns?.byteCount ?? 0) + 4 * (edges.count + fail.count + depth.count + info.count + branchTargets.count + rootNext.count)
            + branchLabels.count + 8 * (startFilter.count + shortFilter.count + sampleFilter.count + pairFilter.count + firstFilter.count)
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
    /// `underscores`: kept by the caller for the chunk, so that each byte is looked at once: every
    /// "_" from `from` to `at` has been looked at and ends no token prefix; `at` is the next one
    /// (or `count`). Start with `from` at `Int.max`.
    @inline(__always)
    func skip(_ bytes: UnsafeRawPointer, from start: Int, count: Int, underscores: inout (from: Int, at: Int)) -> Int {
        var index = start
        let stride = sampleStride
        if stride > 0 {
            let samples = sampleFilter.baseAddress!
            let shift = sampleShift
            if index + 3 < underscores.from || underscores.at < index + 3 {
                underscores = (index + 3, Self.nextUnderscore(bytes, from: index + 3, count: count))
            }
            while index + stride + 11 <= count {
                let key = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + stride - 1, as: UInt32.self))
                let hash = (key &* Self.hashMultiplier) &>> shift
                var suspect = samples[Int(hash &>> 6)] & (1 &<< UInt64(hash & 63)) != 0
                // The token prefixes, too short to sample, end in "_": one here makes the block suspect.
                let limit = index + stride + 3
                while !suspect, underscores.at < limit {
                    if isTokenPrefix(bytes, at: underscores.at - 3) {
                        suspect = true
                    } else {
                        underscores.at = Self.nextUnderscore(bytes, from: underscores.at + 1, count: count)
                    }
                }
                if suspect {
                    for candidate in index..<(index + stride) where mayStart(bytes, at: candidate) { return candidate }
                }
                index += stride
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

    /// The first "_" at or after `start`, or `count`: 16 bytes at a time.
    @inline(__always)
    static func nextUnderscore(_ bytes: UnsafeRawPointer, from start: Int, count: Int) -> Int {
        var index = start
        let underscores = SIMD16<UInt8>(repeating: UInt8(ascii: "_"))
        while index + 16 <= count {
            if any(bytes.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self) .== underscores) { break }
            index &+= 16
        }
        while index < count, bytes.load(fromByteOffset: index, as: UInt8.self) != UInt8(ascii: "_") { index += 1 }
        return max(index, start)
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
        pairFilter = storage.pairFilter
        firstFilter = storage.firstFilter
        longestPattern = max(storage.longestPattern, storage.longPatterns?.longestPattern ?? 0)
        longPatterns = storage.longPatterns
        patternCount = storage.patternCount
        buildSteps = storage.buildSteps
        let words = TokenRule.prefixes.map { prefix in prefix.bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        tokenPrefixWords = (words[0], words[1], words[2], words[3])
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
        var pairFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var firstFilter = UnsafeMutableBufferPointer<UInt64>(start: nil, count: 0)
        var longestPattern = 0
        var longPatterns: LongPatternIndex?
        var patternCount = 0
        var buildSteps = 0
    }
}
