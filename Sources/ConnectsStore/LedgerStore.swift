import ConnectsCore
import Logging

/// The persistence boundary: a database that runs transactions, and nothing else.
///
/// Like GRDB's `DatabaseWriter`, the protocol asks for little: a read on committed state, a durable
/// write, readiness, a logger. Everything Connects does with a database (carrying out operations with
/// their idempotency records, history, jobs, webhooks, scheduled work) lives in extensions of it,
/// written once in SQL that SQLite and PostgreSQL both understand, so both behave the same by
/// construction, and a test double implements only these four requirements.
///
/// The store decides no rule of the economy: it loads the facts a decision in ConnectsCore needs,
/// locks what the decision reads, writes what it changed, and maps a constraint violation or a race
/// to the refusal or retry it means.
public protocol LedgerStore: Sendable {
    var logger: Logger { get }

    /// Runs `body` on committed state.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T

    /// Runs `body` in a transaction and returns once that transaction is durable. The body may run more
    /// than once (a retried conflict), and may share its transaction with others, in a savepoint of its
    /// own.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T

    /// Whether the database is reachable and migrated.
    func isReady() async -> Bool
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
    /// The most entries one page may read, newest first from its cursor: a page whose filters match
    /// few of them (a rare kind, a quiet period in a long history) ends early with a cursor below what
    /// it read, so that no page scans the whole history. `nil` reads until the page is full.
    public var scanWindow: Int64?

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
