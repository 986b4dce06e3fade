import Foundation
import Synchronization

/// A PostgreSQL cluster of one test's own, which the test may kill with SIGKILL and start again: the
/// shared cluster of `scripts/with-postgres` serves every other suite at the same time.
///
/// The server binaries are `CONNECTS_TEST_PGBIN` (set by `scripts/with-postgres`), else the newest
/// `/usr/lib/postgresql/*/bin`. PostgreSQL refuses to run as root, so as root the cluster runs as the
/// `postgres` system user that `scripts/with-postgres` creates.
///
/// The postmaster is this process's own child (started through `setpriv`, which becomes it), not a
/// daemon of `pg_ctl`'s: Foundation learns that a child ended when every holder of a descriptor it
/// hands the child has closed it, and a daemon started by the child keeps it open for good.
public final class PostgresCluster: Sendable {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    public let url: String
    let bin: String
    let folder: String
    let port: Int
    /// Server settings (`name=value`) given at every start.
    let settings: [String]
    private let postmaster = Mutex<Process?>(nil)

    private init(bin: String, folder: String, port: Int, settings: [String]) {
        self.bin = bin
        self.folder = folder
        self.port = port
        self.settings = settings
        self.url = "postgres://postgres@127.0.0.1:\(port)/postgres"
    }

    /// Creates a cluster in a new temporary folder and starts it on a free port, with `settings`
    /// (`name=value`, as `postgres -c` takes them).
    public static func start(settings: [String] = []) async throws -> PostgresCluster {
        let cluster = try await make(settings: settings)
        try await cluster.runAsOwner(
            "\(cluster.bin)/initdb",
            ["-D", cluster.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"])
        try await cluster.startServer()
        return cluster
    }

    /// A streaming standby of this cluster, from a base backup, started and replaying: a synchronous
    /// one when this cluster was started with `synchronous_standby_names=*`. Promoted, it is a primary
    /// of its own, with none of this one's settings.
    public func startStandby() async throws -> PostgresCluster {
        let standby = try await Self.make(settings: [])
        try await standby.runAsOwner(
            "\(bin)/pg_basebackup",
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-D", standby.data, "-R", "-X", "stream",
                "--checkpoint=fast",
            ])
        try await standby.startServer()
        return standby
    }

    /// Makes a standby the primary (`pg_ctl promote`), waiting until it accepts writes.
    public func promote() async throws {
        try await runAsOwner("\(bin)/pg_ctl", ["promote", "-D", data, "-w", "-t", "60"])
    }

    /// A new folder in /tmp, not TMPDIR: the test command's TMPDIR is private to root, and the server's
    /// user must reach its folder.
    private static func make(settings: [String]) async throws -> PostgresCluster {
        let bin = try binaries()
        let folder = URL(fileURLWithPath: "/tmp/connects-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        if getuid() == 0 { try await run("/bin/chown", ["postgres:", folder.path]) }
        return PostgresCluster(bin: bin, folder: folder.path, port: try freePort(), settings: settings)
    }

    var data: String { folder + "/data" }

    /// Starts the server on the cluster's data and port, waiting until it accepts connections (after a
    /// kill, once crash recovery has replayed the write-ahead log).
    public func startServer() async throws {
        let process = Process()
        let arguments =
            [
                "-D", data, "-c", "listen_addresses=127.0.0.1", "-p", "\(port)", "-k", folder, "-c",
                "max_connections=100",
                "-c", "fsync=on",
            ] + settings.flatMap { ["-c", $0] }
        (process.executableURL, process.arguments) = Self.asOwner("\(bin)/postgres", arguments)
        let log = URL(fileURLWithPath: folder + "/log")
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let output = try FileHandle(forWritingTo: log)
        try output.seekToEnd()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? output.close()
        postmaster.withLock { $0 = process }
        for _ in 0..<1_200 {
            if (try? await Self.run("\(bin)/pg_isready", ["-q", "-h", "127.0.0.1", "-p", "\(port)"])) != nil { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PostgresClusterError.failed(
            "PostgreSQL did not start: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// SIGKILL to the postmaster and every one of its processes: no checkpoint, no clean shutdown; what
    /// was committed is in the write-ahead log, and the next start recovers from it.
    public func kill() async throws {
        let pidFile = try String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8)
        guard let postmaster = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw PostgresClusterError.failed("no postmaster.pid in \(data)")
        }
        // Stopped first, so that it starts no new process meanwhile; then its children, so that none is
        // left attached to the shared memory the next start needs; then the postmaster itself.
        Foundation.kill(postmaster, SIGSTOP)
        try? await Self.run("/usr/bin/pkill", ["-KILL", "-P", "\(postmaster)"])
        Foundation.kill(postmaster, SIGKILL)
        let process = self.postmaster.withLock { $0 }
        for _ in 0..<400 where process?.isRunning ?? (Foundation.kill(postmaster, 0) == 0) {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops the server at once and removes the cluster.
    public func destroy() async {
        guard FileManager.default.fileExists(atPath: folder) else { return }
        try? await kill()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func runAsOwner(_ executable: String, _ arguments: [String]) async throws {
        let (owner, ownerArguments) = Self.asOwner(executable, arguments)
        try await Self.run(owner.path, ownerArguments)
    }

    /// `executable` with `arguments`, as the `postgres` user when this process is root: `setpriv`
    /// changes user and group and then becomes the program (no process in between).
    static func asOwner(_ executable: String, _ arguments: [String]) -> (URL, [String]) {
        guard getuid() == 0 else { return (URL(fileURLWithPath: executable), arguments) }
        return (
            URL(fileURLWithPath: "/usr/bin/setpriv"),
            ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable] + arguments
        )
    }

    /// Runs a command to its end without holding a thread of the concurrency pool meanwhile (a start
    /// waits through crash recovery, while the load's tasks need those threads).
    static func run(_ executable: String, _ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("connects-pg-run-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try? output.close()
        guard status == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw PostgresClusterError.failed("\(executable) \(arguments.joined(separator: " ")): \(text)")
        }
    }

    static func binaries() throws -> String {
        if let bin = ProcessInfo.processInfo.environment["CONNECTS_TEST_PGBIN"] { return bin }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.compactMap(Int.init).max() else {
            throw PostgresClusterError.failed("no PostgreSQL server binaries: run the tests with ./scripts/test")
        }
        return "/usr/lib/postgresql/\(newest)/bin"
    }

    /// A port nothing listens on now, as the system picks one.
    static func freePort() throws -> Int {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
            }
        }
        guard bound else { throw PostgresClusterError.failed("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public enum PostgresClusterError: Error {
    case failed(String)
}
