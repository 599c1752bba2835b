#if canImport(Glibc)
import Glibc
#endif

/// A joinable POSIX thread running one closure (FoundationEssentials has no `Thread`).
///
/// The closure is not `@Sendable`: the caller guarantees that whatever it touches is not used
/// elsewhere until `join()` returns.
struct NativeThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private let thread: pthread_t

    /// Starts the thread, or returns nil if the system has none to give (EAGAIN, the only error
    /// pthread_create can have without attributes).
    init?(_ run: @escaping () -> Void) {
        let body = Unmanaged.passRetained(Body(run)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, body)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(body).release()
            return nil
        }
        self.thread = thread
    }

    func join() {
        pthread_join(thread, nil)
    }
}
