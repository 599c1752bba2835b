extension LongPatternIndex {
    /// Collects bases, then hands them to the index in raw memory, sorted (`layout`), each base
    /// remembering the order it was added in.
    struct Builder {
        var arena: [UInt8] = []
        var baseStarts: [UInt32] = [0]
        var baseKinds: [UInt8] = []

        var isEmpty: Bool { baseKinds.isEmpty }

        /// A pattern of `LongPatternIndex.minimumLength` bytes or more.
        mutating func add(plain bytes: [UInt8], replacement: Int) {
            append(bytes, kind: UInt8(replacement))
        }

        /// A base64 fragment longer than `LongPatternIndex.minimumLength`, with its runs.
        mutating func add(fragment bytes: [UInt8], offset: Int, replacement: Int) {
            append(bytes, kind: UInt8(replacement) | UInt8(Secret.firstWrappedBreak(atOffset: offset)) << 4)
        }

        private mutating func append(_ bytes: [UInt8], kind: UInt8) {
            arena += bytes
            baseStarts.append(UInt32(arena.count))
            baseKinds.append(kind)
        }

        /// The index; the builder is left empty, its arrays freed before the index's tables are made.
        mutating func build() -> LongPatternIndex? {
            guard !isEmpty else { return nil }
            let order = layout()
            let arena = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: self.arena.count)
            let starts = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: baseStarts.count)
            let kinds = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: baseKinds.count)
            let added = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: baseKinds.count)
            var filled = 0
            starts[0] = 0
            self.arena.withUnsafeBufferPointer { source in
                for (base, original) in order.enumerated() {
                    let start = Int(baseStarts[original])
                    let count = Int(baseStarts[original + 1]) - start
                    _ = UnsafeMutableBufferPointer(rebasing: arena[filled..<(filled + count)])
                        .initialize(from: source[start..<(start + count)])
                    filled += count
                    starts[base + 1] = UInt32(filled)
                    kinds[base] = baseKinds[original]
                    added[base] = UInt32(original)
                }
            }
            self = Builder()
            return LongPatternIndex(arena: arena, baseStarts: starts, baseKinds: kinds, order: added)
        }

        /// The bases in the index's order: by segment (plain, then fragments by where their first
        /// run after the start begins), then by their bytes, equal ones in the order they came.
        /// Sorted on their first 7 bytes, read as a big-endian number, and on the rest only where
        /// those are equal.
        private func layout() -> [Int] {
            arena.withUnsafeBytes { raw in
                func bytes(_ base: Int) -> UnsafeRawBufferPointer {
                    UnsafeRawBufferPointer(rebasing: raw[Int(baseStarts[base])..<Int(baseStarts[base + 1])])
                }
                // The segment in the top byte, then the first 7 bytes: one comparison, mostly.
                var keys = baseKinds.indices.map { base in
                    let first = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: Int(baseStarts[base]), as: UInt64.self))
                    return (key: UInt64(baseKinds[base] >> 4) << 56 | first >> 8, base: base)
                }
                keys.sort { left, right in
                    if left.key != right.key { return left.key < right.key }
                    let (a, b) = (bytes(left.base), bytes(right.base))
                    if a.elementsEqual(b) { return left.base < right.base }
                    return a.lexicographicallyPrecedes(b)
                }
                return keys.map(\.base)
            }
        }
    }
}

extension RedactionPatterns {
    /// The patterns of a large secret set, as `of` gives them but in two parts: for the automaton
    /// (without duplicates) those shorter than `LongPatternIndex.minimumLength` and those that
    /// repeat a window (`repeatsWindow`), the rest in a `LongPatternIndex`, each secret's forms
    /// without duplicates (a form two secrets share is found twice; the first secret's base wins
    /// the tie, as with `of`). One secret's forms are made at a time: ten thousand secrets never
    /// have all their forms in memory at once.
    static func split(_ secrets: [Secret]) -> (short: [(bytes: [UInt8], replacement: Int)], long: LongPatternIndex?) {
        var seen: Set<Form> = []
        var short: [(bytes: [UInt8], replacement: Int)] = []
        func addShort(_ form: [UInt8], _ replacement: Int) {
            if seen.insert(Form(bytes: form)).inserted { short.append((form, replacement)) }
        }
        var long = LongPatternIndex.Builder()
        // A dozen or so forms a secret, most about as long as it (pages not written cost nothing).
        long.arena.reserveCapacity(16 * secrets.reduce(0) { $0 + $1.value.count })
        var values: Set<Form> = []
        let minimum = LongPatternIndex.minimumLength
        for secret in secrets where values.insert(Form(bytes: secret.value)).inserted {
            let groups = secret.formGroups
            // A secret has a dozen or so long forms: a list is quicker than a set.
            var own: [[UInt8]] = []
            let replacement = secret.replacementIndex
            // A whole pattern: in the index unless it is short or repeats a window.
            func addPlain(_ form: [UInt8]) {
                guard form.count >= minimum, !repeatsWindow(form) else {
                    addShort(form, replacement)
                    return
                }
                if !own.contains(form) {
                    own.append(form)
                    long.add(plain: form, replacement: replacement)
                }
            }
            for fragment in groups.fragments where fragment.bytes.count > minimum && !own.contains(fragment.bytes) {
                own.append(fragment.bytes)
                if repeatsWindow(fragment.bytes) {
                    addShort(fragment.bytes, replacement)
                    // A run that repeats no window goes to the index as another secret's equal
                    // run would: equal patterns in both halves would make the half, not the
                    // first secret, choose between their replacements.
                    for run in Secret.wrappedBase64Forms(of: fragment.bytes, atOffset: fragment.offset) { addPlain(run) }
                } else {
                    long.add(fragment: fragment.bytes, offset: fragment.offset, replacement: replacement)
                }
            }
            let plain = groups.plain + groups.fragments.map(\.bytes).filter { $0.count <= minimum }
            for form in plain where form.count >= RedactionPolicy.minimumExplicitLength { addPlain(form) }
        }
        seen = []
        values = []
        return (short, long.build())
    }

    /// Whether two of the 8-byte windows of `bytes` are equal (`aaaa…`, `abab…`, a secret that
    /// repeats itself): one sample of such text would give a candidate for each place the window
    /// has in the pattern, each compared byte by byte, where the automaton steps once a byte.
    /// All windows, for plain patterns too (the index holds only their first 9): equal patterns
    /// then always go to the same half, whatever form of which secret they are.
    static func repeatsWindow(_ bytes: [UInt8]) -> Bool {
        let windows = bytes.count - LongPatternIndex.window + 1
        // An open-addressed table on the stack, twice the windows (a set per form cost ten
        // thousand secrets 85 ms); a window of 0 is kept apart, 0 marking a free slot.
        var capacity = 16
        while capacity < 2 * windows { capacity *= 2 }
        return bytes.withUnsafeBytes { raw in
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: capacity) { table in
                table.initialize(repeating: 0)
                var zeroSeen = false
                for offset in 0..<windows {
                    let gram = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                    if gram == 0 {
                        if zeroSeen { return true }
                        zeroSeen = true
                        continue
                    }
                    var slot = Int(truncatingIfNeeded: (gram &* LongPatternIndex.multiplier) >> 40) & (capacity - 1)
                    while table[slot] != 0 {
                        if table[slot] == gram { return true }
                        slot = (slot + 1) & (capacity - 1)
                    }
                    table[slot] = gram
                }
                return false
            }
        }
    }
}
