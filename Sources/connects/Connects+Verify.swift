import ArgumentParser
import ConnectsStore
import Foundation
import Synchronization

extension Connects {
    /// `connects verify`: recompute every ledger invariant and hash chain; exit 1 on any violation.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every ledger invariant and hash chain of a database.",
            discussion: "Exits 0 when the ledger is sound, 1 with a report naming the first broken entry otherwise."
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            if !databaseOptions.isPostgres, !FileManager.default.fileExists(atPath: databaseOptions.location) {
                throw ValidationError("no database at \(databaseOptions.location)")
            }
            let showsProgress = isatty(STDERR_FILENO) == 1
            let lastShown = Mutex(Date.distantPast)
            let progress: @Sendable (Int, Int) -> Void = { checked, total in
                guard showsProgress else { return }
                let isDue = lastShown.withLock { last in
                    guard Date().timeIntervalSince(last) > 0.2 else { return false }
                    last = Date()
                    return true
                }
                guard isDue else { return }
                let percent = total == 0 ? 100 : checked * 100 / total
                FileHandle.standardError.write(Data("\rverify: \(checked)/\(total) entries (\(percent)%)".utf8))
            }
            let report: LedgerVerifier.Report
            if databaseOptions.isPostgres {
                let store = try await PostgresStore.connect(url: databaseOptions.location, migrate: false)
                defer { Task { await store.shutdown() } }
                report = try await store.verify(progress: progress)
            } else {
                report = try SQLiteStore.verify(path: databaseOptions.location, progress: progress)
            }
            if showsProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print("checked \(report.accountsChecked) accounts, \(report.entriesChecked) entries")
            if report.isClean {
                print("ok: every invariant holds")
                return
            }
            print("FAILED: \(report.violations.count) violation(s); the first:")
            for violation in report.violations {
                print("  \(violation)")
            }
            throw ExitCode(1)
        }
    }
}
