import Synchronization

/// A token bucket per API key: each key may send `ratePerSecond` requests a second on average, in bursts
/// of up to `burst`. Over it, requests are refused with `rate_limited` and a `Retry-After`.
final class RateLimiter: Sendable {
    /// The most keys tracked at once; when full, buckets that have refilled are forgotten first.
    static let trackedKeysMax = 100_000

    private struct Bucket {
        var tokens: Double
        var updatedAt: ContinuousClock.Instant
    }

    let ratePerSecond: Double
    let burst: Double
    private let buckets = Mutex([String: Bucket]())

    convenience init(ratePerSecond: Int, burst: Int? = nil) {
        self.init(ratePerSecond: Double(ratePerSecond), burst: Double(burst ?? ratePerSecond * 2))
    }

    /// A limiter of `count` requests per `seconds` for each key, all of them at once if need be.
    convenience init(count: Int, perSeconds seconds: Double) {
        self.init(ratePerSecond: Double(count) / seconds, burst: Double(count))
    }

    private init(ratePerSecond: Double, burst: Double) {
        precondition(ratePerSecond > 0, "a rate limiter needs a positive rate")
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    /// The seconds `key` must wait for a token, or `nil` when it has one (none is taken).
    func waitForToken(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            guard let bucket = buckets[key] else { return nil }
            let elapsed = now - bucket.updatedAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let tokens = min(burst, bucket.tokens + seconds * ratePerSecond)
            return tokens >= 1 ? nil : max(1, Int(((1 - tokens) / ratePerSecond).rounded(.up)))
        }
    }

    /// Takes one token for `key`; returns the seconds to wait when none is left.
    func acquire(_ key: String, now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updatedAt: now)
            let elapsed = now - bucket.updatedAt
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * ratePerSecond)
            bucket.updatedAt = now
            guard bucket.tokens >= 1 else {
                buckets[key] = bucket
                return max(1, Int(((1 - bucket.tokens) / ratePerSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            if buckets[key] == nil, buckets.count >= Self.trackedKeysMax {
                buckets = buckets.filter { $0.value.tokens < burst - 1 }
                if buckets.count >= Self.trackedKeysMax { buckets.removeAll(keepingCapacity: true) }
            }
            buckets[key] = bucket
            return nil
        }
    }
}
