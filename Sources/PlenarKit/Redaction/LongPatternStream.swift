/// A `LongPatternIndex` applied to a stream, for `RedactingFilter`: the samples are taken at every
/// 9th position of the stream, not of each chunk, and a sampled window the index holds gives
/// candidates that are compared with the text as it arrives. So a chunk costs its own bytes,
/// whatever its size and the longest pattern: one byte at a time stays cheap.
///
/// Every occurrence of a pattern is found by exactly one sample (`LongPatternIndex`), at most 8
/// bytes after its start. So a pattern not yet found can only begin at or after the next
/// sample − 8: only the stream's last 16 bytes or so are checked for the start of one
/// (`LongPatternIndex.partialStart`), besides the candidates still incomplete.
struct LongPatternStream {
    struct Candidate {
        var start: Int
        var end: Int
        /// Compared with the text up to here.
        var verified: Int
        var arenaStart: Int
        var replacement: Int
        var base: Int
    }

    /// A `LongPatternIndex.Shared`, of which the first `verified - start` bytes equal the text.
    struct SharedRange {
        var patterns: LongPatternIndex.Shared
        var verified: Int
    }

    /// The text a chunk gives: `recent` before `chunkStart`, the chunk up to `end`.
    struct Text {
        let recent: UnsafeRawPointer
        let recentStart: Int
        let chunk: UnsafeRawPointer
        let chunkStart: Int
        let end: Int

        func byte(at position: Int) -> UInt8 {
            position < chunkStart
                ? recent.load(fromByteOffset: position - recentStart, as: UInt8.self)
                : chunk.load(fromByteOffset: position - chunkStart, as: UInt8.self)
        }

        /// Whether the text from `start` to `stop` equals the bytes at `other`.
        func equals(from start: Int, to stop: Int, _ other: UnsafeRawPointer) -> Bool {
            let split = min(max(start, chunkStart), stop)
            if start < split, !LongPatternIndex.equal(recent + (start - recentStart), other, count: split - start) { return false }
            return LongPatternIndex.equal(chunk + (split - chunkStart), other + (split - start), count: stop - split)
        }
    }

    let index: LongPatternIndex
    /// The next sample's position in the stream: a multiple of `LongPatternIndex.sampleStride`.
    var nextSample = 0
    var candidates: [Candidate] = []
    var ranges: [SharedRange] = []
    /// The stream's last bytes before the chunk (up to `recentLimit`): a window, a candidate's
    /// start or the start of a partial pattern may lie there.
    var recent: [UInt8] = []
    static let recentLimit = 32
    /// Where a long pattern may have begun without ending yet (`Int.max`: nowhere).
    var hold = Int.max
    /// Bytes looked at (a test holds it to a few times the stream's length).
    var work = 0
    var rangeEnds = LongPatternIndex.RangeEndMemo()

    init(index: LongPatternIndex) {
        self.index = index
        recent.reserveCapacity(Self.recentLimit + 2 * LongPatternIndex.window)
    }

