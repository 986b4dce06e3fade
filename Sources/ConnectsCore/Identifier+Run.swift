extension Identifier {
    /// Identifiers made one after another: within a millisecond each is the last one's random part plus a
    /// random step of 1 to 2^32, so they increase; at another millisecond the random part is drawn afresh.
    ///
    /// Being increasing, the rows written at one instant (a billing-day pass, a job's close) are appended
    /// to the identifier indexes rather than scattered over them. The 80 bits wrap (and the order breaks,
    /// never uniqueness) only if a run started within n steps of their top: a chance of n / 2^48 for n
    /// identifiers in one millisecond.
    public struct Run: Sendable {
        private var milliseconds: UInt64 = 0
        private var high: UInt64 = 0
        private var low: UInt64 = 0

        public init() {}

        /// The run's next identifier with `prefix` at `time`.
        public mutating func make(
            _ prefix: String, at time: Instant, using generator: inout some RandomNumberGenerator
        ) -> String {
            let milliseconds = Identifier.bodyMilliseconds(time)
            if milliseconds == self.milliseconds {
                let (sum, carried) = low.addingReportingOverflow(UInt64.random(in: 1...1 << 32, using: &generator))
                low = sum
                if carried { high = (high + 1) & 0xFFFF }
            } else {
                self.milliseconds = milliseconds
                high = generator.next() & 0xFFFF
                low = generator.next()
            }
            return Identifier.format(prefix, milliseconds: milliseconds, high: high, low: low)
        }
    }
}
