// Design note
//
// Invariants, for every call of `process` and `finish`:
// - `passed <= position`; `held` is exactly the stream's bytes `passed..<position`, and only
//   these bytes are kept: memory is `held` (less than the longest pattern) plus `regions`
//   (at most `regionLimit` + 1 before they are settled, unless a partial match holds the
//   frontier back: then the regions inside the held bytes, fewer than the longest pattern).
// - No byte goes out while a match could still cover it: everything before the frontier (the
//   start of the longest partial match the automaton's state stands for, or of a token-shaped
//   run in progress) is final, everything after it is held.
// - `regions` are sorted, disjoint and not adjacent; a region's replacement is emitted once
//   (`emitted`), when the frontier has passed the region's start.
//
// Order of steps for one chunk: (1) at the automaton's root, skip bytes no pattern starts with
// (`automaton.skip`, the prefilter); (2) step the automaton one byte, extend or end a token-shaped
// run, and record what completes (`addMatch` merges overlapping or adjacent ranges, the leftmost
// start choosing the replacement); (3) with too many regions pending, settle up to the frontier;
// (4) at the chunk's end, settle up to the frontier and keep the rest in `held`. `finish`
// settles everything: a partial match that never completed goes out as it was.
//
// Worked example: secret `hunter2`, chunks `pw=hun` and `ter2!`. After the first chunk the
// state stands for `hun` (depth 3): `pw=` goes out, `hun` is held. The second chunk completes
// `hunter2` at position 10: region 3..<10 is added; at `!` the state returns to the root, the
// frontier passes 10, the region is settled: `***` goes out (the held `hun` and the new `ter2`
// are dropped), then `!`. Output: `pw=***!`, whatever the chunk boundaries.

/// A redactor applied to a byte stream (`plenar run`'s child output): bytes come out byte-exact
/// unless they fall inside a match, and as soon as they can no longer be part of one.
///
/// The masked output is the union of all matched ranges; each contiguous masked region becomes
/// one replacement, that of the match starting leftmost in it (of two starting at the same byte,
/// the first to complete). Held back are only the bytes that may still begin a match: the
/// longest suffix of the stream that is a prefix of a pattern, so at most longest pattern − 1
/// bytes (the token rule counts as a pattern of 36), and nothing after a byte no pattern can
/// follow. A region's replacement goes out once no earlier-starting match is possible; the rest
/// of the region is dropped as it arrives, so memory stays constant whatever the stream.
public struct RedactingFilter: ByteStreamFilter, Sendable {
    struct Region {
        var start: Int
        var end: Int
        var replacement: Int
        var emitted: Bool
    }

    static let regionLimit = 8

    let automaton: RedactionAutomaton
    var state: UInt32 = 0
    /// Bytes taken in.
    var position = 0
    /// Bytes passed on or dropped; `held` is the stream from here to `position`.
    var passed = 0
    var held: [UInt8] = []
    /// Matched ranges not yet left behind, in order, neither overlapping nor adjacent.
    var regions: [Region] = []
    /// Where a token-shaped run began (-1: none), its letters and digits so far, its replacement.
    var tokenStart = -1
    var tokenBody = 0
    var tokenReplacement = 0
    /// The chunk's long-pattern matches (`LongPatternIndex`), by end; the first `longAdded` are in
    /// `regions`, and `longPendingStart[i]` is the smallest start from `i` on.
    var longMatches: [LongPatternIndex.Match] = []
    var longAdded = 0
    var longPendingStart: [Int] = []
    /// The long patterns' matcher, when the automaton has any.
    var longStream: LongPatternStream?

    init(automaton: RedactionAutomaton) {
        self.automaton = automaton
        held.reserveCapacity(automaton.longestPattern)
        longStream = automaton.longPatterns.map(LongPatternStream.init(index:))
    }

    /// Bytes taken in but not yet passed on or dropped.
    var heldByteCount: Int { position - passed }

