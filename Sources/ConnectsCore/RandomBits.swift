import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's cryptographic randomness, drawn 4 KiB at a time.
///
/// `SystemRandomNumberGenerator` asks the kernel for every 8 bytes, and an identifier takes two draws:
/// those system calls were a fifth of the CPU a cycle grant spends outside the database (figure 4 of
/// the bench), which makes an entry, a lot and an event. The bits are the same kernel's; only the
/// number of calls changes.
struct RandomBits: RandomNumberGenerator {
    private struct Pool: ~Copyable {
        var words = [UInt64](repeating: 0, count: 512)
        var next = 512

        mutating func take() -> UInt64 {
            if next == words.count {
                words.withUnsafeMutableBytes { RandomBits.fill($0) }
                next = 0
            }
            defer { next += 1 }
            return words[next]
        }
    }

    private static let pool = Mutex(Pool())

    mutating func next() -> UInt64 {
        Self.pool.withLock { $0.take() }
    }

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        // `getentropy` gives at most 256 bytes a call; it is the kernel's `getrandom` on Linux.
        for start in stride(from: 0, to: buffer.count, by: 256) {
            let count = min(256, buffer.count - start)
            // As the standard library does when the kernel has no randomness to give.
            guard getentropy(buffer.baseAddress! + start, count) == 0 else {
                fatalError("getentropy failed: errno \(errno)")
            }
        }
    }
}
