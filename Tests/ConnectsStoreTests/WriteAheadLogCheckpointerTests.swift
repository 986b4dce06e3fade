import Foundation
import GRDB
import Logging
import Testing

@testable import ConnectsStore

@Suite("The write-ahead log checkpointer")
struct WriteAheadLogCheckpointerTests {
    /// SQLite's default page size, which these databases use.
    static let pageSize = 4_096

    @Test("pages past the background threshold reach the database file while the writer goes on")
    func copiesInTheBackground() throws {
        let database = try TemporaryDatabase()
        // The writer never checkpoints here: only the background can copy the log.
        let (pool, checkpointer) = try Self.pool(database.path, backgroundFrames: 50, writerFrames: 1_000_000)
        defer { withExtendedLifetime(checkpointer) {} }
        let before = try Self.size(of: database.path)
        try Self.write(pages: 200, in: 1, to: pool)
        var size = before
        for _ in 0..<1_000 where size < before + 150 * Self.pageSize {
            Thread.sleep(forTimeInterval: 0.01)
            size = try Self.size(of: database.path)
        }
        #expect(size >= before + 150 * Self.pageSize)
    }

    @Test("under steady writes the writer checkpoints once the log is large, so the log stays bounded")
    func boundsTheLog() throws {
        let database = try TemporaryDatabase()
        // No background checkpoint: the writer's own must keep the log small.
        let (pool, checkpointer) = try Self.pool(database.path, backgroundFrames: 1_000_000, writerFrames: 100)
        defer { withExtendedLifetime(checkpointer) {} }
        try Self.write(pages: 2_000, in: 40, to: pool)
        // The log restarts after the commit that passed 100 pages: at most 100 plus one transaction's 50
        // and a few index pages, each with its 24-byte frame header.
        let log = try Self.size(of: database.path + "-wal")
        #expect(log <= 200 * (Self.pageSize + 24))
    }

    /// A pool with a `filler` table, and the checkpointer installed on its writer with these thresholds
    /// (the writer refers to it without keeping it).
    static func pool(
        _ path: String, backgroundFrames: Int, writerFrames: Int
    ) throws -> (DatabasePool, WriteAheadLogCheckpointer) {
        let pool = try DatabasePool(path: path)
        let checkpointer = try WriteAheadLogCheckpointer(
            path: path, backgroundFrames: backgroundFrames, writerFrames: writerFrames,
            logger: Logger(label: "test"))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE TABLE filler (data BLOB)")
            checkpointer.install(on: db)
        }
        return (pool, checkpointer)
    }

    /// Appends about `pages` pages of rows, in `transactions` transactions of one write each.
    static func write(pages: Int, in transactions: Int, to pool: DatabasePool) throws {
        for _ in 0..<transactions {
            try pool.write { db in
                for _ in 0..<(pages / transactions) {
                    try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(?))", arguments: [pageSize - 200])
                }
            }
        }
    }

    static func size(of path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }
}
