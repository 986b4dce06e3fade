import Synchronization

/// Collects request latencies and counts from many concurrent workers; bounded by `capacity` samples.
final class LatencyRecorder: Sendable {
    private struct State {
        var samples: [Double] = []
        var succeeded = 0
        var failed = 0
        var lastFailure: String?
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 2_000_000) {
        self.capacity = capacity
    }

    func record(seconds: Double, succeeded: Bool, failure: String? = nil) {
        state.withLock { state in
            if state.samples.count < capacity { state.samples.append(seconds) }
            if succeeded {
                state.succeeded += 1
            } else {
                state.failed += 1
                state.lastFailure = failure
            }
        }
    }

    var succeeded: Int { state.withLock { $0.succeeded } }
    var failed: Int { state.withLock { $0.failed } }
    var lastFailure: String? { state.withLock { $0.lastFailure } }

    /// The latency at quantile `q` (0...1), in milliseconds.
    func percentileMilliseconds(_ q: Double) -> Double {
        let sorted = state.withLock { $0.samples }.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1_000
    }
}

/// A counter shared by concurrent workers.
final class SharedCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds one and returns the value before.
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }

    var current: Int { value.load(ordering: .relaxed) }
}

/// A value shared by concurrent workers.
final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func update(_ body: (inout Value) -> Void) { value.withLock { body(&$0) } }

    var current: Value { value.withLock { $0 } }
}
