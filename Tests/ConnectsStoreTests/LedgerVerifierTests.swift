import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import GRDB
import Testing

@Suite("connects verify")
struct LedgerVerifierTests {
    /// A database with some history, and the id of its account.
    func populated(_ database: TestDatabase) async throws -> String {
        let store = database.store
        let account = try await store.makeAccount()
        let reward = try await store.run(
            .credit(
                .init(kind: .reward, source: .reward, amount: 30, cause: Cause(type: "reward", id: "rising_talent"))),
            on: account
        ).get()!
        try await store.grant(10, to: account)
        let fee = try await store.run(spend(4), on: account).get()!
        let hold = try await store.run(
            .placeHold(.init(amount: 5, cause: Cause(type: "proposal", id: "p"))), on: account
        ).get()!
        _ = try await store.run(
            .captureHold(id: hold.holdID!, cause: Cause(type: "job", id: "j"), actor: "system"), on: account)
        _ = try await store.run(
            .returnSpend(.init(original: fee, rule: "returns.closed", cause: Cause(type: "job", id: "j"))), on: account)
        _ = try await store.run(
            .reverse(.init(original: reward, reason: "granted twice", actor: "support:1")), on: account)
        // A year later: the expiry is written before the new grant.
        try await store.grant(3, to: account, at: t0.adding(days: 400))
        return account
    }

