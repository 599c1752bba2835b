import FoundationEssentials

/// A token bucket per key: `rate` requests a second, bursts up to `rate`.
///
/// When a request is refused, the wait it reports is the time until the bucket holds a whole token
/// again, rounded up to whole seconds: a client that waits that long is served.
struct RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let rate: Int
    private var buckets: [String: Bucket] = [:]

    init(rate: Int) {
        self.rate = rate
    }

    /// Takes a token for `key`; returns nil when allowed, else the seconds to wait (at least 1).
    mutating func take(key: String, now: Date) -> Int? {
        let capacity = Double(rate)
        var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
        let elapsed = max(0, now.timeIntervalSince(bucket.updated))
        bucket.tokens = min(capacity, bucket.tokens + elapsed * capacity)
        bucket.updated = now
        defer { buckets[key] = bucket }
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            return nil
        }
        let wait = (1 - bucket.tokens) / capacity
        return max(1, Int(wait.rounded(.up)))
    }

    mutating func reset() {
        buckets.removeAll()
    }
}
