import Platform
import Synchronization

/// A redactor built on a thread of its own while the wrapped command starts: the contract says
/// `plenar run` never delays the command, and ten thousand secrets with all their encodings take
/// about a second to compile into an automaton. The command runs meanwhile; its output waits in
/// the pipes (a command that fills one waits, as it would for a slow reader) until the output
/// pumps' first `process` call has the redactor. Nothing is passed on unredacted.
final class PendingRedactor: Sendable {
    /// Written by the builder thread before it ends, read only after it was joined.
    private final class Slot: @unchecked Sendable {
        var redactor: Redactor?
    }

    private let slot = Slot()
    /// The builder until it has been joined (joining a thread twice is undefined), then nil.
    private let builder: Mutex<NativeThread?>

    init(secrets: [Secret]) {
        let slot = self.slot
        let thread = NativeThread { slot.redactor = Redactor(secrets: secrets) }
        if thread == nil { slot.redactor = Redactor(secrets: secrets) }
        builder = Mutex(thread)
    }

    /// The redactor, waiting for the builder the first time.
    var value: Redactor {
        builder.withLock { builder in
            builder?.join()
            builder = nil
        }
        return slot.redactor!
    }
}
