import AsyncHTTPClient
import ConnectsCore
import ConnectsServer
import ConnectsSimulator
import ConnectsStore
import ConnectsTestSupport
import Foundation
import GRDB
import Testing

/// The `connects` executable, run as a user runs it.
@Suite("The connects command")
struct CommandLineTests {

    /// Runs the binary to completion; returns exit status and standard output.
    static func run(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try ServeProcess.binary
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func temporaryPath() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("connects-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("connects.sqlite").path
    }

    @Test("verify exits 0 on a sound database and 1 naming the first broken entry on a corrupted copy")
    func verify() async throws {
        let path = try Self.temporaryPath()
        let store = try SQLiteStore(path: path)
        let created = try await store.perform(
            .createAccount(.init(externalID: "cli", kind: .freelancer)), now: Instant(millisecondsSinceEpoch: 0),
            policy: .standard, idempotency: nil)
        guard case .done(.success(let result), _) = created else { Issue.record("no account"); return }
        let account = result.snapshot!.account.id
        for amount in [10, 20, 30] as [Int64] {
            let grant = LedgerCommand.credit(
                .init(kind: .grant, source: .plan, amount: amount, cause: Cause(type: "plan_cycle", id: "c\(amount)")))
            _ = try await store.perform(
                .ledger(accountID: account, command: grant), now: Instant(millisecondsSinceEpoch: amount),
                policy: .standard, idempotency: nil)
        }
        let (migrateStatus, _) = try Self.run(["migrate", "--database", path])
        #expect(migrateStatus == 0)
        let (cleanStatus, cleanOutput) = try Self.run(["verify", "--database", path])
        #expect(cleanStatus == 0, "\(cleanOutput)")
        #expect(cleanOutput.contains("checked 1 accounts, 5 entries"), "\(cleanOutput)")

        let copy = path + ".copy"
        // A consistent copy, WAL included.
        try DatabaseQueue(path: path).inDatabase { try $0.execute(sql: "VACUUM INTO ?", arguments: [copy]) }
        let victim = try DatabaseQueue(path: copy).inDatabase { db -> String in
            try db.execute(sql: "DROP TRIGGER entries_are_append_only_update")
            try db.execute(
                sql: "UPDATE entries SET amount = amount + 5, total_after = total_after + 5 WHERE sequence = 4")
            try db.execute(
                sql:
                    "CREATE TRIGGER entries_are_append_only_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries are append-only'); END"
            )
            return try String.fetchOne(db, sql: "SELECT id FROM entries WHERE sequence = 4")!
        }
        let (brokenStatus, brokenOutput) = try Self.run(["verify", "--database", copy])
        #expect(brokenStatus == 1)
        #expect(brokenOutput.contains("FAILED"))
        #expect(brokenOutput.contains("entry \(victim)"), "\(brokenOutput)")
        let (missingStatus, _) = try Self.run(["verify", "--database", path + ".absent"])
        #expect(missingStatus != 0)
    }

    @Test("verify on PostgreSQL: 0 on a sound database, 1 naming an entry edited behind the server's back")
    func verifyPostgres() async throws {
        try await withTestDatabase(.postgres) { database in
            let created = try await database.store.perform(
                .createAccount(.init(externalID: "cli", kind: .freelancer)), now: Instant(millisecondsSinceEpoch: 0),
                policy: .standard, idempotency: nil)
            guard case .done(.success(let result), _) = created, let account = result.snapshot?.account.id else {
                Issue.record("no account")
                return
            }
            let (cleanStatus, cleanOutput) = try Self.run(["verify", "--database", database.location])
            #expect(cleanStatus == 0, "\(cleanOutput)")
            #expect(cleanOutput.contains("checked 1 accounts"), "\(cleanOutput)")
            try await database.tamper(
                "UPDATE entries SET amount = amount + 5, total_after = total_after + 5 WHERE account_id = '\(account)' AND sequence = 2"
            )
            let victim = try await database.store.read { db in
                try db.fetchAll("SELECT id FROM entries WHERE sequence = 2", [])[0]["id"] as String
            }
            let (brokenStatus, brokenOutput) = try Self.run(["verify", "--database", database.location])
            #expect(brokenStatus == 1)
            #expect(brokenOutput.contains("entry \(victim)"), "\(brokenOutput)")
        }
    }

    @Test("serve answers requests and shuts down cleanly on SIGTERM", arguments: StoreKind.allCases)
    func serveAndStop(_ kind: StoreKind) async throws {
        let path: String
        var postgresDatabase: String?
        switch kind {
        case .sqlite: path = try Self.temporaryPath()
        case .postgres:
            let (name, url) = try await TestDatabase.createPostgresDatabase()
            (path, postgresDatabase) = (url, name)
        }
        defer { if let postgresDatabase { Task { try? await TestDatabase.dropPostgresDatabase(postgresDatabase) } } }
        let log = URL(fileURLWithPath: try Self.temporaryPath()).deletingLastPathComponent()
            .appendingPathComponent("serve.log")
        let server = try await ServeProcess.start(
            ["--database", path, "--admin-key", "cli-admin-key-0123456789"], log: log)
        defer { if server.process.isRunning { server.process.terminate() } }
        #expect(try await Self.get("http://127.0.0.1:\(server.port)/healthz") == 200)
        #expect(try await Self.get("http://127.0.0.1:\(server.port)/readyz") == 200)
        await server.stop()
        #expect(!server.process.isRunning)
        #expect(server.process.terminationStatus == 0)
    }

    @Test(
        "backup copies a database while it serves writes; the copy verifies, and a server on it replays every key it had acknowledged"
    )
    func backup() async throws {
        let path = try Self.temporaryPath()
        let copy = path + ".backup"
        let log = URL(fileURLWithPath: path + ".log")
        let server = try await ServeProcess.start(
            ["--database", path, "--admin-key", ServerHarness.adminKey, "--test-clock"], log: log)
        defer { if server.process.isRunning { server.process.terminate() } }
        let api = API(client: .shared, port: server.port)
        let account = try await api.makeFreelancer()
        // Acknowledged before the backup: each must be in the copy, and answered again from it.
        var acknowledged: [(key: String, body: String)] = []
        for index in 0..<20 {
            let key = "before-\(index)"
            let reply = try await api.adjust(account, 1, reason: "r\(index)", idempotencyKey: key)
            #expect(reply.status == 201)
            acknowledged.append((key, reply.text))
        }
        // Writes go on while the copy is taken.
        let load = Task {
            var index = 0
            while !Task.isCancelled && index < 2_000 {
                _ = try? await api.adjust(account, 1, reason: "during", idempotencyKey: "during-\(index)")
                index += 1
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        let (status, output) = try Self.run(["backup", "--database", path, "--to", copy])
        load.cancel()
        _ = await load.result
        #expect(status == 0, "\(output)")
        #expect(output.contains("ok: every invariant holds in the copy"), "\(output)")
        // A second backup to the same file is refused: a backup never overwrites.
        #expect(try Self.run(["backup", "--database", path, "--to", copy]).0 != 0)
        await server.stop()

        let restored = try await ServeProcess.start(
            ["--database", copy, "--admin-key", ServerHarness.adminKey, "--test-clock"],
            log: URL(fileURLWithPath: copy + ".log"))
        defer { if restored.process.isRunning { restored.process.terminate() } }
        let fromCopy = API(client: .shared, port: restored.port)
        for (index, (key, body)) in acknowledged.enumerated() {
            let again = try await fromCopy.adjust(account, 1, reason: "r\(index)", idempotencyKey: key)
            #expect(again.status == 201 && again.text == body, "\(key)")
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true", "\(key)")
        }
        await restored.stop()
        #expect(try Self.run(["verify", "--database", copy]).0 == 0)
    }

    @Test("simulate compares two policy files that name only what they change, and writes JSON and HTML")
    func simulate() throws {
        let folder = URL(fileURLWithPath: try Self.temporaryPath()).deletingLastPathComponent()
        let fair = folder.appendingPathComponent("fair.yaml").path
        try "returns: {onDecline: true}\n".write(toFile: fair, atomically: true, encoding: .utf8)
        let model = folder.appendingPathComponent("model.yaml").path
        try "clients: {ghost: 0.5, hire: 0.3}\n".write(toFile: model, atomically: true, encoding: .utf8)
        let json = folder.appendingPathComponent("report.json").path
        let html = folder.appendingPathComponent("report.html").path
        let (status, output) = try Self.run([
            "simulate", "--vs", fair, "--model", model, "--freelancers", "120", "--clients", "25", "--days", "20",
            "--seed", "3", "--json", json, "--html", html,
        ])
        #expect(status == 0, "\(output)")
        #expect(output.contains("default") && output.contains("fair") && output.contains("Proposals per job"))
        let comparison = try JSONDecoder().decode(
            SimulationComparison.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(comparison.reports.map(\.label) == ["default", "fair"])
        // B is the default policy but for the one line its file names; the model likewise.
        var expected = Policy.standard
        expected.returns.onDecline = true
        #expect(comparison.reports[0].policy == .standard && comparison.reports[1].policy == expected)
        #expect(comparison.reports[1].model.clients.ghost == 0.5)
        #expect(comparison.reports[1].model.freelancers == BehaviourModel.standard.freelancers)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))

        // A policy line out of its range is named, and nothing runs.
        let invalid = folder.appendingPathComponent("invalid.yaml").path
        try "returns: {ifWaitingAfterDays: 0}\n".write(toFile: invalid, atomically: true, encoding: .utf8)
        let refused = try Self.runCapturingErrors(["simulate", "--policy", invalid, "--days", "1"])
        #expect(refused.0 != 0)
        #expect(refused.1.contains("ifWaitingAfterDays"), "\(refused.1)")
    }

    /// Runs the binary to completion; returns exit status and standard error.
    static func runCapturingErrors(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = try ServeProcess.binary
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func get(_ url: String) async throws -> Int {
        let (_, response) = try await URLSession.shared.data(from: URL(string: url)!)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}

extension CommandLineTests {
    @Test("API keys and staff passwords never reach the server's log, and a key's secret is never listed")
    func secretsStayOutOfTheLog() async throws {
        let path = try Self.temporaryPath()
        let password = "correct horse battery staple"
        try await StaffAccounts.add(
            name: "sam", role: .support, password: password, replacing: false, to: try SQLiteStore(path: path),
            now: ServerClock.systemNow())
        let log = URL(fileURLWithPath: path + ".log")
        let server = try await ServeProcess.start(
            ["--database", path, "--admin-key", ServerHarness.adminKey], log: log)
        defer { if server.process.isRunning { server.process.terminate() } }
        let api = API(client: .shared, port: server.port)
        let freelancer = try await api.makeFreelancer()
        let key = try await api.makeKey(role: "freelancer", accountID: freelancer)
        #expect(try await api.send(.get, "/v1/accounts/\(freelancer)", key: key).status == 200)
        #expect(try await api.send(.get, "/v1/accounts/\(freelancer)", key: key + "x").status == 401)
        let listed = try await api.send(.get, "/v1/keys")
        #expect(listed.status == 200 && !listed.text.contains(key))
        let browser = PortalTests.Browser(port: server.port)
        #expect(try await StaffConsoleTests.signIn(browser, "sam", "wrong horse battery staple").status == 401)
        #expect(try await StaffConsoleTests.signIn(browser, "sam", password).status == 303)
        try await browser.close()
        await server.stop()
        let written = ServeProcess.readLog(log)
        #expect(written.contains("serving"))
        for secret in [ServerHarness.adminKey, key, password, "wrong horse battery staple"] {
            #expect(!written.contains(secret), "the log holds a secret")
        }
    }
}

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
