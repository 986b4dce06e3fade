import ConnectsCore

extension LedgerStore {
    /// Items of each kind one pass of scheduled work takes on.
    ///
    /// On SQLite a pass's cycle starts share transactions, and so the index pages they dirty: figure 4
    /// of the bench (100,000 accounts due at once) ran 3,300 grants/s at 1,000 items a pass, 8,000 at
    /// 5,000 and 11,000 at 20,000. Past 5,000, a pass's transaction keeps the writer (and the requests
    /// queued behind it) for longer than half a second on a small machine.
    public static var dueItemsPerPass: Int { 5_000 }

    /// Runs the scheduled work due in passes of `limit` items of each kind, until a pass finds less than
    /// a full pass to do; returns how many items ran. Each pass runs at the time `now` gives when it
    /// starts.
    ///
    /// A billing day on which a million accounts fall due is worked through at once, not one pass per
    /// scheduler tick (at 1,000 items every 5 seconds, the last allotment would arrive 80 minutes
    /// late). Items that stay due because they are refused end it: they are logged and not counted, so
    /// a pass of them is not full. At most `passesMax` passes, and none once the task is cancelled
    /// (a shutdown); what is left runs at the next tick.
    ///
    /// Why a clock, not one instant: the identifiers of what a pass writes begin with its time, so that
    /// those of later passes sort after them and are appended to the indexes. Given one instant for a
    /// million accounts, every entry, lot and event identifier of the whole billing day fell at random
    /// places among the others, and once those indexes outgrew SQLite's page cache each insert read
    /// a page from the file (figure 4 of the bench at 1,000,000 accounts).
    public func runAllDueWork(
        now: () -> Instant, policy: LedgerPolicy, limit: Int = Self.dueItemsPerPass, passesMax: Int = 1_000
    ) async throws -> Int {
        var ran = 0
        for _ in 0..<passesMax where !Task.isCancelled {
            let pass = try await runDueWork(now: now(), policy: policy, limit: limit)
            ran += pass
            if pass < limit { break }
        }
        return ran
    }
}
