/// The long patterns of a large secret set (16 bytes or more; with thousands of secrets, nearly
/// all of them), found without an automaton: one state per byte of every form took 121 MiB for
/// ten thousand secrets, and its prefilter let most of a log through to the automaton.
///
/// Patterns are kept as bases, back to back in `arena`. A plain base is one pattern. A wrapped
/// base is a base64 fragment: a pattern itself, and so is each of its 16-character runs
/// (`Secret.wrappedRunStarts`), which therefore take no memory of their own (they are two thirds
/// of all forms).
///
/// Text is sampled: the 8-byte window at every 9th position is hashed and looked up. An
/// occurrence of a pattern of 16 bytes or more spans 9 windows in a row, so exactly one of them
/// is sampled, at offset 0 to 8 of the pattern: the index holds each pattern's windows at those
/// offsets (for a wrapped base, every window, which covers all its runs). A Bloom filter of the
/// hashed windows, three bits in one word, keeps ordinary text out of the buckets: three, in fact,
/// by what a window holds, so that the windows of a log, most of which hold a space, look in a
/// filter small enough to stay in the cache: one for windows with a line break or another
/// control byte below 0x0E (the split forms of wrapped base64 have them), one for those with a
/// space or another byte below 0x21 (few patterns have any), one for the rest. In a bucket,
/// a fingerprint beside each window's arena position spares most loads from the arena; a window
/// found there is compared with the arena, then each pattern it may belong to with the text.
///
/// Secrets that share their beginning (JSON Web Tokens share their first 36 bytes, PEM keys
/// about 47) would each give a candidate wherever that beginning is in the text: a thousand such
/// secrets made a log of tokens not among them 50 times slower, and the base64 of such tokens
/// 250 times, with a match for each secret at each of their shared runs. So the bases are sorted
/// in the arena, by segment (plain, then fragments by where their wrapped runs start) and by
/// their bytes, and a window that a base shares with the base before, with all the bytes before
/// it, is held once in the buckets: the patterns of the range of bases that share it are compared
/// with the text as one (`Shared`, `LongPatternStream.SharedRange`), narrowed byte by byte where
/// they part, and a run that several have found once.
///
/// Immutable once built, so shared freely; the storage is raw memory read without bounds checks.
final class LongPatternIndex: @unchecked Sendable {
    /// A pattern found in text: positions in the stream, and the base, which orders ties.
    struct Match {
        var start: Int
        var end: Int
        var replacement: Int
        var base: Int
    }

    static let window = 8
    static let minimumLength = Secret.wrappedPieceLength
    static let sampleStride = minimumLength - window + 1
    static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
    static let fingerprintMultiplier: UInt64 = 0xD6E8_FEB8_6659_FD93

    let arena: UnsafeMutableBufferPointer<UInt8>
    /// Base `i` is `arena[baseStarts[i]..<baseStarts[i + 1]]`.
    let baseStarts: UnsafeMutableBufferPointer<UInt32>
    /// Per base: the replacement (low 4 bits) and, for a wrapped base, where its first run after
    /// the start may begin (`Secret.firstWrappedBreak`, 1 to 4, high 4 bits; 0 for a plain base).
    let baseKinds: UnsafeMutableBufferPointer<UInt8>
    let baseCount: Int
    /// Per base: the order it was added in, which decides between matches of equal bytes.
    let order: UnsafeMutableBufferPointer<UInt32>
    /// Whether every base has the same replacement (then the order decides nothing).
    let oneReplacement: Bool
    /// Per base: how many bytes it shares with the base before it in its segment (0 for the first).
    let sharedBefore: UnsafeMutableBufferPointer<UInt32>
    /// Bloom filters of the hashed windows, one for each class of window.
    let filters: WindowFilters
    /// A hash's top bits choose its bucket.
    let bucketShift: UInt64
    /// Bucket `b` is `entries[bucketStarts[b]..<bucketStarts[b + 1]]`: each an arena position of a
    /// window (low `positionBits`) and a fingerprint of the window (the rest).
    let bucketStarts: UnsafeMutableBufferPointer<UInt32>
    let entries: UnsafeMutableBufferPointer<UInt32>
    let positionBits: UInt32
    /// Bitmap of every pattern's first 1 to 7 bytes, hashed with their count.
    let prefixFilter: UnsafeMutableBufferPointer<UInt64>
    let prefixShift: UInt64
    /// The bytes at offsets 0 to 6 of any pattern, a 256-bit set per offset (4 words each): exact,
    /// so that a line's end (a line break, a space) is never held for the hashed bitmap's sake.
    let prefixBytes: UnsafeMutableBufferPointer<UInt64>
    let longestPattern: Int

