import ConnectsCore

/// What ledger commands changed, kept in memory until ``flush(_:)`` writes each table's rows with a few
/// multi-row statements.
///
/// A request writes a few rows, but a billing day's batch or a job's decision writes thousands, and a
/// statement per row costs a round trip on PostgreSQL and a statement's overhead on SQLite. Lots, holds
/// and accounts are kept by id, last value winning, so one that several commands touch is written once;
/// entries and events keep their order.
struct LedgerWrites {
    /// How the identifiers of the events it queues are ordered: the database's choice.
    private let identifierOrder: Identifier.Order
    private var entries: [SQLValue] = []
    private var lots: [String: LotWrite] = [:]
    private var holds: [String: (hold: Hold, accountID: String)] = [:]
    private var accounts: [String: AccountRow] = [:]
    private var events: [SQLValue] = []

    init(for db: any SQLSession) {
        self.init(identifierOrder: db.dialect.identifierOrder)
    }

    private init(identifierOrder: Identifier.Order) {
        self.identifierOrder = identifierOrder
    }

    /// A lot as its last command left it, with its availability as stored (`nil` for a lot these
    /// commands created).
    private struct LotWrite {
        var lot: Lot
        var accountID: String
        var storedAvailability: Lot.Availability?
    }

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
        // A lot these commands created is new; any other is already stored, and only its counts change (a
        // plain update is one index seek; an upsert is an insert attempt first). An earlier command of the
        // same batch knew better what is stored: a lot it created is still new (a `nil` availability kept,
        // hence `map`), though this command found it in the ledger (`LedgerWritesTests`).
        for lotID in changes.lotIDs {
            let stored = lots[lotID].map(\.storedAvailability) ?? changes.lotsBefore[lotID]?.availability
            lots[lotID] = LotWrite(lot: ledger.lots[lotID]!, accountID: accountID, storedAvailability: stored)
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
            .text(Identifier.make("evt_", at: now, order: identifierOrder)), .text(type), .text(accountID),
            .text(JSONValue.object(data).serializedText), now.sqlValue,
        ]
    }

    /// Writes everything recorded, and forgets it.
    mutating func flush(_ db: any SQLSession) throws {
        defer { self = LedgerWrites(identifierOrder: identifierOrder) }
        let lots = lots.sorted { $0.key < $1.key }
        try db.executeLater(
            """
            INSERT INTO lots (id, account_id, source, amount, remaining, held, granted_at, expires_at, entry_id,
              availability)
            VALUES {rows}
            """,
            rows: lots.filter { $0.value.storedAvailability == nil }.flatMap { id, value -> [SQLValue] in
                let lot = value.lot
                return [
                    .text(id), .text(value.accountID), .text(lot.source.rawValue), .integer(lot.amount),
                    .integer(lot.remaining), .integer(lot.held), lot.grantedAt.sqlValue, lot.expiresAt.sqlValue,
                    .text(lot.entryID), .integer(lot.availability.rawValue),
                ]
            },
            width: 10)
        // Most updates (a spend of part of a lot) leave its availability, and with it every index, alone.
        let updated = lots.filter { $0.value.storedAvailability != nil }
        try Self.lotCounts.run(
            rows: updated.filter { $0.value.storedAvailability == $0.value.lot.availability }.map { id, value in
                [.integer(value.lot.remaining), .integer(value.lot.held), .text(id)]
            },
            db: db)
        try Self.lotCountsAndAvailability.run(
            rows: updated.filter { $0.value.storedAvailability != $0.value.lot.availability }.map { id, value in
                [
                    .integer(value.lot.remaining), .integer(value.lot.held), .integer(value.lot.availability.rawValue),
                    .text(id),
                ]
            },
            db: db)
        try db.executeLater(
            """
            INSERT INTO holds (id, account_id, amount, allocations, state, cause_type, cause_id, created_at)
            VALUES {rows}
            ON CONFLICT (id) DO UPDATE SET state = excluded.state
            """,
            rows: holds.sorted { $0.key < $1.key }.flatMap { id, value -> [SQLValue] in
                let hold = value.hold
                return [
                    .text(id), .text(value.accountID), .integer(hold.amount),
                    .text(AllocationCoding.encode(hold.allocations)), .text(hold.state.rawValue),
                    .text(hold.cause.type), .text(hold.cause.id), hold.createdAt.sqlValue,
                ]
            },
            width: 8)
        try db.executeLater(
            """
            INSERT INTO entries (id, account_id, sequence, kind, amount, held, total_after, held_after, created_at,
              cause_type, cause_id, rule, policy_version, reason, actor, reverses, allocations, event_key, hold_id,
              unreversed, ticket, previous_hash, hash)
            VALUES {rows}
            """,
            rows: entries, width: 23)
        try updateAccounts(db)
        try insertEvents(db)
    }

    /// Writes the accounts' balances and chain heads, and the other columns of those whose commands
    /// changed more: rewriting an unchanged column would also rewrite its index entries (the cycle-due
    /// index).
    private func updateAccounts(_ db: any SQLSession) throws {
        let accounts = accounts.sorted { $0.key < $1.key }
        try Self.accountBalances.run(
            rows: accounts.filter { !$0.value.isChanged }.map { id, row in
                [
                    .integer(row.balance.total), .integer(row.balance.held), .integer(row.lastSequence),
                    .text(row.lastHash), .text(id),
                ]
            },
            db: db)
        try Self.accountRows.run(
            rows: accounts.filter(\.value.isChanged).map { id, row in
                let account = row.account
                let values: SQLArguments = [
                    account.status.rawValue, account.plan, account.pendingPlan, row.balance.total, row.balance.held,
                    row.lastSequence, row.lastHash, account.billingDay, account.cycleStart, account.nextCycleAt, id,
                ]
                return values.values
            },
            db: db)
    }

    private static let lotCounts = RowUpdate("lots", setting: [("remaining", "BIGINT"), ("held", "BIGINT")])
    private static let lotCountsAndAvailability = RowUpdate(
        "lots", setting: [("remaining", "BIGINT"), ("held", "BIGINT"), ("availability", "BIGINT")])
    private static let accountBalances = RowUpdate(
        "accounts",
        setting: [
            ("balance_total", "BIGINT"), ("balance_held", "BIGINT"), ("last_sequence", "BIGINT"), ("last_hash", "TEXT"),
        ])
    private static let accountRows = RowUpdate(
        "accounts",
        setting: [
            ("status", "TEXT"), ("plan", "TEXT"), ("pending_plan", "TEXT"), ("balance_total", "BIGINT"),
            ("balance_held", "BIGINT"), ("last_sequence", "BIGINT"), ("last_hash", "TEXT"), ("billing_day", "BIGINT"),
            ("cycle_start", "BIGINT"), ("next_cycle_at", "BIGINT"),
        ])

    /// Sets columns of a table's rows by id, given each row as the columns' values and then its id.
    ///
    /// On PostgreSQL, many rows with one statement, `UPDATE ... FROM (VALUES ...)`, whose columns it types
    /// only from the casts: each statement saved is a round trip. SQLite runs that join slower than
    /// plain updates (bench figure 2), and a statement costs it no
    /// round trip, so there, and for a single row, each row has a plain update of its own.
    private struct RowUpdate {
        let single: String
        let many: String
        let row: String
        let width: Int

        init(_ table: String, setting columns: [(name: String, type: String)]) {
            let id = columns.count + 1
            single =
                "UPDATE \(table) SET \(columns.map { "\($0.name) = ?" }.joined(separator: ", ")) WHERE id = ?"
            many = """
                UPDATE \(table) SET \(columns.enumerated().map { "\($1.name) = v.column\($0 + 1)" }.joined(separator: ", "))
                FROM (VALUES {rows}) AS v WHERE \(table).id = v.column\(id)
                """
            row = "(" + columns.map { "CAST(? AS \($0.type))" }.joined(separator: ", ") + ", ?)"
            width = id
        }

        func run(rows: [[SQLValue]], db: any SQLSession) throws {
            guard db.dialect == .postgres, rows.count > 1 else {
                for values in rows { try db.executeLater(single, SQLArguments(values)) }
                return
            }
            try db.executeLater(many, rows: rows.flatMap { $0 }, width: width, row: row)
        }
    }

    /// Writes the queued events, and queues each for the webhooks that want it (on PostgreSQL a
    /// trigger does).
    private func insertEvents(_ db: any SQLSession) throws {
        let insert = "INSERT INTO events (id, type, account_id, data, created_at) VALUES {rows}"
        guard db.dialect == .sqlite else {
            return try db.executeLater(insert, rows: events, width: 5, isSequenced: true)
        }
        try db.execute(insert, rows: events, width: 5) { try Delivery.queueForLastEvents($0, db: db) }
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
