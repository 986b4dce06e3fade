import ConnectsCore

/// The PostgreSQL schema: the same tables, constraints and indexes as SQLite's, in PostgreSQL's types,
/// except the ledger tables' foreign keys to accounts (see ``v6``).
///
/// Identifiers compare byte-wise (`COLLATE "C"`), as in SQLite, so that ids sort by time whatever the
/// database's locale, and cursors page the same way on both.
enum PostgresSchema {
    /// Applied migrations, in order; each one's statements run in one transaction.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", v1), ("v2-event-fan-out", v2), ("v3-cycle-due-by-id", v3), ("v4-auctions-open", v4),
        ("v5-expiry-noticed", v5), ("v6-ledger-rows-unchecked", v6),
        ("v7-web-sessions", WebSessionSchema.statements(for: .postgres)),
        ("v8-staff", WebSessionSchema.staff(for: .postgres)),
        ("v9-notifications-read", NotificationSchema.statements(for: .postgres)),
        ("v10-key-revocation", ["ALTER TABLE api_keys ADD COLUMN revoked_at BIGINT"]),
        (
            "v11-webhook-secret-rotation",
            [
                "ALTER TABLE webhooks ADD COLUMN previous_secret TEXT",
                "ALTER TABLE webhooks ADD COLUMN previous_secret_until BIGINT",
            ]
        ),
        ("v12-proposals-waiting", v12), ("v13-lots-spend-order", v13), ("v14-proposals-by-job-dropped", v14),
        ("v15-lots-availability", v15), ("v16-room-to-update-in-place", v16),
    ]

    /// Room on the pages of the tables that most movements update (lots, accounts, jobs), so that an
    /// update that changes no indexed column stays on its page (a HOT update) and adds no index entry. A
    /// spend's lot (since ``v15``), a movement's account (its balance and chain head) and a proposal's job
    /// (its count) change none, but a full page has no room: measured on 20,000 lots updated five times over,
    /// 86% of updates were HOT with a fifth of each page free, 0.4% without. Pages are filled to 80%
    /// from now on; those written before keep what they have until rewritten. SQLite updates a row in
    /// place whatever its page holds.
    static let v16 = [
        "ALTER TABLE lots SET (fillfactor = 80)", "ALTER TABLE accounts SET (fillfactor = 80)",
        "ALTER TABLE jobs SET (fillfactor = 80)",
    ]

    /// A lot's availability (``Lot/Availability``: spent, wholly held, or with connects free) in a column
    /// of its own, and the partial indexes of open and expiring lots defined on it instead of on
    /// `remaining` and `held`, which every spend sets. With the counters in their conditions, an update
    /// of any lot could not stay on its page (a HOT update) and added an entry to each of its five
    /// indexes (SQLite: deleted and inserted its entry in three); now most touch none. Lots with nothing
    /// left, most of them in an old database, need no update: their availability is the default's 0.
    static let v15 =
        [
            "ALTER TABLE lots ADD COLUMN availability BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE lots ALTER COLUMN availability DROP DEFAULT",
            "UPDATE lots SET availability = \(Lot.availabilitySQL) WHERE remaining > 0",
            "ALTER TABLE lots ADD CONSTRAINT lots_availability CHECK (availability = \(Lot.availabilitySQL))",
            "DROP INDEX lots_spend_order", "DROP INDEX lots_expiring", "DROP INDEX lots_expiry_unnoticed",
        ] + lotIndexesOnAvailability

    /// The partial indexes of lots on their availability (``v15``); SQLite's migration v18 creates the
    /// same on its rebuilt table.
    static let lotIndexesOnAvailability = [
        "CREATE INDEX lots_spend_order ON lots(account_id, expires_at, granted_at, id) WHERE availability > 0",
        "CREATE INDEX lots_expiring ON lots(expires_at) WHERE availability = 2",
        "CREATE INDEX lots_expiry_unnoticed ON lots(expires_at) WHERE availability = 2 AND expiry_noticed = 0",
    ]

    /// `proposals_by_job (job_id, submitted_at)` served no read that `UNIQUE (job_id, freelancer_id)`
    /// does not: every read of a job's proposals seeks by `job_id` alone or with a freelancer, and the
    /// list sorts by boost first, which no index gives. One B-tree less for every proposal written.
    /// The same statement on SQLite.
    static let v14 = ["DROP INDEX proposals_by_job"]

    /// An account's open lots in the spend order: a spend reads the first few that cover it, and every
    /// write the few past their expiry, however many lots the account holds (`LotSelection`). It
    /// replaces `lots_open` (open lots by account), a prefix of it. The same statements on SQLite.
    static let v13 = [
        "DROP INDEX lots_open",
        // Replaced by v15 (SQLite: v18).
        "CREATE INDEX lots_spend_order ON lots(account_id, expires_at, granted_at, id) WHERE remaining > 0",
    ]

    /// The proposals still waiting on their job (`returns.ifWaitingAfterDays`), by submission time: the
    /// scheduler seeks the ones due. The same statement on SQLite.
    static let v12 = [
        """
        CREATE INDEX proposals_waiting ON proposals(submitted_at)
        WHERE status IN ('submitted', 'viewed') AND returned_at IS NULL AND kept_by IS NULL
        """
    ]

    /// An arbitrary constant: the advisory lock that lets one node migrate while the others wait.
    static let migrationLock: Int64 = 0x636F_6E6E_6563_7473

    /// Applies every migration not yet applied. Nodes starting at once queue on an advisory lock held
    /// until this transaction ends, so exactly one applies each migration.
    static func migrate(_ db: any SQLSession) throws {
        try db.execute("SELECT pg_advisory_xact_lock(?)", [migrationLock])
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        let applied = Set(try db.values(String.self, "SELECT name FROM schema_migrations"))
        for migration in migrations where !applied.contains(migration.name) {
            for statement in migration.statements { try db.execute(statement) }
            try db.execute("INSERT INTO schema_migrations (name) VALUES (?)", [migration.name])
        }
    }

    static func isMigrated(_ db: any SQLSession) throws -> Bool {
        guard try db.value(Bool.self, "SELECT to_regclass('schema_migrations') IS NOT NULL") == true else {
            return false
        }
        let applied = Set(try db.values(String.self, "SELECT name FROM schema_migrations"))
        return migrations.allSatisfy { applied.contains($0.name) }
    }

    static let v1: [String] = [
        """
        CREATE TABLE accounts (
          id TEXT COLLATE "C" PRIMARY KEY,
          external_id TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('freelancer', 'client', 'agency')),
          name TEXT,
          plan TEXT,
          pending_plan TEXT,
          status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
          created_at BIGINT NOT NULL,
          balance_total BIGINT NOT NULL DEFAULT 0 CHECK (balance_total BETWEEN 0 AND \(Limits.balanceMax)),
          balance_held BIGINT NOT NULL DEFAULT 0 CHECK (balance_held BETWEEN 0 AND balance_total),
          last_sequence BIGINT NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
          last_hash TEXT NOT NULL DEFAULT '',
          billing_day BIGINT CHECK (billing_day BETWEEN 1 AND 31),
          cycle_start BIGINT,
          next_cycle_at BIGINT,
          UNIQUE (kind, external_id)
        )
        """,
        "CREATE INDEX accounts_cycle_due ON accounts(next_cycle_at) WHERE status = 'active'",
        """
        CREATE TABLE lots (
          id TEXT COLLATE "C" PRIMARY KEY,
          account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          source TEXT NOT NULL,
          amount BIGINT NOT NULL CHECK (amount BETWEEN 1 AND \(Limits.movementMax)),
          remaining BIGINT NOT NULL CHECK (remaining BETWEEN 0 AND amount),
          held BIGINT NOT NULL CHECK (held BETWEEN 0 AND remaining),
          granted_at BIGINT NOT NULL,
          expires_at BIGINT,
          entry_id TEXT COLLATE "C" NOT NULL
        )
        """,
        "CREATE INDEX lots_by_account ON lots(account_id, id)",
        "CREATE INDEX lots_open ON lots(account_id) WHERE remaining > 0",  // dropped by v13
        "CREATE INDEX lots_expiring ON lots(expires_at) WHERE remaining > held",  // replaced by v15 (SQLite: v18)
        """
        CREATE TABLE holds (
          id TEXT COLLATE "C" PRIMARY KEY,
          account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          amount BIGINT NOT NULL CHECK (amount BETWEEN 1 AND \(Limits.movementMax)),
          allocations TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('open', 'captured', 'released')),
          cause_type TEXT NOT NULL,
          cause_id TEXT NOT NULL,
          created_at BIGINT NOT NULL
        )
        """,
        "CREATE INDEX holds_open ON holds(account_id) WHERE state = 'open'",
        """
        CREATE TABLE entries (
          id TEXT COLLATE "C" PRIMARY KEY,
          account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          sequence BIGINT NOT NULL CHECK (sequence >= 1),
          kind TEXT NOT NULL CHECK (kind IN ('grant', 'reward', 'purchase', 'courtesy', 'spend', 'hold',
            'capture', 'release', 'return', 'expire', 'forfeit', 'adjustment', 'reversal')),
          amount BIGINT NOT NULL CHECK (amount BETWEEN -\(Limits.movementMax) AND \(Limits.movementMax)),
          held BIGINT NOT NULL CHECK (held BETWEEN -\(Limits.movementMax) AND \(Limits.movementMax)),
          total_after BIGINT NOT NULL CHECK (total_after BETWEEN 0 AND \(Limits.balanceMax)),
          held_after BIGINT NOT NULL CHECK (held_after BETWEEN 0 AND total_after),
          created_at BIGINT NOT NULL,
          cause_type TEXT NOT NULL CHECK (cause_type <> ''),
          cause_id TEXT NOT NULL CHECK (cause_id <> ''),
          rule TEXT,
          policy_version BIGINT,
          reason TEXT,
          actor TEXT NOT NULL CHECK (actor <> ''),
          reverses TEXT COLLATE "C",
          allocations TEXT NOT NULL,
          event_key TEXT,
          hold_id TEXT COLLATE "C",
          unreversed BIGINT,
          ticket TEXT,
          previous_hash TEXT NOT NULL,
          hash TEXT NOT NULL,
          UNIQUE (account_id, sequence),
          CHECK (kind NOT IN ('adjustment', 'reversal') OR length(reason) > 0)
        )
        """,
        "CREATE UNIQUE INDEX entries_event_key ON entries(event_key) WHERE event_key IS NOT NULL",
        "CREATE UNIQUE INDEX entries_one_reversal ON entries(reverses) WHERE kind = 'reversal'",
        "CREATE INDEX entries_by_time ON entries(account_id, created_at)",
        """
        CREATE FUNCTION entries_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'entries are append-only'; END $$
        """,
        """
        CREATE TRIGGER entries_are_append_only_update BEFORE UPDATE ON entries
        FOR EACH ROW EXECUTE FUNCTION entries_are_append_only()
        """,
        """
        CREATE TRIGGER entries_are_append_only_delete BEFORE DELETE ON entries
        FOR EACH ROW EXECUTE FUNCTION entries_are_append_only()
        """,
        """
        CREATE TRIGGER entries_are_append_only_truncate BEFORE TRUNCATE ON entries
        FOR EACH STATEMENT EXECUTE FUNCTION entries_are_append_only()
        """,
        """
        CREATE TABLE idempotency_records (
          caller TEXT NOT NULL,
          key TEXT NOT NULL CHECK (octet_length(key) BETWEEN 1 AND \(Limits.idempotencyKeyBytesMax)),
          fingerprint TEXT NOT NULL,
          status BIGINT NOT NULL,
          content_type TEXT NOT NULL,
          body BYTEA NOT NULL,
          created_at BIGINT NOT NULL,
          PRIMARY KEY (caller, key)
        )
        """,
        "CREATE INDEX idempotency_records_by_age ON idempotency_records(created_at)",
        """
        CREATE TABLE api_keys (
          id TEXT COLLATE "C" PRIMARY KEY,
          secret_hash TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('admin', 'service', 'support', 'freelancer', 'client')),
          account_id TEXT COLLATE "C" REFERENCES accounts(id),
          created_at BIGINT NOT NULL,
          CHECK ((role IN ('freelancer', 'client')) = (account_id IS NOT NULL))
        )
        """,
        """
        CREATE TABLE policies (
          version BIGINT PRIMARY KEY CHECK (version >= 1),
          document TEXT NOT NULL,
          created_at BIGINT NOT NULL
        )
        """,
        """
        CREATE TABLE purchases (
          id TEXT COLLATE "C" PRIMARY KEY,
          account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          quantity BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND \(Limits.movementMax)),
          currency TEXT NOT NULL,
          amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
          payment_reference TEXT NOT NULL UNIQUE,
          entry_id TEXT COLLATE "C" NOT NULL REFERENCES entries(id),
          created_at BIGINT NOT NULL
        )
        """,
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE jobs (
          id TEXT COLLATE "C" PRIMARY KEY,
          client_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND \(Limits.labelLengthMax)),
          budget_currency TEXT,
          budget_minor BIGINT CHECK (budget_minor >= 0),
          connect_cost BIGINT NOT NULL CHECK (connect_cost BETWEEN \(Job.connectCostRange.lowerBound) AND \(Job.connectCostRange.upperBound)),
          posted_at BIGINT NOT NULL,
          hiring_deadline BIGINT,
          expires_at BIGINT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('open', 'filled', 'closed', 'canceled', 'removed', 'expired')),
          boost_slots BIGINT NOT NULL,
          boost_closes_at BIGINT NOT NULL,
          auction_closed BIGINT NOT NULL CHECK (auction_closed IN (0, 1)),
          last_client_activity_at BIGINT NOT NULL,
          proposal_count BIGINT NOT NULL CHECK (proposal_count BETWEEN 0 AND \(Job.proposalsMax)),
          hired_proposal_id TEXT COLLATE "C"
        )
        """,
        "CREATE INDEX jobs_open_by_time ON jobs(expires_at) WHERE status = 'open'",
        "CREATE INDEX jobs_by_client ON jobs(client_id, status)",
        """
        CREATE TABLE proposals (
          id TEXT COLLATE "C" PRIMARY KEY,
          job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id),
          freelancer_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          agency_id TEXT COLLATE "C" REFERENCES accounts(id),
          payer_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          status TEXT NOT NULL CHECK (status IN ('submitted', 'viewed', 'withdrawn', 'declined', 'hired', 'not_hired')),
          fee BIGINT NOT NULL CHECK (fee BETWEEN 0 AND \(Job.connectCostRange.upperBound)),
          fee_entry_id TEXT COLLATE "C" REFERENCES entries(id),
          invited BIGINT NOT NULL CHECK (invited IN (0, 1)),
          boost_bid BIGINT CHECK (boost_bid BETWEEN 1 AND \(Limits.boostBidMax)),
          boost_state TEXT CHECK (boost_state IN ('held', 'captured', 'released')),
          boost_hold_id TEXT COLLATE "C",
          boost_capture_entry_id TEXT COLLATE "C" REFERENCES entries(id),
          submitted_at BIGINT NOT NULL,
          viewed_at BIGINT,
          returned_amount BIGINT,
          returned_rule TEXT,
          returned_at BIGINT,
          kept_by TEXT,
          UNIQUE (job_id, freelancer_id)
        )
        """,
        "CREATE INDEX proposals_by_job ON proposals(job_id, submitted_at)",  // dropped by v14
        "CREATE INDEX proposals_bidding ON proposals(job_id) WHERE boost_state IN ('held', 'captured')",
        "CREATE INDEX proposals_by_freelancer ON proposals(freelancer_id, submitted_at)",
        """
        CREATE INDEX proposals_unviewed ON proposals(submitted_at)
        WHERE status = 'submitted' AND returned_at IS NULL AND kept_by IS NULL
        """,
        """
        CREATE TABLE invitations (
          job_id TEXT COLLATE "C" NOT NULL REFERENCES jobs(id),
          freelancer_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          created_at BIGINT NOT NULL,
          PRIMARY KEY (job_id, freelancer_id)
        )
        """,
        """
        CREATE TABLE agency_members (
          agency_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          freelancer_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          created_at BIGINT NOT NULL,
          PRIMARY KEY (agency_id, freelancer_id)
        )
        """,
        """
        CREATE TABLE events (
          seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          id TEXT COLLATE "C" NOT NULL UNIQUE,
          type TEXT NOT NULL,
          account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
          data TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          dedupe_key TEXT UNIQUE
        )
        """,
        "CREATE INDEX events_by_account ON events(account_id, seq)",
        """
        CREATE TABLE webhooks (
          id TEXT COLLATE "C" PRIMARY KEY,
          url TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND \(Limits.webhookURLLengthMax)),
          events TEXT NOT NULL,
          secret TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          deleted_at BIGINT
        )
        """,
        """
        CREATE TABLE deliveries (
          webhook_id TEXT COLLATE "C" NOT NULL REFERENCES webhooks(id),
          event_seq BIGINT NOT NULL REFERENCES events(seq),
          account_id TEXT COLLATE "C" NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
          attempts BIGINT NOT NULL DEFAULT 0,
          next_attempt_at BIGINT NOT NULL,
          last_error TEXT,
          delivered_at BIGINT,
          PRIMARY KEY (webhook_id, event_seq)
        )
        """,
        """
        CREATE INDEX deliveries_pending ON deliveries(webhook_id, account_id, event_seq) WHERE state = 'pending'
        """,
    ]

    /// The fan-out of an event to the webhooks that want it runs in the database, in the statement that
    /// writes the event (as on SQLite): one round trip per event instead of two.
    static let v2: [String] = [
        """
        CREATE FUNCTION events_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO deliveries (webhook_id, event_seq, account_id, state, next_attempt_at)
          SELECT id, NEW.seq, NEW.account_id, 'pending', NEW.created_at FROM webhooks
          WHERE deleted_at IS NULL AND (',' || events || ',' LIKE '%,' || NEW.type || ',%' OR events = '*');
          RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER events_fan_out AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_fan_out()",
    ]

    /// Accounts due at the same instant (a billing day's cohort) are taken in id order, so that each pass
    /// of the scheduler writes neighbouring index pages (bench figure 4 measures it).
    /// SQLite's migration v7 runs the same statements.
    static let v3: [String] = [
        "DROP INDEX accounts_cycle_due",
        "CREATE INDEX accounts_cycle_due ON accounts(next_cycle_at, id) WHERE status = 'active'",
    ]

    /// Open auctions by closing time: the scheduler looks for the ones due at every tick, and without it
    /// read the whole jobs table, closed jobs and all. SQLite's migration v8 runs the same statement.
    static let v4: [String] = [
        "CREATE INDEX jobs_auction_open ON jobs(boost_closes_at) WHERE auction_closed = 0"
    ]

    /// Whether a lot's expiry notice went out, on the lot: the scheduler finds the lots still to notify
    /// in an index of those alone. It looked for them by the events they lacked, which read every lot
    /// already notified at every tick, and on PostgreSQL (a generic plan: a parallel scan of lots and
    /// a hash of every event's key) took longer a pass as events accumulated.
    /// SQLite's migration v9 runs the same statements.
    static let v5: [String] = [
        "ALTER TABLE lots ADD COLUMN expiry_noticed INTEGER NOT NULL DEFAULT 0",
        """
        UPDATE lots SET expiry_noticed = 1
        WHERE EXISTS (SELECT 1 FROM events e WHERE e.dedupe_key = 'expiring:' || lots.id)
        """,
        // Replaced by v15 (SQLite: v18).
        "CREATE INDEX lots_expiry_unnoticed ON lots(expires_at) WHERE remaining > held AND expiry_noticed = 0",
    ]

    /// Lots, holds, entries and events no longer check their account with a foreign key. The check is a
    /// query run inside PostgreSQL for every row, a large share of its CPU on a billing day (bench
    /// figure 4), and it cannot fail there: every write loads its account first and updates it in the
    /// same transaction, and accounts are never deleted. `connects verify` names any row whose account
    /// is missing (a hand-written `INSERT`, say). Other tables keep theirs, and SQLite keeps all of its
    /// own: dropping one there means rebuilding the table.
    static let v6: [String] = [
        "ALTER TABLE lots DROP CONSTRAINT IF EXISTS lots_account_id_fkey",
        "ALTER TABLE holds DROP CONSTRAINT IF EXISTS holds_account_id_fkey",
        "ALTER TABLE entries DROP CONSTRAINT IF EXISTS entries_account_id_fkey",
        "ALTER TABLE events DROP CONSTRAINT IF EXISTS events_account_id_fkey",
    ]
}