    deinit {
        arena.deallocate()
        for buffer in [baseStarts, bucketStarts, entries, order, sharedBefore] { buffer.deallocate() }
        baseKinds.deallocate()
        filters.words.deallocate()
        filters.layout.deallocate()
        prefixFilter.deallocate()
        prefixBytes.deallocate()
    }

    /// Bytes held by the index's tables.
    var byteCount: Int {
        arena.count + 4 * (baseStarts.count + bucketStarts.count + entries.count + order.count + sharedBefore.count) + baseKinds.count
            + 8 * (filters.words.count + filters.layout.count + prefixFilter.count + prefixBytes.count)
    }

    /// Patterns that begin at `offset` of each of `bases` (sorted, sharing their bytes up to a
    /// sampled window's end), each the base whole (`run` false, `offset` 0) or its run of 16 bytes
    /// there, if it has one: one sample's candidates, compared with the text as one.
    struct Shared {
        var start: Int
        var offset: Int
        var run: Bool
        var bases: Range<Int>
    }

    /// Calls `body(start, end, arenaStart, replacement, order)` for each pattern of which `gram`, at
    /// `position` in the text, may be the sampled window (not yet compared with the text), or
    /// `shared` for those of bases that share their bytes up to the window's end.
    func patterns(
        sampled gram: UInt64, hash: UInt64, at position: Int, rangeEnds: inout RangeEndMemo, shared: (Shared) -> Void,
        _ body: (Int, Int, Int, Int, Int) -> Void
    ) {
        for entry in candidates(gram, hash: hash) {
            let (base, offset) = locate(entry)
            let count = offset + Self.window
            let end =
                base + 1 < baseCount && Int(sharedBefore[base + 1]) >= count
                ? rangeEnds.end(from: base, sharing: count, in: self) : base + 1
            guard end - base == 1 else {
                if offset < Self.sampleStride { shared(Shared(start: position - offset, offset: 0, run: false, bases: base..<end)) }
                if baseKinds[base] >> 4 != 0 {
                    // Which of them has a run at which place is asked once the run is found.
                    for start in max(0, offset - Self.sampleStride + 1)...offset {
                        shared(Shared(start: position - (offset - start), offset: start, run: true, bases: base..<end))
                    }
                }
                continue
            }
            let baseStart = Int(baseStarts[base])
            let replacement = self.replacement(base)
            let order = Int(order[base])
            forEachPattern(of: base, spanningWindowAt: offset) { patternStart, length in
                let start = position - (offset - patternStart)
                body(start, start + length, baseStart + patternStart, replacement, order)
            }
        }
    }

    /// Whether `base` is a fragment with a run at `offset` (`Secret.wrappedRunStarts`).
    func hasRun(_ base: Int, at offset: Int) -> Bool {
        let last = length(base) - Self.minimumLength
        return baseKinds[base] >> 4 != 0 && (offset == last || (offset <= last && wrappingMayBreak(base, at: offset)))
    }

    /// Whether a wrapping may break fragment `base` at `offset`, or it begins there: then it has
    /// a run there if it is long enough.
    func wrappingMayBreak(_ base: Int, at offset: Int) -> Bool {
        let firstBreak = Int(baseKinds[base] >> 4)
        return offset == 0 || (offset >= firstBreak && (offset - firstBreak) % 4 == 0)
    }

