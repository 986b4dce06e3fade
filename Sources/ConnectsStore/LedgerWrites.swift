import ConnectsCore

/// What ledger commands changed, kept in memory until ``flush(_:)`` writes each table's rows with a few
/// multi-row statements.
///
/// A request writes a few rows, but a billing day's batch or a job's decision writes thousands, and a
/// statement per row costs a round trip on PostgreSQL and a statement's overhead on SQLite. Lots, holds
/// and accounts are kept by id, last value winning, so one that several commands touch is written once;
/// entries and events keep their order.
struct LedgerWrites {
    private var entries: [SQLValue] = []
    private var lots: [String: (lot: Lot, accountID: String, isNew: Bool)] = [:]
    private var holds: [String: (hold: Hold, accountID: String)] = [:]
    private var accounts: [String: AccountRow] = [:]
    private var events: [SQLValue] = []
    private var eventCount = 0

    /// An account's columns as its last command left them.
    private struct AccountRow {
        var account: Account
        var balance: Balance
        var lastSequence: Int64
        var lastHash: String
        /// Whether a command changed more than the balance (status, plan, cycle).
        var isChanged: Bool
    }

    /// Takes what the commands run on `ledger` changed, with the events its entries report, and leaves
    /// the ledger as it will be stored: no changes recorded, its hash chain advanced.
    mutating func record(_ ledger: inout AccountLedger, now: Instant) {
        let changes = ledger.changes
        guard !changes.isEmpty else { return }
        if let broken = ledger.checkInvariants() {
            preconditionFailure("the core produced a state that breaks an invariant: \(broken)")
        }
        let accountID = ledger.account.id
        // A lot that one of these entries created is new; any other is already stored, and only its counts
        // change (a plain update is one index seek; an upsert is an insert attempt first).
        let newEntryIDs = Set(changes.entries.map(\.id))
        for lotID in changes.lotIDs {
            let lot = ledger.lots[lotID]!
            let isNew = lots[lotID]?.isNew ?? newEntryIDs.contains(lot.entryID)
            lots[lotID] = (lot, accountID, isNew)
        }
        for hold in changes.holds.values {
            holds[hold.id] = (hold, accountID)
        }
        var previousHash = ledger.chainHead
        for entry in changes.entries {
            let hash = EntryHash.hash(of: entry, previous: previousHash)
            entries += Self.values(of: entry, previousHash: previousHash, hash: hash)
            previousHash = hash
            if let event = Event.reporting(entry) {
                emit(event.type, accountID: accountID, data: event.data, now: now)
            }
        }
        let isChanged = changes.isAccountChanged || accounts[accountID]?.isChanged == true
        accounts[accountID] = AccountRow(
            account: ledger.account, balance: ledger.balance, lastSequence: ledger.lastSequence,
            lastHash: previousHash, isChanged: isChanged)
        ledger.clearChanges()
        ledger.chainHead = previousHash
    }

    /// Queues an event for the outbox, after those queued before it.
    mutating func emit(_ type: String, accountID: String, data: [String: JSONValue], now: Instant) {
        precondition(Event.types.contains(type), "unknown event type \(type)")
        events += [
            .text(Identifier.make("evt_", at: now)), .text(type), .text(accountID),
            .text(JSONValue.object(data).serializedText), now.sqlValue,
        ]
        eventCount += 1
    }