    /// Appends the matches that complete in `bytes`, which start at `chunkStart` in the stream, and
    /// sets `hold`.
    mutating func process(_ bytes: UnsafeRawBufferPointer, chunkStart: Int, into matches: inout [LongPatternIndex.Match]) {
        let count = bytes.count
        let end = chunkStart + count
        let chunk = bytes.baseAddress!
        let arena = UnsafeRawPointer(index.arena.baseAddress!)
        work += count

        // Candidates from earlier chunks: the new bytes decide.
        var kept = 0
        for position in candidates.indices {
            var candidate = candidates[position]
            let stop = min(candidate.end, end)
            work += stop - candidate.verified
            guard
                LongPatternIndex.equal(
                    chunk + (candidate.verified - chunkStart), arena + candidate.arenaStart + (candidate.verified - candidate.start),
                    count: stop - candidate.verified)
            else { continue }
            if stop == candidate.end {
                matches.append(
                    LongPatternIndex.Match(
                        start: candidate.start, end: candidate.end, replacement: candidate.replacement, base: candidate.base))
            } else {
                candidate.verified = stop
                candidates[kept] = candidate
                kept += 1
            }
        }
        candidates.removeLast(candidates.count - kept)
        if !ranges.isEmpty {
            let text = Text(recent: chunk, recentStart: chunkStart, chunk: chunk, chunkStart: chunkStart, end: end)
            kept = 0
            for position in ranges.indices {
                var range = ranges[position]
                if advance(&range, in: text, into: &matches) {
                    ranges[kept] = range
                    kept += 1
                }
            }
            ranges.removeLast(ranges.count - kept)
        }

        let recentStart = chunkStart - recent.count
        let stride = LongPatternIndex.sampleStride
        let window = LongPatternIndex.window
        // Samples whose window began in an earlier chunk, from `recent` and the chunk's first bytes.
        if nextSample < chunkStart, nextSample + window <= end {
            let recentCount = recent.count
            recent.append(contentsOf: bytes.prefix(window))
            while nextSample < chunkStart, nextSample + window <= end {
                let gram = recent.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: nextSample - recentStart, as: UInt64.self) }
                let hash = gram &* LongPatternIndex.multiplier
                if index.filters.mayHold(gram, hash: hash) {
                    found(gram, hash: hash, at: nextSample, chunk: bytes, chunkStart: chunkStart, recentStart: recentStart, into: &matches)
                }
                nextSample += stride
            }
            recent.removeLast(recent.count - recentCount)
        }
        // Samples in the chunk: two a turn, both looked up before either is acted on, so that
        // their filter words load together.
        if nextSample >= chunkStart {
            let filters = index.filters
            var position = nextSample - chunkStart
            let last = count - window
            while position + stride <= last {
                let gram = chunk.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let next = chunk.loadUnaligned(fromByteOffset: position + stride, as: UInt64.self)
                let hash = gram &* LongPatternIndex.multiplier
                let nextHash = next &* LongPatternIndex.multiplier
                let first = filters.mayHold(gram, hash: hash)
                let second = filters.mayHold(next, hash: nextHash)
                if first || second {
                    if first {
                        found(
                            gram, hash: hash, at: chunkStart + position, chunk: bytes, chunkStart: chunkStart, recentStart: recentStart,
                            into: &matches)
                    }
                    if second {
                        found(
                            next, hash: nextHash, at: chunkStart + position + stride, chunk: bytes, chunkStart: chunkStart,
                            recentStart: recentStart, into: &matches)
                    }
                }
                position &+= 2 * stride
            }
            while position <= last {
                let gram = chunk.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let hash = gram &* LongPatternIndex.multiplier
                if filters.mayHold(gram, hash: hash) {
                    found(
                        gram, hash: hash, at: chunkStart + position, chunk: bytes, chunkStart: chunkStart, recentStart: recentStart,
                        into: &matches)
                }
                position &+= stride
            }
            nextSample = chunkStart + position
        }

        // The stream's last bytes, kept for the next chunk; where a pattern not yet found may have begun.
        recent.append(contentsOf: bytes.suffix(Self.recentLimit))
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
        let checkFrom = max(nextSample - window, end - recent.count, 0)
        work += end - checkFrom
        hold =
            recent.withUnsafeBytes { tail in
                index.partialStart(tail.baseAddress! + (checkFrom - (end - tail.count)), count: end - checkFrom)
            }.map { checkFrom + $0 } ?? .max
        for candidate in candidates { hold = min(hold, candidate.start) }
        for range in ranges { hold = min(hold, range.patterns.start) }
    }

    /// Compares `range` with the text up to its end: each base whole that it completes is a
    /// match, and a run found is one (that of the first base to have one there); the bases
    /// narrow to those that go on as the text does. Whether any is left.
    mutating func advance(_ range: inout SharedRange, in text: Text, into matches: inout [LongPatternIndex.Match]) -> Bool {
        let start = range.patterns.start
        let offset = range.patterns.offset
        let end = range.patterns.run ? offset + LongPatternIndex.minimumLength : Int.max
        while true {
            // Where the text has brought them: their bytes up to here equal it.
            let reached = offset + range.verified - start
            if reached == end, !range.patterns.bases.isEmpty {
                // Their runs here are equal: that of the first added decides between replacements.
                // Each has a run here if the wrapping may break here; else those that end here (a
                // last run), which come first, sorted.
                let bases = range.patterns.bases
                let all = index.wrappingMayBreak(bases.lowerBound, at: offset)
                var found: Int?
                for base in bases {
                    guard all || index.length(base) == reached else { break }
                    work += 1
                    if found == nil || index.order[base] < index.order[found!] { found = base }
                    if index.oneReplacement { break }
                }
                if let found {
                    matches.append(
                        LongPatternIndex.Match(
                            start: start, end: range.verified, replacement: index.replacement(found), base: Int(index.order[found])))
                }
                return false
            }
            // Sorted: a base that ends here comes before those it begins.
            while let first = range.patterns.bases.first, index.length(first) == reached {
                if !range.patterns.run {
                    matches.append(
                        LongPatternIndex.Match(
                            start: start, end: range.verified, replacement: index.replacement(first), base: Int(index.order[first])))
                }
                range.patterns.bases = range.patterns.bases.dropFirst()
            }
            guard let first = range.patterns.bases.first else { return false }
            guard range.verified < text.end else { return true }
            let last = range.patterns.bases.last!
            if first == last {
                // One left: the rest of it at once.
                let stop = min(range.verified + min(index.length(first), end) - reached, text.end)
                work += stop - range.verified
                guard text.equals(from: range.verified, to: stop, index.bytes(first) + reached) else { return false }
                range.verified = stop
                continue
            }
            // Where the first and the last agree, so do all between them (sorted): the text is
            // compared with the first there, 16 bytes at most at a time (bases may share far more
            // than the text does). Where they differ, the bases narrow to those that have the
            // text's byte.
            let step = min(end - reached, text.end - range.verified, 16)
            let agreed = index.agreement(first, last, from: reached, limit: reached + step)
            if agreed > reached {
                let stop = range.verified + agreed - reached
                work += agreed - reached
                guard text.equals(from: range.verified, to: stop, index.bytes(first) + reached) else { return false }
                range.verified = stop
                continue
            }
            work += 1
            range.patterns.bases = index.narrow(range.patterns.bases, at: reached, to: text.byte(at: range.verified))
            range.verified += 1
        }
    }

    /// Each pattern the sampled window at `position` may belong to, compared with the text there
    /// is so far: a match, a candidate, or nothing.
    @inline(never)
    mutating func found(
        _ gram: UInt64, hash: UInt64, at position: Int, chunk: UnsafeRawBufferPointer, chunkStart: Int, recentStart: Int,
        into matches: inout [LongPatternIndex.Match]
    ) {
        let end = chunkStart + chunk.count
        let arena = UnsafeRawPointer(index.arena.baseAddress!)
        let recent = recent
        var incomplete: [Candidate] = []
        var incompleteRanges: [SharedRange] = []
        defer {
            candidates += incomplete
            ranges += incompleteRanges
        }
        // The part before the chunk is in `recent`, the rest in the chunk.
        recent.withUnsafeBytes { tail in
            let text = Text(
                recent: tail.baseAddress ?? chunk.baseAddress!, recentStart: recentStart, chunk: chunk.baseAddress!, chunkStart: chunkStart,
                end: end)
            // Both closures passed as they are written (one kept in a variable would be escaping,
            // and what it captures boxed on the heap at every call).
            var rangeEnds = LongPatternIndex.RangeEndMemo()
            swap(&rangeEnds, &self.rangeEnds)
            defer { swap(&rangeEnds, &self.rangeEnds) }
            index.patterns(
                sampled: gram, hash: hash, at: position, rangeEnds: &rangeEnds,
                shared: { patterns in
                    guard patterns.start >= max(recentStart, 0) else { return }
                    var range = SharedRange(patterns: patterns, verified: patterns.start)
                    if self.advance(&range, in: text, into: &matches) { incompleteRanges.append(range) }
                }
            ) { start, patternEnd, arenaStart, replacement, base in
                guard start >= max(recentStart, 0) else { return }
                let stop = min(patternEnd, end)
                work += stop - start
                guard text.equals(from: start, to: stop, arena + arenaStart) else { return }
                if patternEnd <= end {
                    matches.append(LongPatternIndex.Match(start: start, end: patternEnd, replacement: replacement, base: base))
                } else {
                    incomplete.append(
                        Candidate(
                            start: start, end: patternEnd, verified: end, arenaStart: arenaStart, replacement: replacement, base: base))
                }
            }
        }
    }

    mutating func reset() {
        nextSample = 0
        candidates.removeAll()
        ranges.removeAll()
        recent.removeAll(keepingCapacity: true)
        hold = .max
    }
}
