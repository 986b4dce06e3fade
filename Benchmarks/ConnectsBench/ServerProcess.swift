import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A `connects serve` child process on a loopback port, for the HTTP figures.
final class ServerProcess: Sendable {
    let process: Process
    let base: String
    let startSeconds: Double
    let databaseMiB: Int

    private init(process: Process, base: String, startSeconds: Double, databaseMiB: Int) {
        self.process = process
        self.base = base
        self.startSeconds = startSeconds
        self.databaseMiB = databaseMiB
    }

    /// Starts the server on `database` and waits until `/readyz` answers.
    static func start(_ options: Bench.Options, database: String) async throws -> ServerProcess {
        let size = (try? FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) ?? 0
        for _ in 0..<5 {
            let port = 20_000 + Int.random(in: 0..<30_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: options.executable)
            process.arguments = [
                "serve", "--database", database, "--port", String(port), "--admin-key", Bench.adminKey,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let started = ContinuousClock.now
            try process.run()
            for _ in 0..<400 {
                try await Task.sleep(for: .milliseconds(10))
                guard process.isRunning else { break }
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
                request.method = .GET
                if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)),
                    response.status == .ok
                {
                    return ServerProcess(
                        process: process, base: "http://127.0.0.1:\(port)",
                        startSeconds: (ContinuousClock.now - started).seconds, databaseMiB: size / 1_048_576
                    )
                }
            }
            process.terminate()
            process.waitUntilExit()
        }
        throw BenchError.server("connects serve did not become ready")
    }

    /// The server's resident memory, from /proc.
    func residentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)
        else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }

    /// The CPU time the server has used so far.
    func cpu() -> ProcessCPU? {
        ProcessCPU.of(processID: process.processIdentifier)
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// The few requests the bench sends.
struct BenchAPI: Sendable {
    let client: HTTPClient
    let base: String

    func post(_ path: String, body: String, idempotencyKey: String? = nil) async throws -> Int {
        try await send(path, method: .POST, body: body, idempotencyKey: idempotencyKey).0
    }

    func get(_ path: String) async throws -> Int {
        try await send(path, method: .GET, body: nil, idempotencyKey: nil).0
    }

    func send(_ path: String, method: HTTPMethod, body: String?, idempotencyKey: String?) async throws -> (Int, [UInt8])
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(Bench.adminKey)")
        if let idempotencyKey { request.headers.add(name: "idempotency-key", value: idempotencyKey) }
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), Array(bytes.readableBytesView))
    }

    func createAccount(kind: String, externalID: String) async throws -> String {
        let (status, body) = try await send(
            "/v1/accounts", method: .POST, body: #"{"externalId":"\#(externalID)","kind":"\#(kind)"}"#,
            idempotencyKey: nil
        )
        return try Self.id(status: status, body: body)
    }

    func postJob(clientID: String, title: String) async throws -> String {
        let (status, body) = try await send(
            "/v1/jobs", method: .POST,
            body: #"{"clientId":"\#(clientID)","title":"\#(title)","budget":{"currency":"USD","minor":40000}}"#,
            idempotencyKey: nil
        )
        return try Self.id(status: status, body: body)
    }

    func adjust(_ accountID: String, amount: Int64) async throws {
        let status = try await post(
            "/v1/accounts/\(accountID)/adjustments", body: #"{"amount":\#(amount),"reason":"bench"}"#,
            idempotencyKey: "adj-\(accountID)"
        )
        guard status == 201 else { throw BenchError.setup("adjustment: \(status)") }
    }

    static func id(status: Int, body: [UInt8]) throws -> String {
        guard status == 201, let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            let id = object["id"] as? String
        else { throw BenchError.setup("status \(status): \(String(decoding: body, as: UTF8.self))") }
        return id
    }
}
