import ConnectsCore
import GRDB

extension SQLiteStore {
    /// The schema, constraints first: the database refuses what the code must never write.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-ledger") { db in
            try db.execute(
                sql: """
                    CREATE TABLE accounts (
                      id TEXT PRIMARY KEY NOT NULL,
                      external_id TEXT NOT NULL,
                      kind TEXT NOT NULL CHECK (kind IN ('freelancer', 'client', 'agency')),
                      name TEXT,
                      plan TEXT,
                      pending_plan TEXT,
                      status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
                      created_at INTEGER NOT NULL,
                      balance_total INTEGER NOT NULL DEFAULT 0 CHECK (balance_total BETWEEN 0 AND \(Limits.balanceMax)),
                      balance_held INTEGER NOT NULL DEFAULT 0 CHECK (balance_held BETWEEN 0 AND balance_total),
                      last_sequence INTEGER NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
                      last_hash TEXT NOT NULL DEFAULT '',
                      UNIQUE (kind, external_id)
                    ) STRICT;

                    CREATE TABLE lots (
                      id TEXT PRIMARY KEY NOT NULL,
                      account_id TEXT NOT NULL REFERENCES accounts(id),
                      source TEXT NOT NULL,
                      amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND \(Limits.movementMax)),
                      remaining INTEGER NOT NULL CHECK (remaining BETWEEN 0 AND amount),
                      held INTEGER NOT NULL CHECK (held BETWEEN 0 AND remaining),
                      granted_at INTEGER NOT NULL,
                      expires_at INTEGER,
                      entry_id TEXT NOT NULL
                    ) STRICT;
                    CREATE INDEX lots_by_account ON lots(account_id, id);
                    CREATE INDEX lots_open ON lots(account_id) WHERE remaining > 0; -- dropped by v16

                    CREATE TABLE holds (
                      id TEXT PRIMARY KEY NOT NULL,
                      account_id TEXT NOT NULL REFERENCES accounts(id),
                      amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND \(Limits.movementMax)),
                      allocations TEXT NOT NULL,
                      state TEXT NOT NULL CHECK (state IN ('open', 'captured', 'released')),
                      cause_type TEXT NOT NULL,
                      cause_id TEXT NOT NULL,
                      created_at INTEGER NOT NULL
                    ) STRICT;
                    CREATE INDEX holds_open ON holds(account_id) WHERE state = 'open';

                    CREATE TABLE entries (
                      id TEXT PRIMARY KEY NOT NULL,
                      account_id TEXT NOT NULL REFERENCES accounts(id),
                      sequence INTEGER NOT NULL CHECK (sequence >= 1),
                      kind TEXT NOT NULL CHECK (kind IN ('grant', 'reward', 'purchase', 'courtesy', 'spend', 'hold',
                        'capture', 'release', 'return', 'expire', 'forfeit', 'adjustment', 'reversal')),
                      amount INTEGER NOT NULL CHECK (amount BETWEEN -\(Limits.movementMax) AND \(Limits.movementMax)),
                      held INTEGER NOT NULL CHECK (held BETWEEN -\(Limits.movementMax) AND \(Limits.movementMax)),
                      total_after INTEGER NOT NULL CHECK (total_after BETWEEN 0 AND \(Limits.balanceMax)),
                      held_after INTEGER NOT NULL CHECK (held_after BETWEEN 0 AND total_after),
                      created_at INTEGER NOT NULL,
                      cause_type TEXT NOT NULL CHECK (cause_type <> ''),
                      cause_id TEXT NOT NULL CHECK (cause_id <> ''),
                      rule TEXT,
                      policy_version INTEGER,
                      reason TEXT,
                      actor TEXT NOT NULL CHECK (actor <> ''),
                      reverses TEXT,
                      allocations TEXT NOT NULL,
                      event_key TEXT,
                      hold_id TEXT,
                      unreversed INTEGER,
                      ticket TEXT,
                      previous_hash TEXT NOT NULL,
                      hash TEXT NOT NULL,
                      UNIQUE (account_id, sequence),
                      CHECK (kind NOT IN ('adjustment', 'reversal') OR length(reason) > 0)
                    ) STRICT;
                    CREATE UNIQUE INDEX entries_event_key ON entries(event_key) WHERE event_key IS NOT NULL;
                    CREATE UNIQUE INDEX entries_one_reversal ON entries(reverses) WHERE kind = 'reversal';
                    CREATE INDEX entries_by_time ON entries(account_id, created_at);

                    CREATE TRIGGER entries_are_append_only_update BEFORE UPDATE ON entries
                    BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;
                    CREATE TRIGGER entries_are_append_only_delete BEFORE DELETE ON entries
                    BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END;

                    CREATE TABLE idempotency_records (
                      caller TEXT NOT NULL,
                      key TEXT NOT NULL CHECK (length(CAST(key AS BLOB)) BETWEEN 1 AND \(Limits.idempotencyKeyBytesMax)),
                      fingerprint TEXT NOT NULL,
                      status INTEGER NOT NULL,
                      content_type TEXT NOT NULL,
                      body BLOB NOT NULL,
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY (caller, key)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX idempotency_records_by_age ON idempotency_records(created_at);

                    CREATE TABLE api_keys (
                      id TEXT PRIMARY KEY NOT NULL,
                      secret_hash TEXT NOT NULL UNIQUE,
                      role TEXT NOT NULL CHECK (role IN ('admin', 'service', 'support', 'freelancer', 'client')),
                      account_id TEXT REFERENCES accounts(id),
                      created_at INTEGER NOT NULL,
                      CHECK ((role IN ('freelancer', 'client')) = (account_id IS NOT NULL))
                    ) STRICT;
                    """
            )
        }
        migrator.registerMigration("v2-economy") { db in
            try db.execute(
                sql: """
                    ALTER TABLE accounts ADD COLUMN billing_day INTEGER CHECK (billing_day BETWEEN 1 AND 31);
                    ALTER TABLE accounts ADD COLUMN cycle_start INTEGER;
                    ALTER TABLE accounts ADD COLUMN next_cycle_at INTEGER;
                    CREATE INDEX accounts_cycle_due ON accounts(next_cycle_at) WHERE status = 'active';
                    CREATE INDEX lots_expiring ON lots(expires_at) WHERE remaining > held; -- replaced by v18

                    CREATE TABLE policies (
                      version INTEGER PRIMARY KEY CHECK (version >= 1),
                      document TEXT NOT NULL,
                      created_at INTEGER NOT NULL
                    ) STRICT;

                    CREATE TABLE purchases (
                      id TEXT PRIMARY KEY NOT NULL,
                      account_id TEXT NOT NULL REFERENCES accounts(id),
                      quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND \(Limits.movementMax)),
                      currency TEXT NOT NULL,
                      amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
                      payment_reference TEXT NOT NULL UNIQUE,
                      entry_id TEXT NOT NULL REFERENCES entries(id),
                      created_at INTEGER NOT NULL
                    ) STRICT;

                    CREATE TABLE settings (
                      key TEXT PRIMARY KEY NOT NULL,
                      value TEXT NOT NULL
                    ) STRICT;
                    """
            )
        }
        migrator.registerMigration("v3-jobs") { db in
            try db.execute(
                sql: """
                    CREATE TABLE jobs (
                      id TEXT PRIMARY KEY NOT NULL,
                      client_id TEXT NOT NULL REFERENCES accounts(id),
                      title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND \(Limits.labelLengthMax)),
                      budget_currency TEXT,
                      budget_minor INTEGER CHECK (budget_minor >= 0),
                      connect_cost INTEGER NOT NULL CHECK (connect_cost BETWEEN \(Job.connectCostRange.lowerBound) AND \(Job.connectCostRange.upperBound)),
                      posted_at INTEGER NOT NULL,
                      hiring_deadline INTEGER,
                      expires_at INTEGER NOT NULL,
                      status TEXT NOT NULL CHECK (status IN ('open', 'filled', 'closed', 'canceled', 'removed', 'expired')),
                      boost_slots INTEGER NOT NULL,
                      boost_closes_at INTEGER NOT NULL,
                      auction_closed INTEGER NOT NULL CHECK (auction_closed IN (0, 1)),
                      last_client_activity_at INTEGER NOT NULL,
                      proposal_count INTEGER NOT NULL CHECK (proposal_count BETWEEN 0 AND \(Job.proposalsMax)),
                      hired_proposal_id TEXT
                    ) STRICT;
                    CREATE INDEX jobs_open_by_time ON jobs(expires_at) WHERE status = 'open';
                    CREATE INDEX jobs_by_client ON jobs(client_id, status);

                    CREATE TABLE proposals (
                      id TEXT PRIMARY KEY NOT NULL,
                      job_id TEXT NOT NULL REFERENCES jobs(id),
                      freelancer_id TEXT NOT NULL REFERENCES accounts(id),
                      agency_id TEXT REFERENCES accounts(id),
                      payer_id TEXT NOT NULL REFERENCES accounts(id),
                      status TEXT NOT NULL CHECK (status IN ('submitted', 'viewed', 'withdrawn', 'declined', 'hired', 'not_hired')),
                      fee INTEGER NOT NULL CHECK (fee BETWEEN 0 AND \(Job.connectCostRange.upperBound)),
                      fee_entry_id TEXT REFERENCES entries(id),
                      invited INTEGER NOT NULL CHECK (invited IN (0, 1)),
                      boost_bid INTEGER CHECK (boost_bid BETWEEN 1 AND \(Limits.boostBidMax)),
                      boost_state TEXT CHECK (boost_state IN ('held', 'captured', 'released')),
                      boost_hold_id TEXT,
                      boost_capture_entry_id TEXT REFERENCES entries(id),
                      submitted_at INTEGER NOT NULL,
                      viewed_at INTEGER,
                      returned_amount INTEGER,
                      returned_rule TEXT,
                      returned_at INTEGER,
                      kept_by TEXT,
                      UNIQUE (job_id, freelancer_id)
                    ) STRICT;
                    CREATE INDEX proposals_by_job ON proposals(job_id, submitted_at); -- dropped by v17
                    CREATE INDEX proposals_bidding ON proposals(job_id) WHERE boost_state IN ('held', 'captured');
                    CREATE INDEX proposals_by_freelancer ON proposals(freelancer_id, submitted_at);
                    CREATE INDEX proposals_unviewed ON proposals(submitted_at) WHERE status = 'submitted' AND returned_at IS NULL AND kept_by IS NULL;

                    CREATE TABLE invitations (
                      job_id TEXT NOT NULL REFERENCES jobs(id),
                      freelancer_id TEXT NOT NULL REFERENCES accounts(id),
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY (job_id, freelancer_id)
                    ) STRICT, WITHOUT ROWID;

                    CREATE TABLE agency_members (
                      agency_id TEXT NOT NULL REFERENCES accounts(id),
                      freelancer_id TEXT NOT NULL REFERENCES accounts(id),
                      created_at INTEGER NOT NULL,
                      PRIMARY KEY (agency_id, freelancer_id)
                    ) STRICT, WITHOUT ROWID;
                    """
            )
        }
        migrator.registerMigration("v4-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      id TEXT NOT NULL UNIQUE,
                      type TEXT NOT NULL,
                      account_id TEXT NOT NULL REFERENCES accounts(id),
                      data TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      dedupe_key TEXT UNIQUE
                    ) STRICT;
                    CREATE INDEX events_by_account ON events(account_id, seq);

                    CREATE TABLE webhooks (
                      id TEXT PRIMARY KEY NOT NULL,
                      url TEXT NOT NULL CHECK (length(url) BETWEEN 8 AND \(Limits.webhookURLLengthMax)),
                      events TEXT NOT NULL,
                      secret TEXT NOT NULL,
                      created_at INTEGER NOT NULL,
                      deleted_at INTEGER
                    ) STRICT;

                    CREATE TABLE deliveries (
                      webhook_id TEXT NOT NULL REFERENCES webhooks(id),
                      event_seq INTEGER NOT NULL REFERENCES events(seq),
                      account_id TEXT NOT NULL,
                      state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at INTEGER NOT NULL,
                      last_error TEXT,
                      delivered_at INTEGER,
                      PRIMARY KEY (webhook_id, event_seq)
                    ) STRICT, WITHOUT ROWID;
                    CREATE INDEX deliveries_pending ON deliveries(webhook_id, account_id, event_seq) WHERE state = 'pending';
                    """
            )
        }
        // Replaced by v6; kept so that databases that applied it migrate on.
        migrator.registerMigration("v5-event-fan-out") { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER events_fan_out AFTER INSERT ON events BEGIN
                      INSERT INTO deliveries (webhook_id, event_seq, account_id, state, next_attempt_at)
                      SELECT id, NEW.seq, NEW.account_id, 'pending', NEW.created_at FROM webhooks
                      WHERE deleted_at IS NULL AND (',' || events || ',' LIKE '%,' || NEW.type || ',%' OR events = '*');
                    END;
                    """
            )
        }
        // v5's trigger measured slower than the statement it replaced (a trigger runs a sub-program for
        // every event): the store queues deliveries itself again (`emit`).
        migrator.registerMigration("v6-event-fan-out-by-statement") { db in
            try db.execute(sql: "DROP TRIGGER events_fan_out")
        }
        // Accounts due at the same instant (a billing day's cohort) are taken in id order, so each pass
        // of the scheduler walks neighbouring index pages rather than pages all over the file.
        migrator.registerMigration("v7-cycle-due-by-id") { db in
            for statement in PostgresSchema.v3 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v8-auctions-open") { db in
            for statement in PostgresSchema.v4 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v9-expiry-noticed") { db in
            for statement in PostgresSchema.v5 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v10-web-sessions") { db in
            for statement in WebSessionSchema.statements(for: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v11-staff") { db in
            for statement in WebSessionSchema.staff(for: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v12-notifications-read") { db in
            for statement in NotificationSchema.statements(for: .sqlite) { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v13-key-revocation") { db in
            try db.execute(sql: "ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER")
        }
        migrator.registerMigration("v14-webhook-secret-rotation") { db in
            try db.execute(sql: "ALTER TABLE webhooks ADD COLUMN previous_secret TEXT")
            try db.execute(sql: "ALTER TABLE webhooks ADD COLUMN previous_secret_until INTEGER")
        }
        migrator.registerMigration("v15-proposals-waiting") { db in
            for statement in PostgresSchema.v12 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v16-lots-spend-order") { db in
            for statement in PostgresSchema.v13 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v17-proposals-by-job-dropped") { db in
            for statement in PostgresSchema.v14 { try db.execute(sql: statement) }
        }
        // A lot's availability in a column of its own, and the partial indexes of open and expiring lots
        // on it (``PostgresSchema/v15`` says why). SQLite adds a column with a `CHECK` only if every row
        // passes it with the column's default, so the table is rebuilt, as SQLite's `ALTER TABLE` page
        // describes: nothing refers to lots, and the copy keeps their row order.
        migrator.registerMigration("v18-lots-availability") { db in
            try db.execute(
                sql: """
                    CREATE TABLE lots_rebuilt (
                      id TEXT PRIMARY KEY NOT NULL,
                      account_id TEXT NOT NULL REFERENCES accounts(id),
                      source TEXT NOT NULL,
                      amount INTEGER NOT NULL CHECK (amount BETWEEN 1 AND \(Limits.movementMax)),
                      remaining INTEGER NOT NULL CHECK (remaining BETWEEN 0 AND amount),
                      held INTEGER NOT NULL CHECK (held BETWEEN 0 AND remaining),
                      granted_at INTEGER NOT NULL,
                      expires_at INTEGER,
                      entry_id TEXT NOT NULL,
                      expiry_noticed INTEGER NOT NULL DEFAULT 0,
                      availability INTEGER NOT NULL CHECK (availability = \(Lot.availabilitySQL))
                    ) STRICT;
                    INSERT INTO lots_rebuilt
                    SELECT id, account_id, source, amount, remaining, held, granted_at, expires_at, entry_id,
                      expiry_noticed, \(Lot.availabilitySQL)
                    FROM lots;
                    DROP TABLE lots;
                    ALTER TABLE lots_rebuilt RENAME TO lots;
                    CREATE INDEX lots_by_account ON lots(account_id, id);
                    """)
            for statement in PostgresSchema.lotIndexesOnAvailability { try db.execute(sql: statement) }
        }
        return migrator
    }
}