    /// Writes everything recorded, and forgets it.
    mutating func flush(_ db: any SQLSession) throws {
        defer { self = LedgerWrites() }
        let newLots = lots.filter(\.value.isNew).sorted { $0.key < $1.key }
        try db.insert(
            """
            INSERT INTO lots (id, account_id, source, amount, remaining, held, granted_at, expires_at, entry_id)
            VALUES {rows}
            """,
            width: 9,
            rows: newLots.flatMap { _, value in
                let lot = value.lot
                return [
                    .text(lot.id), .text(value.accountID), .text(lot.source.rawValue), .integer(lot.amount),
                    .integer(lot.remaining), .integer(lot.held), lot.grantedAt.sqlValue, lot.expiresAt.sqlValue,
                    .text(lot.entryID),
                ]
            })
        for (id, value) in lots.filter({ !$0.value.isNew }).sorted(by: { $0.key < $1.key }) {
            try db.execute(
                "UPDATE lots SET remaining = ?, held = ? WHERE id = ?", [value.lot.remaining, value.lot.held, id])
        }
        try db.insert(
            """
            INSERT INTO holds (id, account_id, amount, allocations, state, cause_type, cause_id, created_at)
            VALUES {rows}
            ON CONFLICT (id) DO UPDATE SET state = excluded.state
            """,
            width: 8,
            rows: holds.sorted { $0.key < $1.key }.flatMap { _, value in
                let hold = value.hold
                return [
                    .text(hold.id), .text(value.accountID), .integer(hold.amount),
                    .text(AllocationCoding.encode(hold.allocations)), .text(hold.state.rawValue),
                    .text(hold.cause.type), .text(hold.cause.id), hold.createdAt.sqlValue,
                ]
            })
        try db.insert(
            """
            INSERT INTO entries (id, account_id, sequence, kind, amount, held, total_after, held_after, created_at,
              cause_type, cause_id, rule, policy_version, reason, actor, reverses, allocations, event_key, hold_id,
              unreversed, ticket, previous_hash, hash)
            VALUES {rows}
            """,
            width: 23, rows: entries)
        for (id, row) in accounts.sorted(by: { $0.key < $1.key }) {
            try Self.update(row, id: id, db: db)
        }
        try insertEvents(db)
    }

    private static func update(_ row: AccountRow, id: String, db: any SQLSession) throws {
        // Most commands move only the balance; rewriting the account's other columns would also rewrite
        // their index entries (the cycle-due index), unchanged.
        guard row.isChanged else {
            return try db.execute(
                "UPDATE accounts SET balance_total = ?, balance_held = ?, last_sequence = ?, last_hash = ? WHERE id = ?",
                [row.balance.total, row.balance.held, row.lastSequence, row.lastHash, id])
        }
        let account = row.account
        try db.execute(
            """
            UPDATE accounts SET status = ?, plan = ?, pending_plan = ?, balance_total = ?, balance_held = ?,
              last_sequence = ?, last_hash = ?, billing_day = ?, cycle_start = ?, next_cycle_at = ?
            WHERE id = ?
            """,
            [
                account.status.rawValue, account.plan, account.pendingPlan, row.balance.total, row.balance.held,
                row.lastSequence, row.lastHash, account.billingDay, account.cycleStart, account.nextCycleAt, id,
            ])
    }

    /// Writes the queued events, and queues each for the webhooks that want it.
    private func insertEvents(_ db: any SQLSession) throws {
        let insert = "INSERT INTO events (id, type, account_id, data, created_at) VALUES {rows}"
        // Queuing events for webhooks costs a round trip per event on PostgreSQL, so there a trigger does
        // it (`events_fan_out`, PostgresSchema v2). On SQLite a trigger's sub-program costs more than a
        // statement (9 against 2.5 µs an event), and so does `RETURNING seq` (10 µs): the events of one
        // statement are the last rows of the table, whose `seq`s end at the last inserted rowid, read once
        // by the uncorrelated subquery before any delivery is inserted.
        guard db.dialect == .sqlite else { return try db.insert(insert, width: 5, rows: events) }
        try db.insert(insert, width: 5, rows: events) { count in
            try db.execute(
                """
                INSERT INTO deliveries (webhook_id, event_seq, account_id, state, next_attempt_at)
                SELECT w.id, e.seq, e.account_id, 'pending', e.created_at FROM events e, webhooks w
                WHERE e.seq > (SELECT last_insert_rowid()) - ? AND w.deleted_at IS NULL
                  AND (',' || w.events || ',' LIKE '%,' || e.type || ',%' OR w.events = '*')
                """, [count])
        }
    }

    /// The values of an entry's row, in the order of the `INSERT` above.
    private static func values(of entry: Entry, previousHash: String, hash: String) -> [SQLValue] {
        let values: SQLArguments = [
            entry.id, entry.accountID, entry.sequence, entry.kind.rawValue, entry.amount, entry.held,
            entry.balanceAfter.total, entry.balanceAfter.held, entry.createdAt,
            entry.cause.type, entry.cause.id, entry.rule, entry.policyVersion, entry.reason, entry.actor,
            entry.reverses, AllocationCoding.encode(entry.allocations), entry.eventKey, entry.holdID,
            entry.unreversed, entry.ticket, previousHash, hash,
        ]
        return values.values
    }
}
