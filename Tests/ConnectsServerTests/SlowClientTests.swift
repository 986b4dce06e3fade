import ConnectsTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Slow and greedy callers against a real `connects serve`: a client that sends a request a byte at a
/// time, or opens connections and says nothing, holds them for `--read-timeout` at most, and never more
/// than `--max-connections` at once.
@Suite("Slow clients and connection counts")
struct SlowClientTests {
    /// Runs `body` with a `connects serve` started with `arguments` on a database of its own, and
    /// stops it after.
    static func withServer(_ arguments: [String], _ body: (ServeProcess) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("connects-slow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServeProcess.start(
            ["--database", folder.appendingPathComponent("c.sqlite").path] + arguments,
            log: folder.appendingPathComponent("serve.log"))
        defer { if server.process.isRunning { server.process.terminate() } }
        try await body(server)
        await server.stop()
    }

    @Test(
        "a request trickled a header line every half second is cut off at the read timeout; others are answered meanwhile"
    )
    func trickledRequest() async throws {
        try await Self.withServer(["--read-timeout", "2"]) { server in

            let slow = try RawConnection(port: server.port)
            try slow.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            // Twenty more lines at half-second steps would take ten seconds; the server closes it first.
            var linesSent = 0
            for index in 0..<20 {
                try await Task.sleep(for: .milliseconds(500))
                guard (try? slow.send("X-Slow-\(index): 1\r\n")) != nil, slow.isOpen else { break }
                linesSent += 1
                // Meanwhile an ordinary request gets its answer.
                if index == 1 {
                    let answer = try await RawConnection(port: server.port).request("GET /healthz")
                    #expect(answer.hasPrefix("HTTP/1.1 200"))
                }
            }
            #expect(linesSent < 19, "the connection stayed open for the whole trickle")
            #expect(!slow.isOpen)
        }
    }

    @Test("past --max-connections a new connection waits until an open one closes")
    func connectionLimit() async throws {
        try await Self.withServer(["--read-timeout", "300", "--max-connections", "3"]) { server in

            // Three connections take every slot: each is opened and answered once (so the server has surely
            // accepted it: one accept can take several queued connections at once), then stays idle. Each
            // is opened only when its request follows, as the read timeout counts from the accept.
            var idle: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try RawConnection(port: server.port)
                #expect(try await connection.request("GET /healthz").hasPrefix("HTTP/1.1 200"))
                idle.append(connection)
            }
            // A fourth is queued by the system, unread: its request gets no answer while the three are open.
            let fourth = try RawConnection(port: server.port)
            try fourth.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await fourth.receive(waitingSeconds: 2) == nil, "answered past the limit")
            // One idle connection closes (the client's doing here; the read timeout's in the trickle test):
            // the fourth is accepted and answered.
            idle.removeFirst()
            let answer = await fourth.receive(waitingSeconds: 60)
            #expect(answer?.hasPrefix("HTTP/1.1 200") == true, "\(answer ?? "no answer")")
        }
    }
}

extension SlowClientTests {
    @Test("headers past 32 KB close the connection unanswered; the server answers the next request")
    func oversizeHeaders() async throws {
        try await Self.withServer([]) { server in
            func request(headerBytes: Int) async throws -> String? {
                let connection = try RawConnection(port: server.port)
                try connection.send(
                    "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Padding: \(String(repeating: "a", count: headerBytes))\r\n\r\n"
                )
                return await connection.receive(waitingSeconds: 5)
            }
            #expect(try await request(headerBytes: 20_000)?.hasPrefix("HTTP/1.1 200") == true)
            let refused = try await request(headerBytes: 40_000)
            #expect(refused == nil || refused?.hasPrefix("HTTP/1.1 4") == true, "\(refused ?? "")")
            #expect(try await request(headerBytes: 10)?.hasPrefix("HTTP/1.1 200") == true)
        }
    }
}

/// A TCP connection to the server on loopback, with blocking sends and receives with a timeout.
private final class RawConnection {
    private let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw RawConnectionError.failed("connect", errno) }
    }

    deinit { close(socket) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard Glibc.send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw RawConnectionError.failed("send", errno)
        }
    }

    /// Sends `line` (`METHOD /path`) as a whole request and returns the answer's first bytes.
    func request(_ line: String) async throws -> String {
        try send("\(line) HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return await receive(waitingSeconds: 15) ?? ""
    }

    /// What arrives within `waitingSeconds`; `nil` when nothing does, or the server closed. It polls, so
    /// that no thread of the test process is blocked meanwhile.
    func receive(waitingSeconds: Int) async -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<(waitingSeconds * 20) {
            let count = recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return String(decoding: buffer[0..<count], as: UTF8.self) }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { return nil }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Whether the server has not closed the connection: a read that would wait, not one that ends.
    var isOpen: Bool {
        var byte: UInt8 = 0
        let count = recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        return count > 0 || (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    }
}

private enum RawConnectionError: Error { case failed(String, Int32) }
