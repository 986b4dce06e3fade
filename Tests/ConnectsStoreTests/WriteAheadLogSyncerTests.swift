import Foundation
import GRDB
import Synchronization
import Testing

@testable import ConnectsStore

/// The syncer is what makes an answered SQLite write durable: these check when it answers, not the
/// disk (which no test can unplug).
@Suite("The write-ahead log syncer")
struct WriteAheadLogSyncerTests {
    @Test("a commit is answered only after a sync that began after it: one already running does not count")
    func answersAfterALaterSync() async throws {
        let syncs = Count()
        let firstSyncStarted = DispatchSemaphore(value: 0)
        let releaseFirstSync = DispatchSemaphore(value: 0)
        let syncer = WriteAheadLogSyncer {
            if syncs.increment() == 1 {
                firstSyncStarted.signal()
                releaseFirstSync.wait()
            }
        }
        let syncsBeforeAnswer = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            group.addTask { ("early", try await Self.durable(syncer, syncs: syncs)) }
            await Self.wait(for: firstSyncStarted)
            // Committed while the first sync runs: that sync may have missed its pages.
            group.addTask { ("late", try await Self.durable(syncer, syncs: syncs)) }
            try await Task.sleep(for: .milliseconds(50))
            releaseFirstSync.signal()
            return try await group.reduce(into: [String: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(syncsBeforeAnswer == ["early": 1, "late": 2])
    }

    @Test("many commits waiting together share one sync")
    func sharesSyncs() async throws {
        let syncs = Count()
        let syncer = WriteAheadLogSyncer {
            syncs.increment()
            Thread.sleep(forTimeInterval: 0.01)
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 { group.addTask { try await Self.durable(syncer, syncs: syncs) } }
            try await group.waitForAll()
        }
        #expect(syncs.value < 100)
    }

    @Test("a failed sync fails the commits waiting for it and every later one, until a restart")
    func failedSyncStopsWrites() async throws {
        struct DiskError: Error {}
        let syncs = Count()
        let syncer = WriteAheadLogSyncer {
            syncs.increment()
            throw DiskError()
        }
        await #expect(throws: StoreError.self) { try await Self.durable(syncer, syncs: syncs) }
        #expect(syncer.failure != nil)
        await #expect(throws: StoreError.self) { try await Self.durable(syncer, syncs: syncs) }
        #expect(syncs.value == 1)
    }

    @Test("writes whose commit waits for a slow disk still count toward the write queue's limit")
    func slowDiskFillsTheQueue() async throws {
        let database = try TemporaryDatabase()
        // Closed until signalled, then open for good.
        let disk = DispatchSemaphore(value: 0)
        let syncer = WriteAheadLogSyncer {
            disk.wait()
            disk.signal()
        }
        let pool = try DatabasePool(path: database.path)
        try await pool.write { try $0.execute(sql: "CREATE TABLE written (id INTEGER PRIMARY KEY)") }
        let committer = GroupCommitter(writer: pool, syncer: syncer, queueLengthMax: 3)
        let insert: @Sendable (GRDBSession) throws -> Void = {
            try $0.db.execute(sql: "INSERT INTO written DEFAULT VALUES")
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            // However the body ends, the disk opens, so the group's writes finish and the test cannot hang.
            defer { disk.signal() }
            for _ in 0..<3 { group.addTask { try await committer.write(insert) } }
            // A reader sees a commit before it is synced: wait until all three are committed and wait
            // for the disk alone.
            var committed = 0
            for _ in 0..<2_000 where committed < 3 {
                try await Task.sleep(for: .milliseconds(5))
                committed = try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM written") } ?? 0
            }
            try #require(committed == 3)
            // Were a fourth let in, it would wait for the disk too: open it after a while, so that the
            // test then fails instead of hanging.
            let opener = Task {
                guard (try? await Task.sleep(for: .seconds(2))) != nil else { return }
                disk.signal()
            }
            await #expect(throws: StoreError.overloaded) { try await committer.write(insert) }
            opener.cancel()
        }
        try await committer.write(insert)
        #expect(try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM written") } == 4)
    }

    @Test("the real sync reaches the file, and a log SQLite has removed needs none")
    func dataSync() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data("frames".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        try WriteAheadLogSyncer.dataSync(path)
        try WriteAheadLogSyncer.dataSync(path + "-gone")
        #expect(throws: POSIXError.self) { try WriteAheadLogSyncer.dataSync("/proc/self/status") }
    }

    /// Waits for `syncer` to answer, returning how many syncs had begun by then.
    static func durable(_ syncer: WriteAheadLogSyncer, syncs: Count) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            syncer.whenDurable { error in
                if let error {
                    continuation.resume(throwing: error)
                } else {
                    continuation.resume(returning: syncs.value)
                }
            }
        }
    }

    /// How many syncs have begun.
    final class Count: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        @discardableResult func increment() -> Int {
            count.withLock { count in
                count += 1
                return count
            }
        }
    }

    static func wait(for semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                semaphore.wait()
                continuation.resume()
            }
        }
    }
}
