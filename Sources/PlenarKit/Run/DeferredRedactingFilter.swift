import Platform
import Synchronization

/// A `RedactingFilter` whose automaton comes from a `PendingRedactor`, made on the first bytes.
struct DeferredRedactingFilter: ByteStreamFilter {
    let pending: PendingRedactor
    var filter: RedactingFilter?

    init(_ pending: PendingRedactor) {
        self.pending = pending
    }

    mutating func process(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) {
        if filter == nil { filter = pending.value.makeFilter() }
        filter!.process(bytes, emit: emit)
    }

    mutating func finish(emit: (UnsafeRawBufferPointer) -> Void) {
        filter?.finish(emit: emit)
    }
}
