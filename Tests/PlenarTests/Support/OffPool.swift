import Foundation

/// Runs CPU-heavy synchronous work on a thread of its own, so it does not occupy one of the few
/// threads of Swift's cooperative pool, where the in-process sandbox and other tests' tasks run.
enum OffPool {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
