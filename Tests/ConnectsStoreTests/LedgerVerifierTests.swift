import ConnectsCore
import ConnectsStore
import Foundation
import GRDB
import Testing

@Suite("connects verify")
struct LedgerVerifierTests {
    /// A database with some history, and the id of its account.
    func populated(_ database: borrowing TemporaryDatabase) async throws -> String {
        let store = try SQLiteStore(path: database.path)
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

    /// Edits the database behind the server's back: triggers dropped, raw SQL, and (unless
    /// `restoringTriggers` is false) the triggers put back so that only the edit itself gives it away.
    func tamper(_ path: String, _ sql: String, restoringTriggers: Bool = true) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.inDatabase { db in
            let triggers = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entries'")
            try db.execute(
                sql: "DROP TRIGGER entries_are_append_only_update; DROP TRIGGER entries_are_append_only_delete;")
            try db.execute(sql: sql)
            if restoringTriggers {
                for trigger in triggers { try db.execute(sql: trigger) }
            }
        }
    }

    @Test("a sound database passes")
    func clean() async throws {
        let database = try TemporaryDatabase()
        _ = try await populated(database)
        let report = try LedgerVerifier(path: database.path).verify()
        #expect(report.isClean, "\(report.violations)")
        #expect(report.entriesChecked >= 9)
    }

    @Test("an entry edited behind the server's back is named")
    func editedEntry() async throws {
        let database = try TemporaryDatabase()
        let account = try await populated(database)
        let victim = try await DatabaseQueue(path: database.path).read {
            try String.fetchOne(
                $0, sql: "SELECT id FROM entries WHERE account_id = ? AND sequence = 3", arguments: [account])
        }!
        try tamper(
            database.path,
            "UPDATE entries SET amount = amount + 1, total_after = total_after + 1 WHERE id = '\(victim)'")
        let report = try LedgerVerifier(path: database.path).verify()
        #expect(report.violations.first?.entryID == victim)
        #expect(report.violations.first?.invariant == "hash-chain")
    }

    @Test("a deleted entry breaks the chain")
    func deletedEntry() async throws {
        let database = try TemporaryDatabase()
        let account = try await populated(database)
        try tamper(database.path, "DELETE FROM entries WHERE account_id = '\(account)' AND sequence = 2")
        let report = try LedgerVerifier(path: database.path).verify()
        #expect(!report.isClean)
        #expect(report.violations.first?.invariant == "hash-chain")
    }

    @Test("a lot or balance changed without an entry is found")
    func lotTampered() async throws {
        let database = try TemporaryDatabase()
        let account = try await populated(database)
        try tamper(
            database.path,
            "UPDATE lots SET remaining = remaining + 1 WHERE account_id = '\(account)' AND remaining < amount")
        let report = try LedgerVerifier(path: database.path).verify()
        #expect(report.violations.contains { $0.invariant == "lots" })
        #expect(report.violations.contains { $0.invariant == "balance" })
    }

    @Test("missing append-only triggers are reported")
    func triggersMissing() async throws {
        let database = try TemporaryDatabase()
        _ = try await populated(database)
        try tamper(database.path, "SELECT 1", restoringTriggers: false)
        let report = try LedgerVerifier(path: database.path).verify()
        #expect(report.violations.map(\.invariant) == ["append-only", "append-only"])
    }

    @Test("a proposal that claims a return its entries do not show is found")
    func proposalReturnMismatch() async throws {
        let database = try TemporaryDatabase()
        let store = try SQLiteStore(path: database.path)
        let economy = Policy.standard.ledgerPolicy(version: 1)
        guard
            case .done(.success(let clientResult), _) = try await store.perform(
                .createAccount(.init(externalID: "c", kind: .client)), now: t0, policy: economy, idempotency: nil
            )
        else { Issue.record("no client"); return }
        guard
            case .done(.success(let freelancerResult), _) = try await store.perform(
                .createAccount(.init(externalID: "f", kind: .freelancer)), now: t0, policy: economy, idempotency: nil
            )
        else { Issue.record("no freelancer"); return }
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
        #expect(try store.verify().isClean)
        try tamper(database.path, "UPDATE proposals SET returned_amount = 4, returned_rule = 'x', returned_at = 0")
        let report = try LedgerVerifier(path: database.path).verify()
        #expect(report.violations.contains { $0.detail.contains("proposal prop_1") })
    }
}
