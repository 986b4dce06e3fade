/// Opaque, time-ordered identifiers with a type prefix (`acct_`, `ent_`, `lot_`, ...).
///
/// The body is 48 bits of milliseconds followed by 80 random bits in Crockford base32 (a ULID), so that
/// identifiers made later sort later. That keeps the spend order's last tie-break ("then lot id") close to
/// creation order and keeps index inserts local.
public enum Identifier {
    public static let account = "acct_"
    public static let entry = "ent_"
    public static let lot = "lot_"
    public static let hold = "hold_"
    public static let apiKey = "key_"

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// A new identifier with `prefix`, ordered by `time`.
    public static func make(_ prefix: String, at time: Instant) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(prefix, at: time, using: &generator)
    }

    /// A new identifier with `prefix`, ordered by `time`, drawing randomness from `generator`.
    public static func make(
        _ prefix: String, at time: Instant, using generator: inout some RandomNumberGenerator
    )
        -> String
    {
        let milliseconds = UInt64(clamping: max(0, time.millisecondsSinceEpoch)) & 0xFFFF_FFFF_FFFF
        let high = generator.next() & 0xFFFF  // 16 bits
        let low = generator.next()  // 64 bits
        var characters = [UInt8](repeating: 0, count: 26)
        // 10 characters of time (50 bits, the top 2 always zero), 16 of randomness (80 bits).
        for index in 0..<10 {
            characters[9 - index] = alphabet[Int((milliseconds >> (5 * UInt64(index))) & 31)]
        }
        for index in 0..<16 {
            let shift = 5 * index
            let bits: UInt64
            if shift < 64 {
                bits = (low >> UInt64(shift)) | (shift > 59 ? (high << UInt64(64 - shift)) : 0)
            } else {
                bits = high >> UInt64(shift - 64)
            }
            characters[25 - index] = alphabet[Int(bits & 31)]
        }
        return prefix + String(decoding: characters, as: UTF8.self)
    }
}
