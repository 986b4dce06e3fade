import ConnectsCore
import Foundation

extension LedgerStore {
    // MARK: Policy versions

    /// The newest stored policy and its version, or `nil` before the first.
    public func latestPolicy() async throws -> (version: Int64, policy: Policy)? {
        try await read { db in
            guard
                let row = try db.fetchOne("SELECT version, document FROM policies ORDER BY version DESC LIMIT 1")
            else { return nil }
            let document: String = row["document"]
            return (row["version"], try JSONDecoder().decode(Policy.self, from: Data(document.utf8)))
        }
    }

    /// Stores `policy` as the next version, unless it equals the newest; returns the version in force.
    public func savePolicy(_ policy: Policy, now: Instant) async throws -> Int64 {
        try await write { db in try Self.save(policy, db: db, now: now) }
    }

    static func save(_ policy: Policy, db: any SQLSession, now: Instant) throws -> Int64 {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = String(decoding: try encoder.encode(policy), as: UTF8.self)
        let latest = try db.fetchOne("SELECT version, document FROM policies ORDER BY version DESC LIMIT 1")
        if let latest, latest["document"] as String == document { return latest["version"] }
        let version = (latest?["version"] as Int64? ?? 0) + 1
        try db.execute(
            "INSERT INTO policies (version, document, created_at) VALUES (?, ?, ?)", [version, document, now])
        return version
    }

    /// The newest `limit` policy versions and when each was put in force, newest first.
    public func policyVersions(limit: Int) async throws -> [(version: Int64, createdAt: Instant)] {
        try await read { db in
            try db.fetchAll("SELECT version, created_at FROM policies ORDER BY version DESC LIMIT ?", [limit]).map {
                ($0["version"], $0["created_at"])
            }
        }
    }

    // MARK: The shared test clock

    /// The test clock every server node on this database shares: raised to `instant` when that is later
    /// (it never goes back), and returned; `nil` before any node has set it.
    public func testClock(raisedTo instant: Instant?) async throws -> Instant? {
        @Sendable func current(_ db: any SQLSession) throws -> Instant? {
            try db.value(String.self, "SELECT value FROM settings WHERE key = 'test_clock'")
                .flatMap { Int64($0) }.map(Instant.init(millisecondsSinceEpoch:))
        }
        guard let instant else { return try await read(current) }
        return try await write { db in
            try db.execute(
                """
                INSERT INTO settings (key, value) VALUES ('test_clock', ?) ON CONFLICT (key) DO UPDATE
                SET value = excluded.value WHERE CAST(settings.value AS BIGINT) < CAST(excluded.value AS BIGINT)
                """, [String(instant.millisecondsSinceEpoch)])
            return try current(db)
        }
    }
}
