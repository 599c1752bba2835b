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
/// Plain patterns that share their beginning (JSON Web Tokens share their first 36 bytes, PEM
/// keys about 47) would each be a candidate wherever that beginning is in the text: a thousand
/// such secrets made a log of tokens not among them 50 times slower. So the plain bases come
/// first in the arena, sorted by their bytes: those that share the bytes up to a window's end are
/// a range of bases, held once in the buckets (by the first), and compared with the text as one
/// (`LongPatternStream.PlainRange`), narrowed byte by byte where they part.
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
    /// Bases `0..<plainCount` are plain, sorted by their bytes; the rest are fragments.
    let plainCount: Int
    /// Per base: the order it was added in, which decides between matches of equal bytes.
    let order: UnsafeMutableBufferPointer<UInt32>
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
        for buffer in [baseStarts, bucketStarts, entries, order] { buffer.deallocate() }
        baseKinds.deallocate()
        filters.words.deallocate()
        filters.layout.deallocate()
        prefixFilter.deallocate()
        prefixBytes.deallocate()
    }

    /// Bytes held by the index's tables.
    var byteCount: Int {
        arena.count + 4 * (baseStarts.count + bucketStarts.count + entries.count + order.count) + baseKinds.count
            + 8 * (filters.words.count + filters.layout.count + prefixFilter.count + prefixBytes.count)
    }

    /// Calls `body(start, end, arenaStart, replacement, order)` for each pattern of which `gram`, at
    /// `position` in the text, may be the sampled window (not yet compared with the text), and
    /// `shared(start, bases)` instead for plain bases that share their bytes up to its end.
    func patterns(
        sampled gram: UInt64, hash: UInt64, at position: Int, shared: (Int, Range<Int>) -> Void,
        _ body: (Int, Int, Int, Int, Int) -> Void
    ) {
        for entry in candidates(gram, hash: hash) {
            let (base, offset) = locate(entry)
            if base < plainCount {
                let end = plainRangeEnd(from: base, sharing: offset + Self.window)
                if end - base > 1 {
                    shared(position - offset, base..<end)
                    continue
                }
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

    @inline(__always)
    func length(_ base: Int) -> Int { Int(baseStarts[base + 1] - baseStarts[base]) }

    @inline(__always)
    func replacement(_ base: Int) -> Int { Int(baseKinds[base] & 0x0F) }

    @inline(__always)
    func bytes(_ base: Int) -> UnsafeRawPointer { UnsafeRawPointer(arena.baseAddress! + Int(baseStarts[base])) }

    /// The end of the range of plain bases from `first` that share its first `count` bytes (16 at
    /// most, which every plain base has), found by galloping: most such ranges are one base.
    func plainRangeEnd(from first: Int, sharing count: Int) -> Int {
        let prefix = bytes(first)
        func shares(_ base: Int) -> Bool { base < plainCount && Self.equal(bytes(base), prefix, count: count) }
        var low = first
        var step = 1
        while shares(first + step) {
            low = first + step
            step *= 2
        }
        var high = min(first + step, plainCount)
        while high - low > 1 {
            let middle = (low + high) / 2
            if shares(middle) { low = middle } else { high = middle }
        }
        return high
    }

    /// How many bytes plain bases `first` and `last` share, knowing that they share `known`.
    func sharedLength(_ first: Int, _ last: Int, known: Int) -> Int {
        let count = min(length(first), length(last))
        guard first != last else { return count }
        let (left, right) = (bytes(first), bytes(last))
        var shared = known
        while shared < count, left.load(fromByteOffset: shared, as: UInt8.self) == right.load(fromByteOffset: shared, as: UInt8.self) {
            shared += 1
        }
        return shared
    }

    /// Of `bases`, sorted plain bases that share their first `offset` bytes and are all longer,
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
                    if base < plainCount {
                        if plainStarts(bytes + position, count: left, among: base..<plainRangeEnd(from: base, sharing: Self.window)) {
                            return position
                        }
                        continue
                    }
                    var partial = false
                    forEachPattern(of: base, startingAt: offset) { length in
                        if !partial, length > left,
                            Self.equal(bytes + position, arena.baseAddress! + Int(baseStarts[base]) + offset, count: left)
                        {
                            partial = true
                        }
                    }
                    if partial { return position }
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

    /// Whether one of `bases` (plain, sharing their first 8 bytes, those of `text`) is longer than
    /// `count` and begins with `text[0..<count]`.
    func plainStarts(_ text: UnsafeRawPointer, count: Int, among bases: Range<Int>) -> Bool {
        var bases = bases
        for offset in Self.window..<count {
            while !bases.isEmpty, length(bases.lowerBound) == offset { bases = bases.dropFirst() }
            guard !bases.isEmpty else { return false }
            bases = narrow(bases, at: offset, to: text.load(fromByteOffset: offset, as: UInt8.self))
        }
        return bases.contains { length($0) > count }
    }

    /// The bits of an entry above its position: `32 - positionBits` bits of another hash (none
    /// when the arena needs all 32).
    @inline(__always)
    static func fingerprint(_ gram: UInt64, positionBits: UInt32) -> UInt32 {
        positionBits == 32 ? 0 : UInt32(truncatingIfNeeded: (gram &* fingerprintMultiplier) &>> UInt64(32 + positionBits))
    }

    /// Arena positions in the bucket of `hash` whose window is `gram`.
    @inline(__always)
    func candidates(_ gram: UInt64, hash: UInt64) -> some Sequence<UInt32> {
        let bucket = Int(hash &>> bucketShift)
        let arena = UnsafeRawPointer(arena.baseAddress!)
        let positionBits = positionBits
        let mask: UInt32 = positionBits == 32 ? .max : (1 << positionBits) - 1
        let fingerprint = Self.fingerprint(gram, positionBits: positionBits)
        return entries[Int(bucketStarts[bucket])..<Int(bucketStarts[bucket + 1])].lazy.filter { entry in
            positionBits == 32 || entry &>> positionBits == fingerprint
        }.map { $0 & mask }.filter { position in
            arena.loadUnaligned(fromByteOffset: Int(position), as: UInt64.self) == gram
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
    @inline(__always)
    func forEachPattern(of base: Int, startingAt offset: Int, _ body: (Int) -> Void) {
        let length = Int(baseStarts[base + 1] - baseStarts[base])
        if offset == 0 { body(length) }
        let firstBreak = Int(baseKinds[base] >> 4)
        guard firstBreak != 0 else { return }
        let last = length - Self.minimumLength
        if offset == 0 || offset == last || (offset >= firstBreak && offset <= last && (offset - firstBreak) % 4 == 0) {
            body(Self.minimumLength)
        }
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

    /// `order`: per base, the order it was added in; bases `0..<plainCount` are plain, sorted.
    init(
        arena: UnsafeMutableBufferPointer<UInt8>, baseStarts: UnsafeMutableBufferPointer<UInt32>,
        baseKinds: UnsafeMutableBufferPointer<UInt8>, order: UnsafeMutableBufferPointer<UInt32>, plainCount: Int
    ) {
        self.arena = arena
        self.baseStarts = baseStarts
        self.baseKinds = baseKinds
        self.order = order
        self.plainCount = plainCount
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
        Self.forEachEntry(arena: arena, baseStarts: baseStarts, baseKinds: baseKinds, plainCount: plainCount) { _, gram, hash in
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
        Self.forEachEntry(arena: arena, baseStarts: baseStarts, baseKinds: baseKinds, plainCount: plainCount) { position, gram, hash in
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

    /// Calls `body(arenaPosition, window, hash)` for every window the index holds: of a plain
    /// base, only those that end past the bytes it shares with the one before (that one's window
    /// stands for both).
    private static func forEachEntry(
        arena: UnsafeMutableBufferPointer<UInt8>, baseStarts: UnsafeMutableBufferPointer<UInt32>,
        baseKinds: UnsafeMutableBufferPointer<UInt8>, plainCount: Int, _ body: (Int, UInt64, UInt64) -> Void
    ) {
        let arena = UnsafeRawPointer(arena.baseAddress!)
        let baseCount = baseKinds.count
        for base in 0..<baseCount {
            let start = Int(baseStarts[base])
            let length = Int(baseStarts[base + 1]) - start
            let windows = baseKinds[base] >> 4 == 0 ? Self.sampleStride : length - Self.window + 1
            var first = 0
            if base > 0, base < plainCount {
                // Every plain base has 16 bytes: as many as its windows reach.
                let before = Int(baseStarts[base - 1])
                var shared = 0
                while shared < windows + window - 1,
                    arena.load(fromByteOffset: before + shared, as: UInt8.self)
                        == arena.load(fromByteOffset: start + shared, as: UInt8.self)
                {
                    shared += 1
                }
                first = max(0, shared - window + 1)
            }
            for offset in first..<windows {
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
