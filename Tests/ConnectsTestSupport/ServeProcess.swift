import Foundation

/// A `connects serve` child process on a port the system picked, its log in a file.
///
/// A port chosen by the test could already be taken, by another test's server or by one of the
/// ephemeral ports outgoing connections (a node's own connections to PostgreSQL) are given; a server
/// asked for port 0 never collides, and names the port it bound in its `serving` log line.
public final class ServeProcess: Sendable {
    public let process: Process
    public let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    /// The `connects` binary: `CONNECTS_BINARY`, or the one built beside this test bundle.
    public static var binary: URL {
        get throws {
            var candidates: [URL] = []
            if let override = ProcessInfo.processInfo.environment["CONNECTS_BINARY"] {
                candidates.append(URL(fileURLWithPath: override))
            }
            for start in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])] {
                var folder = start
                for _ in 0..<4 {
                    candidates.append(folder.appendingPathComponent("connects"))
                    folder.deleteLastPathComponent()
                }
            }
            guard
                let found = candidates.first(where: {
                    FileManager.default.isExecutableFile(atPath: $0.path) && !$0.hasDirectoryPath
                })
            else {
                throw ServeProcessError.notBuilt(candidates.map(\.path))
            }
            return found
        }
    }

    /// Runs `connects serve --port 0` with `arguments`, its standard error into `log`, and waits until it
    /// is listening.
    ///
    /// - Throws: `ServeProcessError.notServing` with the log's last lines if the server exits or has not
    ///   bound a port within 60 seconds.
    public static func start(_ arguments: [String], log: URL) async throws -> ServeProcess {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = try binary
        process.arguments = ["serve", "--port", "0"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        for _ in 0..<600 {
            if let port = boundPort(inLog: readLog(log)) {
                return ServeProcess(process: process, port: port)
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        if process.isRunning { process.terminate() }
        throw ServeProcessError.notServing(lastLines(of: log))
    }

    /// The port in the log's `serving` line, once the server has written it.
    public static func boundPort(inLog log: String) -> Int? {
        for line in log.split(separator: "\n") where line.hasSuffix(" serving") {
            guard let key = line.range(of: " port=") else { continue }
            return Int(line[key.upperBound...].prefix(while: \.isNumber))
        }
        return nil
    }

    public static func readLog(_ log: URL) -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public static func lastLines(of log: URL, count: Int = 20) -> String {
        readLog(log).split(separator: "\n").suffix(count).joined(separator: "\n")
    }

    /// Stops the server with SIGTERM (a graceful shutdown), waiting up to 5 seconds.
    public func stop() async {
        if process.isRunning { process.terminate() }
        for _ in 0..<200 where process.isRunning { try? await Task.sleep(for: .milliseconds(25)) }
    }
}

public enum ServeProcessError: Error {
    case notServing(String)
    case notBuilt([String])
}