    /// Bytes reserved by the filter's own buffers (not the shared automaton).
    var bufferCapacity: Int {
        held.capacity + regions.capacity * MemoryLayout<Region>.stride + (longStream?.recent.capacity ?? 0)
            + (longStream?.candidates.capacity ?? 0) * MemoryLayout<LongPatternStream.Candidate>.stride
            + longMatches.capacity * MemoryLayout<LongPatternIndex.Match>.stride + longPendingStart.capacity * 8
    }

    public mutating func process(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let count = bytes.count
        let chunkStart = position
        let heldStart = chunkStart - held.count
        let automaton = automaton
        var state = state
        var index = 0
        var slowStart = chunkStart - 1
        var underscores = (from: Int.max, at: 0)
        if longStream != nil { findLongMatches(in: bytes, chunkStart: chunkStart) }
        while true {
            if state == 0, tokenStart < 0 {
                if !regions.isEmpty || longAdded < longMatches.count {
                    addLongMatches(endingBy: chunkStart + index)
                    settle(
                        frontier: min(chunkStart + index, longLimit), chunk: bytes, chunkStart: chunkStart, heldStart: heldStart,
                        emit: emit)
                }
                index = automaton.skip(base, from: index, count: count, underscores: &underscores)
                if index == count { break }
                slowStart = chunkStart + index
            }
            let byte = base.load(fromByteOffset: index, as: UInt8.self)
            index += 1
            let end = chunkStart + index
            if tokenStart >= 0 {
                if TokenRule.isAlphanumeric(byte) {
                    tokenBody += 1
                    if tokenBody >= TokenRule.minimumBodyLength {
                        addLongMatches(endingBy: end - 1)
                        addMatch(start: tokenStart, end: end, replacement: tokenReplacement)
                    }
                } else {
                    tokenStart = -1
                }
            }
            state = automaton.step(state, byte)
            let output = automaton.info[Int(state)]
            if output != 0 {
                let found = automaton.outputs[Int(output)]
                if found.length > 0 {
                    addLongMatches(endingBy: end)
                    addMatch(start: end - found.length, end: end, replacement: found.replacement)
                }
                if found.tokenReplacement >= 0 {
                    tokenStart = end - TokenRule.prefixLength
                    tokenBody = 0
                    tokenReplacement = found.tokenReplacement
                }
            }
            // Many separate matches without a return to the root: settle them as they go.
            if regions.count > Self.regionLimit {
                addLongMatches(endingBy: end)
                settle(frontier: frontier(at: end, in: state), chunk: bytes, chunkStart: chunkStart, heldStart: heldStart, emit: emit)
            }
            if index == count { break }
            // Two bytes or fewer into a possible match, the prefilter decides faster than the automaton.
            if state != 0, tokenStart < 0 {
                let depth = Int(automaton.depth[Int(state)])
                if depth <= 2, end - depth > slowStart, end - depth >= chunkStart {
                    index -= depth
                    state = 0
                }
            }
        }
        self.state = state
        position = chunkStart + count
        addLongMatches(endingBy: position)
        settle(frontier: frontier(at: position, in: state), chunk: bytes, chunkStart: chunkStart, heldStart: heldStart, emit: emit)
        if passed >= chunkStart {
            held.removeAll(keepingCapacity: true)
            held.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[(passed - chunkStart)...]))
        } else {
            held.removeFirst(passed - heldStart)
            held.append(contentsOf: bytes)
        }
    }

    /// Passes on what is held; a partial match that never completed goes out as it is.
    public mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        settle(frontier: position, chunk: empty, chunkStart: position, heldStart: position - held.count, emit: emit)
        state = 0
        position = 0
        passed = 0
        held.removeAll(keepingCapacity: true)
        regions.removeAll()
        tokenStart = -1
        longMatches.removeAll()
        longAdded = 0
        longPendingStart.removeAll()
        longStream?.reset()
    }

    /// Where the earliest match still possible would start: the longest partial match.
    func frontier(at end: Int, in state: UInt32) -> Int {
        let start = min(end - Int(automaton.depth[Int(state)]), longLimit)
        return tokenStart >= 0 ? min(start, tokenStart) : start
    }

    /// No byte from here on may go out yet: a long match not in `regions`, or one in progress.
    var longLimit: Int {
        let hold = longStream?.hold ?? .max
        return longAdded < longMatches.count ? min(hold, longPendingStart[longAdded]) : hold
    }

    /// The long patterns that end in this chunk (`LongPatternStream`), in the order of their ends.
    mutating func findLongMatches(in bytes: UnsafeRawBufferPointer, chunkStart: Int) {
        longMatches.removeAll(keepingCapacity: true)
        longAdded = 0
        longStream!.process(bytes, chunkStart: chunkStart, into: &longMatches)
        if longMatches.count > 1 { longMatches.sort { ($0.end, $0.start, $0.base) < ($1.end, $1.start, $1.base) } }
        longPendingStart.removeAll(keepingCapacity: true)
        var smallest = Int.max
        for match in longMatches.reversed() {
            smallest = min(smallest, match.start)
            longPendingStart.append(smallest)
        }
        longPendingStart.reverse()
    }

    /// Adds the long matches ending by `end` to `regions`, in the order of their ends, as the
    /// automaton's own come.
    mutating func addLongMatches(endingBy end: Int) {
        while longAdded < longMatches.count, longMatches[longAdded].end <= end {
            let match = longMatches[longAdded]
            addMatch(start: match.start, end: match.end, replacement: match.replacement)
            longAdded += 1
        }
    }

    mutating func addMatch(start: Int, end: Int, replacement: Int) {
        guard let last = regions.last, last.end >= start else {
            regions.append(Region(start: start, end: end, replacement: replacement, emitted: false))
            return
        }
        var first = regions.count - 1
        while first > 0, regions[first - 1].end >= start { first -= 1 }
        if start < regions[first].start {
            regions[first].start = start
            regions[first].replacement = replacement
        }
        regions[first].end = max(regions[first].end, end)
        if first + 1 < regions.count { regions.removeSubrange((first + 1)...) }
    }

    /// No match will start before `frontier`: every region starting there or earlier gets its
    /// replacement, regions ending before it are done, and raw bytes before it go out.
    mutating func settle(
        frontier: Int, chunk: UnsafeRawBufferPointer, chunkStart: Int, heldStart: Int, emit: (UnsafeRawBufferPointer) -> Void
    ) {
        var index = 0
        while index < regions.count {
            if !regions[index].emitted {
                if regions[index].start > frontier { break }
                pass(upTo: regions[index].start, chunk: chunk, chunkStart: chunkStart, heldStart: heldStart, emit: emit)
                Secret.replacements[regions[index].replacement].withUnsafeBytes(emit)
                regions[index].emitted = true
            }
            passed = max(passed, regions[index].end)
            index += 1
        }
        var closed = 0
        while closed < regions.count, regions[closed].end < frontier { closed += 1 }
        if closed > 0 { regions.removeFirst(closed) }
        pass(upTo: frontier, chunk: chunk, chunkStart: chunkStart, heldStart: heldStart, emit: emit)
    }

    /// Passes on the raw bytes from `passed` to `target`, from `held` and then from the chunk.
    mutating func pass(
        upTo target: Int, chunk: UnsafeRawBufferPointer, chunkStart: Int, heldStart: Int, emit: (UnsafeRawBufferPointer) -> Void
    ) {
        guard target > passed else { return }
        if passed < chunkStart {
            let stop = min(target, chunkStart)
            let from = passed - heldStart
            held.withUnsafeBytes { emit(UnsafeRawBufferPointer(rebasing: $0[from..<(stop - heldStart)])) }
            passed = stop
        }
        if target > passed {
            emit(UnsafeRawBufferPointer(rebasing: chunk[(passed - chunkStart)..<(target - chunkStart)]))
            passed = target
        }
    }
}
