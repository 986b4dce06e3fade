import ArgumentParser
import ConnectsStore
import Foundation

extension Connects {
    /// `connects verify`: recompute every ledger invariant and hash chain; exit 1 on any violation.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every ledger invariant and hash chain of a database.",
            discussion: "Exits 0 when the ledger is sound, 1 with a report naming the first broken entry otherwise."
        )

        @OptionGroup var databaseOptions: DatabaseOptions

        func run() async throws {
            guard FileManager.default.fileExists(atPath: databaseOptions.database) else {
                throw ValidationError("no database at \(databaseOptions.database)")
            }
            let verifier = try LedgerVerifier(path: databaseOptions.database)
            let showsProgress = isatty(STDERR_FILENO) == 1
            var lastShown = Date.distantPast
            let report = try verifier.verify { checked, total in
                guard showsProgress, Date().timeIntervalSince(lastShown) > 0.2 else { return }
                lastShown = Date()
                let percent = total == 0 ? 100 : checked * 100 / total
                FileHandle.standardError.write(Data("\rverify: \(checked)/\(total) entries (\(percent)%)".utf8))
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
