import ConnectsCore

/// The persistence boundary: every write is one ``StoreOperation`` in one durable transaction, with
/// its idempotency record; reads see only committed state.
///
/// A write returns only after its transaction is durable. Implementations may share one transaction
/// among many concurrent operations (group commit), as long as each operation's effects and refusal
/// stay its own.
public protocol LedgerStore: Sendable {
    /// Carries out `operation` at `now` under `policy`, storing the outcome under `idempotency`.
    func perform(
        _ operation: StoreOperation, now: Instant, policy: LedgerPolicy, idempotency: IdempotencyClaim?
    )
        async throws -> Performed

    /// The stored record of an idempotent request, if any.
    func idempotencyRecord(caller: String, key: String) async throws -> IdempotencyRecord?

    /// The account as it reads at `now`, or `nil`.
    func snapshot(accountID: String, now: Instant) async throws -> AccountSnapshot?

    /// Accounts with `externalID`, optionally of one kind.
    func accounts(externalID: String, kind: Account.Kind?, now: Instant) async throws -> [AccountSnapshot]

    /// The balance as it counted at `at`.
    func balance(accountID: String, at: Instant) async throws -> Balance?

    /// The account's lots, newest first, at most `limit` after `cursor`.
    func lots(accountID: String, limit: Int, after cursor: String?) async throws -> Page<Lot>

    /// The account's entries matching `query`, newest first.
    func entries(accountID: String, query: EntryQuery) async throws -> Page<Entry>

    /// One entry by id.
    func entry(id: String) async throws -> Entry?

    /// The API key whose secret hashes to `secretHash`.
    func apiKey(secretHash: String) async throws -> APIKey?

    /// Whether the database is reachable and migrated.
    func isReady() async -> Bool

    /// The newest stored policy and its version, or `nil` before the first.
    func latestPolicy() async throws -> (version: Int64, policy: Policy)?

    /// Stores `policy` as the next version unless it equals the newest; returns the version in force.
    func savePolicy(_ policy: Policy, now: Instant) async throws -> Int64

    /// The test clock shared by every server node on this database, raised to `instant` if that is
    /// later; `nil` before any node has set it.
    func testClock(raisedTo instant: Instant?) async throws -> Instant?

    /// The earliest instant at which scheduled work falls due under `policy`.
    func nextDueTime(policy: LedgerPolicy) async throws -> Instant?

    /// Runs scheduled work due by `now`, at most `limit` items of each kind; returns how many ran.
    func runDueWork(now: Instant, policy: LedgerPolicy, limit: Int) async throws -> Int

    /// One job, or `nil`.
    func job(id: String) async throws -> Job?

    /// Jobs, newest first, optionally of one status.
    func jobs(status: Job.Status?, limit: Int, after cursor: String?) async throws -> Page<Job>

    /// One proposal, or `nil`.
    func proposal(id: String) async throws -> Proposal?

    /// A job's proposals: boosted ones holding a slot first (bid desc, then earlier), then the rest.
    func proposals(jobID: String, limit: Int, offset: Int) async throws -> [Proposal]

    /// An account's proposals, newest first.
    func proposals(accountID: String, limit: Int, offset: Int) async throws -> [Proposal]

    /// An account's events (its notifications feed), newest first.
    func events(accountID: String, limit: Int, before cursor: Int64?) async throws -> Page<Event>

    /// Registers a webhook; events from now on are delivered to it.
    func createWebhook(_ webhook: Webhook) async throws

    /// The registered webhooks.
    func webhooks() async throws -> [Webhook]

    /// Stops deliveries to a webhook; `false` when there is none.
    func deleteWebhook(id: String, now: Instant) async throws -> Bool

    /// Claims the deliveries due by `now`, the oldest pending one per webhook and account, leased to the
    /// caller so that other server nodes do not send them at the same time.
    func dueDeliveries(now: Instant, limit: Int) async throws -> [Delivery]

    /// Records one delivery attempt's outcome (`error` is `nil` on success).
    func recordDelivery(_ delivery: Delivery, error: String?, now: Instant) async throws
}

/// A page of a list, and the cursor of the next one.
public struct Page<Element: Sendable>: Sendable {
    public var items: [Element]
    public var nextCursor: String?

    public init(items: [Element], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

/// Filters of the history.
public struct EntryQuery: Sendable, Hashable {
    public var kind: EntryKind?
    public var since: Instant?
    public var until: Instant?
    public var limit: Int
    public var cursor: String?
    /// Only entries whose sequence number is in this range (the CSV export reads ranges at once).
    public var sequences: ClosedRange<Int64>?

    public init(
        kind: EntryKind? = nil,
        since: Instant? = nil,
        until: Instant? = nil,
        limit: Int = Limits.pageSizeDefault,
        cursor: String? = nil
    ) {
        precondition(
            (1...max(Limits.pageSizeMax, Limits.exportPageSize)).contains(limit), "page size out of range")
        self.kind = kind
        self.since = since
        self.until = until
        self.limit = limit
        self.cursor = cursor
    }
}
