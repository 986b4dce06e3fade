import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import GRDB
import Testing

/// `connects migrate` on databases an earlier version made, as an operator upgrading runs it.
///
/// The fixtures were made by commit 4d00ee6's `connects` with `Fixtures/make-fixtures.sh`: its demo
/// marketplace, then the README's tour, in a SQLite file and in a PostgreSQL dump.
@Suite("Migrating a database made by an earlier version")
struct MigrationTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    /// What must survive a migration unchanged: every entry with its place in its account's chain and
    /// hash, every account's balance and chain head, every lot's counts, one line each.
    static let survivors = [
        "SELECT id || ' ' || account_id || ' ' || sequence || ' ' || amount || ' ' || hash FROM entries ORDER BY id",
        """
        SELECT id || ' ' || balance_total || ' ' || balance_held || ' ' || last_sequence || ' ' || last_hash
        FROM accounts ORDER BY id
        """,
        "SELECT id || ' ' || remaining || ' ' || held FROM lots ORDER BY id",
        "SELECT id || ' ' || status FROM proposals ORDER BY id",
    ]

    /// How many lots have nothing left (0), everything left held (1), connects free (2): from their counts
    /// before the migration, and from the column it adds (`availability`, SQLite v18, PostgreSQL v15) after.
    static let availabilityFromCounts = """
        SELECT availability || ' ' || COUNT(*) FROM (
          SELECT CASE WHEN remaining > held THEN 2 WHEN remaining > 0 THEN 1 ELSE 0 END AS availability FROM lots
        ) AS counted GROUP BY availability ORDER BY availability
        """
    static let availabilityStored =
        "SELECT availability || ' ' || COUNT(*) FROM lots GROUP BY availability ORDER BY availability"

    /// The partial indexes of lots, which must now be defined on the availability.
    static let lotIndexes = ["lots_spend_order", "lots_expiring", "lots_expiry_unnoticed"]

    @Test("a SQLite database made by 4d00ee6 migrates without losing an entry, verifies, and takes writes")
    func sqlite() async throws {
        let path = try CommandLineTests.temporaryPath()
        try FileManager.default.copyItem(
            at: Self.fixtures.appendingPathComponent("4d00ee6.sqlite"), to: URL(fileURLWithPath: path))
        func read() throws -> [[String]] {
            try DatabaseQueue(path: path).read { db in
                try Self.survivors.map { try String.fetchAll(db, sql: $0) }
            }
        }
        let before = try read()
        #expect(before[0].count > 20, "the fixture has a history")
        let availability = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: Self.availabilityFromCounts)
        }
        #expect(availability.contains { $0.hasPrefix("2 ") }, "the fixture has lots with connects free")
        let (status, output) = try CommandLineTests.run(["migrate", "--database", path])
        #expect(status == 0, "\(output)")
        #expect(try read() == before)
        let (indexes, lotIndexes, stored) = try await DatabaseQueue(path: path).read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'"),
                try String.fetchAll(
                    db,
                    sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lots' AND sql IS NOT NULL"),
                try String.fetchAll(db, sql: Self.availabilityStored)
            )
        }
        #expect(indexes.contains("lots_spend_order") && !indexes.contains("lots_open"), "\(indexes)")
        #expect(indexes.contains("proposals_bidding") && !indexes.contains("proposals_by_job"), "\(indexes)")
        #expect(stored == availability)
        for name in Self.lotIndexes {
            #expect(lotIndexes.contains { $0.contains(name) && $0.contains("WHERE availability") }, "\(lotIndexes)")
        }
        try await Self.checkWrites(on: try SQLiteStore(path: path), location: path, entries: before[0].count)
    }

    @Test("a PostgreSQL database made by 4d00ee6 migrates without losing an entry, verifies, and takes writes")
    func postgres() async throws {
        let (name, url) = try await TestDatabase.createPostgresDatabase()
        do {
            let dump = Self.fixtures.appendingPathComponent("4d00ee6-postgres.sql").path
            _ = try Self.psql(url, ["-v", "ON_ERROR_STOP=1", "-q", "-f", dump])
            func read() throws -> [[String]] {
                try Self.survivors.map { query in
                    try Self.psql(url, ["-At", "-c", query]).split(separator: "\n").map(String.init)
                }
            }
            let before = try read()
            #expect(before[0].count > 20, "the fixture has a history")
            let availability = try Self.psql(url, ["-At", "-c", Self.availabilityFromCounts])
            #expect(availability.contains("2 "), "the fixture has lots with connects free")
            let (status, output) = try CommandLineTests.run(["migrate", "--database", url])
            #expect(status == 0, "\(output)")
            #expect(try read() == before)
            let indexes = try Self.psql(
                url, ["-At", "-c", "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"])
            #expect(indexes.contains("lots_spend_order") && !indexes.contains("lots_open"), "\(indexes)")
            #expect(indexes.contains("proposals_bidding") && !indexes.contains("proposals_by_job"), "\(indexes)")
            #expect(try Self.psql(url, ["-At", "-c", Self.availabilityStored]) == availability)
            let lotIndexes = try Self.psql(
                url, ["-At", "-c", "SELECT indexdef FROM pg_indexes WHERE tablename = 'lots'"]
            ).split(separator: "\n")
            for name in Self.lotIndexes {
                #expect(
                    lotIndexes.contains { $0.contains(name) && $0.contains("WHERE") && $0.contains("availability") },
                    "\(lotIndexes)")
            }
            let store = try await PostgresStore.connect(url: url)
            do {
                try await Self.checkWrites(on: store, location: url, entries: before[0].count)
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        } catch {
            try? await TestDatabase.dropPostgresDatabase(name)
            throw error
        }
        try await TestDatabase.dropPostgresDatabase(name)
    }

    /// `verify` passes on the migrated database, and each freelancer of the fixture can be credited and
    /// can spend on it, the spend taken from the soonest-expiring of its lots.
    static func checkWrites(on store: some LedgerStore, location: String, entries: Int) async throws {
        let (verifyStatus, verifyOutput) = try CommandLineTests.run(["verify", "--database", location])
        #expect(verifyStatus == 0, "\(verifyOutput)")
        #expect(verifyOutput.contains("\(entries) entries"), "\(verifyOutput)")
        // A minute after the fixture's last movement, so that nothing falls due in between.
        let (now, freelancers) = try await store.read { db in
            let last = try db.fetchAll("SELECT MAX(created_at) AS last FROM entries", [])[0]["last"] as Int64
            let ids = try db.fetchAll("SELECT id FROM accounts WHERE kind = 'freelancer' ORDER BY id", []).map {
                $0["id"] as String
            }
            return (Instant(millisecondsSinceEpoch: last + 60_000), ids)
        }
        #expect(!freelancers.isEmpty)
        for id in freelancers {
            let credit = LedgerCommand.credit(
                .init(kind: .reward, source: .reward, amount: 3, cause: Cause(type: "test", id: "after-migration")))
            let spend = LedgerCommand.debit(.init(kind: .spend, amount: 1, cause: Cause(type: "test", id: "after")))
            for command in [credit, spend] {
                let result = try await store.perform(
                    .ledger(accountID: id, command: command), now: now, policy: .standard, idempotency: nil)
                guard case .done(.success, _) = result else {
                    Issue.record("\(id): \(result)")
                    return
                }
            }
        }
        let (status, output) = try CommandLineTests.run(["verify", "--database", location])
        #expect(status == 0, "\(output)")
        #expect(output.contains("\(entries + 2 * freelancers.count) entries"), "\(output)")
    }

    /// Runs `psql` (the test cluster's) on `url`; returns its output, or throws with its errors.
    static func psql(_ url: String, _ arguments: [String]) throws -> String {
        let bin = ProcessInfo.processInfo.environment["CONNECTS_TEST_PGBIN"].map { $0 + "/psql" } ?? "/usr/bin/psql"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = [url] + arguments
        let output = Pipe()
        // Errors go to a file, not a second pipe: reading one pipe to its end while psql fills the other
        // would block both.
        let errorPath = try CommandLineTests.temporaryPath()
        FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw MigrationTestError.psql(errors)
        }
        return String(decoding: data, as: UTF8.self)
    }

    enum MigrationTestError: Error {
        case psql(String)
    }
}