    /// How many bytes `base` shares with the base before it in its segment (none for the first):
    /// the windows they share are held once (`forEachEntry`), and `sharedBefore` keeps it.
    static func sharedWithPrevious(
        _ base: Int, arena: UnsafeRawPointer, baseStarts: UnsafeMutableBufferPointer<UInt32>,
        baseKinds: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        guard base > 0, baseKinds[base - 1] >> 4 == baseKinds[base] >> 4 else { return 0 }
        let (before, start) = (Int(baseStarts[base - 1]), Int(baseStarts[base]))
        let count = min(start - before, Int(baseStarts[base + 1]) - start)
        var shared = 0
        while shared < count,
            arena.load(fromByteOffset: before + shared, as: UInt8.self) == arena.load(fromByteOffset: start + shared, as: UInt8.self)
        {
            shared += 1
        }
        return shared
    }

    /// Whether `base` comes after the base before it as `narrow` and `rangeEnd` need: segments in
    /// order and, in one segment, bytes in order, a prefix first (`Builder.layout`).
    static func followsPrevious(
        _ base: Int, sharing shared: Int, arena: UnsafeRawPointer, baseStarts: UnsafeMutableBufferPointer<UInt32>,
        baseKinds: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        guard base > 0 else { return true }
        let (previous, this) = (baseKinds[base - 1] >> 4, baseKinds[base] >> 4)
        guard previous == this else { return previous < this }
        let (before, start) = (Int(baseStarts[base - 1]), Int(baseStarts[base]))
        if shared == start - before { return true }
        if shared == Int(baseStarts[base + 1]) - start { return false }
        return arena.load(fromByteOffset: before + shared, as: UInt8.self) < arena.load(fromByteOffset: start + shared, as: UInt8.self)
    }

    @inline(__always)
    func length(_ base: Int) -> Int { Int(baseStarts[base + 1] - baseStarts[base]) }

    @inline(__always)
    func replacement(_ base: Int) -> Int { Int(baseKinds[base] & 0x0F) }

    @inline(__always)
    func bytes(_ base: Int) -> UnsafeRawPointer { UnsafeRawPointer(arena.baseAddress! + Int(baseStarts[base])) }