    @Test("a sound database passes", arguments: StoreKind.allCases)
    func clean(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            _ = try await populated(database)
            let report = try await database.verify()
            #expect(report.isClean, "\(report.violations)")
            #expect(report.entriesChecked >= 9)
        }
    }

    @Test("an entry edited behind the server's back is named", arguments: StoreKind.allCases)
    func editedEntry(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let account = try await populated(database)
            let victim = try await database.store.read { db in
                try db.fetchAll("SELECT id FROM entries WHERE account_id = ? AND sequence = 3", [account])[0]["id"]
                    as String
            }
            try await database.tamper(
                "UPDATE entries SET amount = amount + 1, total_after = total_after + 1 WHERE id = '\(victim)'")
            let report = try await database.verify()
            #expect(report.violations.first?.entryID == victim)
            #expect(report.violations.first?.invariant == "hash-chain")
        }
    }

    @Test("a deleted entry breaks the chain", arguments: StoreKind.allCases)
    func deletedEntry(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let account = try await populated(database)
            try await database.tamper("DELETE FROM entries WHERE account_id = '\(account)' AND sequence = 2")
            let report = try await database.verify()
            #expect(!report.isClean)
            #expect(report.violations.first?.invariant == "hash-chain")
        }
    }

    @Test("a lot or balance changed without an entry is found", arguments: StoreKind.allCases)
    func lotTampered(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let account = try await populated(database)
            try await database.tamper(
                """
                UPDATE lots SET remaining = remaining + 1, availability = 2
                WHERE account_id = '\(account)' AND remaining < amount
                """)
            let report = try await database.verify()
            #expect(report.violations.contains { $0.invariant == "lots" })
            #expect(report.violations.contains { $0.invariant == "balance" })
        }
    }

    /// The indexes that find a spend's lots and the lots to expire are defined on a lot's availability,
    /// not its counts: a lot marked spent while connects remain would be skipped by both, its connects
    /// neither spent nor expired. The database refuses the row.
    @Test("a lot whose availability disagrees with its counts is refused", arguments: StoreKind.allCases)
    func availabilityTampered(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let account = try await populated(database)
            for availability in 0...2 {
                await #expect(throws: (any Error).self) {
                    try await database.store.write { db in
                        try db.execute(
                            "UPDATE lots SET availability = ? WHERE account_id = ? AND availability <> ?",
                            [Int64(availability), account, Int64(availability)])
                    }
                }
            }
            #expect(try await database.verify().isClean)
        }
    }

    /// Rows copied from the account's own under an account that does not exist, and the invariant
    /// `verify` names for each.
    static let orphans: [(table: String, invariant: String, insert: @Sendable (String) -> String)] = [
        (
            "lots", "balance",
            { account in
                """
                INSERT INTO lots (id, account_id, source, amount, remaining, held, granted_at, expires_at, entry_id,
                  availability)
                SELECT 'lot_orphan', 'acct_gone', source, amount, remaining, held, granted_at, expires_at, entry_id,
                  availability
                FROM lots WHERE account_id = '\(account)' AND remaining > 0 LIMIT 1
                """
            }
        ),
        (
            "events", "history",
            { account in
                """
                INSERT INTO events (id, type, account_id, data, created_at)
                SELECT 'evt_orphan', type, 'acct_gone', data, created_at FROM events WHERE account_id = '\(account)' LIMIT 1
                """
            }
        ),
    ]

    @Test(
        "a lot or an event that belongs to no account is found",
        arguments: StoreKind.allCases, LedgerVerifierTests.orphans.indices)
    func orphan(_ kind: StoreKind, _ index: Int) async throws {
        let orphan = Self.orphans[index]
        try await withTestDatabase(kind) { database in
            let account = try await populated(database)
            // PostgreSQL has no foreign key from lots or events to accounts (migration v6); SQLite's refuses
            // the row on any connection that enforces foreign keys, which the `sqlite3` shell, for one, does not.
            switch kind {
            case .sqlite:
                var configuration = Configuration()
                configuration.foreignKeysEnabled = false
                try await DatabaseQueue(path: database.location, configuration: configuration).write { db in
                    try db.execute(sql: orphan.insert(account))
                }
            case .postgres:
                try await database.tamper(orphan.insert(account))
            }
            let report = try await database.verify()
            #expect(report.violations.map(\.accountID) == ["acct_gone"], "\(orphan.table)")
            #expect(report.violations.first?.invariant == orphan.invariant)
            #expect(report.violations.first?.detail.hasPrefix("\(orphan.table) row") == true)
        }
    }

    @Test("missing append-only triggers are reported", arguments: StoreKind.allCases)
    func triggersMissing(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            _ = try await populated(database)
            try await database.tamper("SELECT 1", restoringTriggers: false)
            let report = try await database.verify()
            #expect(report.violations.map(\.invariant) == ["append-only", "append-only"])
        }
    }

    @Test("a proposal that claims a return its entries do not show is found", arguments: StoreKind.allCases)
    func proposalReturnMismatch(_ kind: StoreKind) async throws {
        try await withTestDatabase(kind) { database in
            let store = database.store
            let economy = Policy.standard.ledgerPolicy(version: 1)
            guard
                case .done(.success(let clientResult), _) = try await store.perform(
                    .createAccount(.init(externalID: "c", kind: .client)), now: t0, policy: economy, idempotency: nil
                )
            else {
                Issue.record("no client")
                return
            }
            guard
                case .done(.success(let freelancerResult), _) = try await store.perform(
                    .createAccount(.init(externalID: "f", kind: .freelancer)), now: t0, policy: economy,
                    idempotency: nil
                )
            else {
                Issue.record("no freelancer")
                return
            }
            let job = try JobBook.post(
                id: "job_1", clientID: clientResult.snapshot!.account.id, title: "t", budget: nil, connectCost: nil,
                hiringDeadline: nil, now: t0, policy: economy.economy
            )
            _ = try await store.perform(.postJob(job), now: t0, policy: economy, idempotency: nil)
            _ = try await store.perform(
                .submitProposal(
                    jobID: "job_1", freelancerID: freelancerResult.snapshot!.account.id, agencyID: nil, boost: nil,
                    proposalID: "prop_1"),
                now: t0, policy: economy, idempotency: nil
            )
            #expect(try await database.verify().isClean)
            try await database.tamper("UPDATE proposals SET returned_amount = 4, returned_rule = 'x', returned_at = 0")
            let report = try await database.verify()
            #expect(report.violations.contains { $0.detail.contains("proposal prop_1") })
        }
    }
}
