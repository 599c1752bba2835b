/// A joinable POSIX thread running one closure (FoundationEssentials has no `Thread`).
///
/// The closure is not `@Sendable`: the caller guarantees that whatever it touches is not used
/// elsewhere until `join()` returns.
public struct NativeThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private let thread: pthread_t

    /// Starts the thread, or returns nil if the system has none to give (EAGAIN, the only error
    /// pthread_create can have without attributes).
    public init?(_ run: @escaping () -> Void) {
        let body = Unmanaged.passRetained(Body(run)).toOpaque()
        #if canImport(Darwin)
        var created: pthread_t?
        #else
        var created = pthread_t()
        #endif
        let result = pthread_create(
            &created, nil,
            { context in
                // Optional on Glibc and Musl, not on Darwin.
                let context: UnsafeMutableRawPointer? = context
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                body.run()
                return nil
            }, body)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(body).release()
            return nil
        }
        #if canImport(Darwin)
        self.thread = created!
        #else
        self.thread = created
        #endif
    }

    public func join() {
        pthread_join(thread, nil)
    }
}