    /// Up to which offset, from `offset`, bases `first` and `other` have the same bytes; at most
    /// `limit` and the shorter's length.
    func agreement(_ first: Int, _ other: Int, from offset: Int, limit: Int) -> Int {
        let limit = min(limit, length(first), length(other))
        let (left, right) = (bytes(first), bytes(other))
        var index = offset
        while index + 8 <= limit {
            let differ =
                UInt64(littleEndian: left.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                ^ UInt64(littleEndian: right.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            if differ != 0 { return index + differ.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < limit, left.load(fromByteOffset: index, as: UInt8.self) == right.load(fromByteOffset: index, as: UInt8.self) {
            index += 1
        }
        return index
    }

    /// The end of the range of bases from `first`, in its segment, that share its first `count`
    /// bytes: those after it whose `sharedBefore` is `count` or more (sorted, a base shares with
    /// `first` the least any between them shares with the one before). Most such ranges are one
    /// base; a long one is galloped through while `count` is short, so comparing its bytes costs
    /// less than walking it.
    func rangeEnd(from first: Int, sharing count: Int) -> Int {
        var end = first + 1
        guard end < baseCount, Int(sharedBefore[end]) >= count else { return end }
        guard count <= 64 else {
            while end < baseCount, Int(sharedBefore[end]) >= count { end += 1 }
            return end
        }
        let prefix = bytes(first)
        let segment = baseKinds[first] >> 4
        func shares(_ base: Int) -> Bool {
            base < baseCount && baseKinds[base] >> 4 == segment && length(base) >= count && Self.equal(bytes(base), prefix, count: count)
        }
        var low = end
        var step = 2
        while shares(first + step) {
            low = first + step
            step *= 2
        }
        var high = min(first + step, baseCount)
        while high - low > 1 {
            let middle = (low + high) / 2
            if shares(middle) { low = middle } else { high = middle }
        }
        return high
    }

    /// Of `bases`, sorted bases that share their first `offset` bytes and are all longer,
    /// those whose byte at `offset` is `byte`.
    func narrow(_ bases: Range<Int>, at offset: Int, to byte: UInt8) -> Range<Int> {
        func firstAbove(_ limit: UInt8, orEqual: Bool) -> Int {
            var (low, high) = (bases.lowerBound, bases.upperBound)
            while low < high {
                let middle = (low + high) / 2
                let value = bytes(middle).load(fromByteOffset: offset, as: UInt8.self)
                if value < limit || (orEqual && value == limit) { low = middle + 1 } else { high = middle }
            }
            return low
        }
        return firstAbove(byte, orEqual: false)..<firstAbove(byte, orEqual: true)
    }

    /// The first of the last `longestPattern - 1` positions of `bytes[0..<count]` where a pattern
    /// may begin and run past `count`, or nil (`LongPatternStream` asks about its last 16 or so). Exact where a window is left; nearer the end, the
    /// prefix bitmap may hold a few bytes no pattern begins with.
    func partialStart(_ bytes: UnsafeRawPointer, count: Int) -> Int? {
        for position in max(0, count - longestPattern + 1)..<count {
            let left = count - position
            if left >= Self.window {
                let gram = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let hash = gram &* Self.multiplier
                guard filters.mayHold(gram, hash: hash) else { continue }
                for entry in candidates(gram, hash: hash) {
                    let (base, offset) = locate(entry)
                    let bases = base..<rangeEnd(from: base, sharing: offset + Self.window)
                    if offset == 0, startsOne(bytes + position, count: left, among: bases, at: 0, run: false) { return position }
                    if baseKinds[base] >> 4 != 0, startsOne(bytes + position, count: left, among: bases, at: offset, run: true) {
                        return position
                    }
                }
            } else {
                var possible = true
                for offset in 0..<left where possible {
                    possible = prefixBytes.contains(
                        UInt64(offset * 256) + UInt64(bytes.load(fromByteOffset: position + offset, as: UInt8.self)))
                }
                guard possible else { continue }
                var key: UInt64 = 0
                withUnsafeMutableBytes(of: &key) { $0.baseAddress!.copyMemory(from: bytes + position, byteCount: left) }
                if prefixFilter.contains(Self.prefixHash(key, count: left, shift: prefixShift)) { return position }
            }
        }
        return nil
    }

    /// Whether a pattern that begins at `offset` of one of `bases` (sorted, sharing their bytes up
    /// to `offset + 8`, the last 8 those of `text`) begins with `text[0..<count]` and is longer: the
    /// base whole (`run` false, `offset` 0) or its run there.
    func startsOne(_ text: UnsafeRawPointer, count: Int, among bases: Range<Int>, at offset: Int, run: Bool) -> Bool {
        if run, count >= Self.minimumLength { return false }
        var bases = bases
        for index in Self.window..<count {
            while let first = bases.first, length(first) == offset + index { bases = bases.dropFirst() }
            guard !bases.isEmpty else { return false }
            bases = narrow(bases, at: offset + index, to: text.load(fromByteOffset: index, as: UInt8.self))
        }
        return bases.contains { run ? hasRun($0, at: offset) : length($0) > count }
    }

    /// The bits of an entry above its position: `32 - positionBits` bits of another hash (none
    /// when the arena needs all 32).
    @inline(__always)
    static func fingerprint(_ gram: UInt64, positionBits: UInt32) -> UInt32 {
        positionBits == 32 ? 0 : UInt32(truncatingIfNeeded: (gram &* fingerprintMultiplier) &>> UInt64(32 + positionBits))
    }

    /// The last range ends found (`rangeEnd`), for a stream: in a log the same shared windows
    /// come back line after line, and finding a range's end compares bytes.
    struct RangeEndMemo {
        private var slots: [(base: Int, count: Int, end: Int)] = []

        mutating func end(from base: Int, sharing count: Int, in index: LongPatternIndex) -> Int {
            if slots.isEmpty { slots = Array(repeating: (-1, 0, 0), count: 64) }
            let slot = (base &* 31 &+ count) & 63
            if slots[slot].base == base, slots[slot].count == count { return slots[slot].end }
            let end = index.rangeEnd(from: base, sharing: count)
            slots[slot] = (base, count, end)
            return end
        }
    }

    /// Arena positions in the bucket of `hash` whose window is `gram`.
    @inline(__always)
    func candidates(_ gram: UInt64, hash: UInt64) -> Candidates {
        let bucket = Int(hash &>> bucketShift)
        return Candidates(
            slot: Int(bucketStarts[bucket]), end: Int(bucketStarts[bucket + 1]), entries: UnsafePointer(entries.baseAddress!),
            arena: UnsafeRawPointer(arena.baseAddress!), gram: gram, fingerprint: Self.fingerprint(gram, positionBits: positionBits),
            positionBits: positionBits)
    }

    /// `candidates`, as a plain iterator: lazy `filter` and `map` closures kept their context on
    /// the heap, one allocation a sample found.
    struct Candidates: Sequence, IteratorProtocol {
        var slot: Int
        let end: Int
        let entries: UnsafePointer<UInt32>
        let arena: UnsafeRawPointer
        let gram: UInt64
        let fingerprint: UInt32
        let positionBits: UInt32

        mutating func next() -> UInt32? {
            while slot < end {
                let entry = entries[slot]
                slot += 1
                guard positionBits == 32 || entry &>> positionBits == fingerprint else { continue }
                let position = positionBits == 32 ? entry : entry & ((1 << positionBits) - 1)
                if arena.loadUnaligned(fromByteOffset: Int(position), as: UInt64.self) == gram { return position }
            }
            return nil
        }
    }

    /// The base holding arena position `entry`, and the position within it.
    func locate(_ entry: UInt32) -> (base: Int, offset: Int) {
        var low = 0
        var high = baseCount
        while high - low > 1 {
            let middle = (low + high) / 2
            if baseStarts[middle] <= entry { low = middle } else { high = middle }
        }
        return (low, Int(entry - baseStarts[low]))
    }

    /// Calls `body(start, length)` for each pattern of `base` of which the window at `offset` is
    /// one of the first `sampleStride` windows: the only patterns a sample there can find.
    @inline(__always)
    func forEachPattern(of base: Int, spanningWindowAt offset: Int, _ body: (Int, Int) -> Void) {
        let length = Int(baseStarts[base + 1] - baseStarts[base])
        let reach = Self.sampleStride - 1
        if offset <= reach { body(0, length) }
        let firstBreak = Int(baseKinds[base] >> 4)
        guard firstBreak != 0 else { return }
        let run = Self.minimumLength
        if offset <= reach { body(0, run) }
        var start = max(firstBreak, offset - reach)
        start += (firstBreak - start % 4 + 4) % 4
        while start <= min(offset, length - run) {
            body(start, run)
            start += 4
        }
        let last = length - run
        if last >= offset - reach, last <= offset, !(last >= firstBreak && (last - firstBreak) % 4 == 0) { body(last, run) }
    }

    /// Calls `body(length)` for each pattern of `base` that starts at `offset`.
    func forEachPattern(of base: Int, startingAt offset: Int, _ body: (Int) -> Void) {
        if offset == 0 { body(length(base)) }
        if hasRun(base, at: offset) { body(Self.minimumLength) }
    }

    static func equal(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if left.loadUnaligned(fromByteOffset: index, as: UInt64.self) != right.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < count {
            if left.load(fromByteOffset: index, as: UInt8.self) != right.load(fromByteOffset: index, as: UInt8.self) { return false }
            index += 1
        }
        return true
    }

    @inline(__always)
    static func prefixHash(_ key: UInt64, count: Int, shift: UInt64) -> UInt64 {
        ((key | UInt64(count) << 56) &* multiplier) &>> shift
    }

    /// `order`: per base, the order it was added in; the bases sorted by segment and bytes.
    init(
        arena: UnsafeMutableBufferPointer<UInt8>, baseStarts: UnsafeMutableBufferPointer<UInt32>,
        baseKinds: UnsafeMutableBufferPointer<UInt8>, order: UnsafeMutableBufferPointer<UInt32>
    ) {
        self.arena = arena
        self.baseStarts = baseStarts
        self.baseKinds = baseKinds
        self.order = order
        let sharedBefore = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: baseKinds.count)
        for base in 0..<baseKinds.count {
            let shared = Self.sharedWithPrevious(
                base, arena: UnsafeRawPointer(arena.baseAddress!), baseStarts: baseStarts, baseKinds: baseKinds)
            sharedBefore[base] = UInt32(shared)
            assert(
                Self.followsPrevious(
                    base, sharing: shared, arena: UnsafeRawPointer(arena.baseAddress!), baseStarts: baseStarts, baseKinds: baseKinds),
                "long-pattern bases out of order at \(base)")
        }
        self.sharedBefore = sharedBefore
        oneReplacement = baseKinds.allSatisfy { $0 & 0x0F == baseKinds[0] & 0x0F }
        baseCount = baseKinds.count
        var longest = 0
        var entryCount = 0
        var startCount = 0
        for base in 0..<baseCount {
            let length = Int(baseStarts[base + 1] - baseStarts[base])
            longest = max(longest, length)
            entryCount += baseKinds[base] >> 4 == 0 ? Self.sampleStride : length - Self.window + 1
            startCount += 1 + (baseKinds[base] >> 4 == 0 ? 0 : length / 4 + 2)
        }
        longestPattern = longest

        var bucketBits: UInt64 = 4
        while bucketBits < 40, 1 << bucketBits < entryCount / 8 { bucketBits += 1 }
        let bucketShift = 64 - bucketBits
        var positionBits: UInt32 = 1
        while positionBits < 32, 1 << positionBits < arena.count { positionBits += 1 }
        let buckets = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: (1 << bucketBits) + 1)
        buckets.initialize(repeating: 0)

        // Counted, then placed from each bucket's end: no list of pairs to sort.
        var counts = [0, 0, 0]
        Self.forEachEntry(arena: arena, baseStarts: baseStarts, baseKinds: baseKinds, sharedBefore: sharedBefore) { _, gram, hash in
            counts[WindowFilters.classIndex(gram)] += 1
            buckets[Int(hash >> bucketShift)] += 1
        }
        let filters = WindowFilters(windows: counts)
        let entries = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(counts.reduce(0, +), 1))
        var total: UInt32 = 0
        for bucket in 0..<buckets.count {
            total += buckets[bucket]
            buckets[bucket] = total
        }
        Self.forEachEntry(arena: arena, baseStarts: baseStarts, baseKinds: baseKinds, sharedBefore: sharedBefore) { position, gram, hash in
            filters.insert(gram, hash: hash)
            let bucket = Int(hash >> bucketShift)
            buckets[bucket] -= 1
            entries[Int(buckets[bucket])] = UInt32(position) | Self.fingerprint(gram, positionBits: positionBits) << positionBits
        }
        self.filters = filters
        self.bucketShift = bucketShift
        self.positionBits = positionBits
        bucketStarts = buckets
        self.entries = entries
        var prefixBits: UInt64 = 12
        while prefixBits < 22, 1 << prefixBits < startCount * 7 * 4 { prefixBits += 1 }
        prefixShift = 64 - prefixBits
        prefixFilter = .allocate(capacity: 1 << (prefixBits - 6))
        prefixFilter.initialize(repeating: 0)
        prefixBytes = .allocate(capacity: 4 * (Self.window - 1))
        prefixBytes.initialize(repeating: 0)
        for base in 0..<baseCount {
            let start = Int(baseStarts[base])
            forEachPatternStart(of: base) { offset in
                var key: UInt64 = 0
                for count in 1..<Self.window {
                    let byte = arena[start + offset + count - 1]
                    key |= UInt64(byte) << (8 * UInt64(count - 1))
                    self.prefixFilter.insert(Self.prefixHash(key, count: count, shift: self.prefixShift))
                    self.prefixBytes.insert(UInt64((count - 1) * 256) + UInt64(byte))
                }
            }
        }
    }

    /// Calls `body(arenaPosition, window, hash)` for every window the index holds.
    private static func forEachEntry(
        arena: UnsafeMutableBufferPointer<UInt8>, baseStarts: UnsafeMutableBufferPointer<UInt32>,
        baseKinds: UnsafeMutableBufferPointer<UInt8>, sharedBefore: UnsafeMutableBufferPointer<UInt32>,
        _ body: (Int, UInt64, UInt64) -> Void
    ) {
        let arena = UnsafeRawPointer(arena.baseAddress!)
        for base in 0..<baseKinds.count {
            let start = Int(baseStarts[base])
            let length = Int(baseStarts[base + 1]) - start
            let windows = baseKinds[base] >> 4 == 0 ? Self.sampleStride : length - Self.window + 1
            // A window of a base that shares the bytes up to its end with the base before is held
            // by that one's: the patterns of the range of such bases are found together.
            let shared = Int(sharedBefore[base])
            for offset in min(max(0, shared - Self.window + 1), windows)..<windows {
                let gram = arena.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)
                body(start + offset, gram, gram &* Self.multiplier)
            }
        }
    }

