import Synchronization

/// Opaque, time-ordered identifiers with a type prefix (`acct_`, `ent_`, `lot_`, ...).
///
/// The body is 48 bits of milliseconds followed by 80 random bits in Crockford base32 (a ULID), so that
/// identifiers made later sort later. That keeps the spend order's last tie-break ("then lot id") close to
/// creation order and keeps index inserts local.
///
/// Made in ``Order/increasing`` order, the identifiers this process makes within one millisecond keep
/// increasing (a monotonic ULID, see `Identifier.Run`). Identifiers are names, never secrets (access is
/// by API key), so a successor one could guess within a 2^32 step costs nothing.
public enum Identifier {
    public static let account = "acct_"
    public static let entry = "ent_"
    public static let lot = "lot_"
    public static let hold = "hold_"
    public static let apiKey = "key_"

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// How the identifiers made at one millisecond are ordered among themselves.
    ///
    /// A billing-day pass or a job's close writes thousands of rows at one instant. With random
    /// identifiers each lands anywhere among the others in the indexes and dirties a page of its own;
    /// with increasing ones they are appended. That pays where one writer makes them all (SQLite), and
    /// costs where writers run side by side (PostgreSQL), whose rows would all go to each index's last
    /// page, each writer waiting for the others.
    public enum Order: Sendable {
        case random
        /// After every identifier this process made before in this order at the same millisecond
        /// (unless another millisecond's came between).
        case increasing
    }

    /// The run `make(_:at:order:)` continues for increasing identifiers: one for the process.
    private static let run = Mutex(Run())

    /// A new identifier with `prefix`, ordered by `time`, and within its millisecond by `order`.
    public static func make(_ prefix: String, at time: Instant, order: Order = .random) -> String {
        var generator = SystemRandomNumberGenerator()
        switch order {
        case .random:
            return format(
                prefix, milliseconds: bodyMilliseconds(time), high: generator.next() & 0xFFFF, low: generator.next())
        case .increasing:
            return run.withLock { run in run.make(prefix, at: time, using: &generator) }
        }
    }

    /// The 48 bits of milliseconds an identifier holds: times before 1970 are 0.
    static func bodyMilliseconds(_ time: Instant) -> UInt64 {
        UInt64(clamping: max(0, time.millisecondsSinceEpoch)) & 0xFFFF_FFFF_FFFF
    }

    /// `prefix`, then 10 characters of time (50 bits, the top 2 always zero) and 16 of the random part
    /// (`high`'s 16 bits, then `low`'s 64), written straight into the string's storage.
    static func format(_ prefix: String, milliseconds: UInt64, high: UInt64, low: UInt64) -> String {
        let prefix = prefix.utf8
        return String(unsafeUninitializedCapacity: prefix.count + 26) { characters in
            let body = characters.initialize(fromContentsOf: prefix)
            for index in 0..<10 {
                characters[body + 9 - index] = alphabet[Int((milliseconds >> (5 * UInt64(index))) & 31)]
            }
            for index in 0..<16 {
                let shift = 5 * index
                let bits: UInt64
                if shift < 64 {
                    bits = (low >> UInt64(shift)) | (shift > 59 ? (high << UInt64(64 - shift)) : 0)
                } else {
                    bits = high >> UInt64(shift - 64)
                }
                characters[body + 25 - index] = alphabet[Int(bits & 31)]
            }
            return body + 26
        }
    }
}