    private func forEachPatternStart(of base: Int, _ body: (Int) -> Void) {
        let length = Int(baseStarts[base + 1] - baseStarts[base])
        body(0)
        let firstBreak = Int(baseKinds[base] >> 4)
        guard firstBreak != 0 else { return }
        for start in Secret.wrappedRunStarts(count: length, firstBreak: firstBreak) where start != 0 { body(start) }
    }
}

extension UnsafeMutableBufferPointer<UInt64> {
    /// As a bitmap: sets bit `bit`.
    @inline(__always)
    func insert(_ bit: UInt64) {
        self[Int(bit >> 6)] |= 1 << (bit & 63)
    }

    @inline(__always)
    func contains(_ bit: UInt64) -> Bool {
        self[Int(bit >> 6)] & (1 << (bit & 63)) != 0
    }
}

/// Bloom filters of hashed windows, one for each class of window (`classIndex`), with three bits
/// in one 64-bit word: one cache line read a lookup. 16 bits a window up to 2 MB (with ten
/// thousand secrets, 12: about 1 in 40 windows of ordinary text passes).
struct WindowFilters {
    /// The filters back to back: class `k`'s starts at word `layout[2 * k]`; a hash's top bits
    /// choose a word in it (`hash >> layout[2 * k + 1]`), the 18 bits below them the three bits.
    let words: UnsafeMutableBufferPointer<UInt64>
    let layout: UnsafeMutableBufferPointer<UInt64>

    /// `windows`: how many of each class.
    init(windows: [Int]) {
        layout = .allocate(capacity: 2 * windows.count)
        var total: UInt64 = 0
        for (index, count) in windows.enumerated() {
            var bits: UInt64 = 12
            while bits < 24, 1 << bits < count * 16 { bits += 1 }
            layout[2 * index] = total
            layout[2 * index + 1] = 64 - (bits - 6)
            total += 1 << (bits - 6)
        }
        words = .allocate(capacity: Int(total))
        words.initialize(repeating: 0)
    }

    /// 0: the window holds no byte below 0x21; 1: a space or another byte below 0x21, none below
    /// 0x0E; 2: a line break or another byte below 0x0E. Without a branch: for the windows of a
    /// log, which class comes next is a coin toss.
    @inline(__always)
    static func classIndex(_ gram: UInt64) -> Int {
        let spaced = (gram &- 0x2121_2121_2121_2121) & ~gram & 0x8080_8080_8080_8080
        let lined = (gram &- 0x0E0E_0E0E_0E0E_0E0E) & ~gram & 0x8080_8080_8080_8080
        return Int(truncatingIfNeeded: (spaced | (0 &- spaced)) &>> 63 &+ (lined | (0 &- lined)) &>> 63)
    }

    @inline(__always)
    static func mask(_ hash: UInt64, shift: UInt64) -> UInt64 {
        (1 &<< ((hash &>> (shift &- 6)) & 63)) | (1 &<< ((hash &>> (shift &- 12)) & 63)) | (1 &<< ((hash &>> (shift &- 18)) & 63))
    }

    @inline(__always)
    func mayHold(_ gram: UInt64, hash: UInt64) -> Bool {
        let slot = 2 &* Self.classIndex(gram)
        let shift = layout[slot &+ 1]
        let mask = Self.mask(hash, shift: shift)
        return words[Int(truncatingIfNeeded: layout[slot] &+ hash &>> shift)] & mask == mask
    }

    func insert(_ gram: UInt64, hash: UInt64) {
        let slot = 2 * Self.classIndex(gram)
        let shift = layout[slot + 1]
        words[Int(layout[slot] + hash >> shift)] |= Self.mask(hash, shift: shift)
    }
}
