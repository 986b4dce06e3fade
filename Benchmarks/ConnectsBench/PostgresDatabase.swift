import Foundation

/// A fresh database in a PostgreSQL cluster for one figure, made and dropped with `psql`.
struct PostgresDatabase {
    let clusterURL: String
    let name: String
    let url: String

    /// `PGHOST`, `PGPORT`, `PGUSER`, `PGDATABASE` (and `PGPASSWORD`) of this database, for `anchors.sh`.
    var environment: [String: String] {
        guard let components = URLComponents(string: url) else { return [:] }
        var environment = [
            "PGHOST": components.host ?? "127.0.0.1", "PGPORT": String(components.port ?? 5432),
            "PGUSER": components.user ?? "postgres", "PGDATABASE": name,
        ]
        environment["PGPASSWORD"] = components.password
        return environment
    }

    static func create(in clusterURL: String) throws -> PostgresDatabase {
        guard var components = URLComponents(string: clusterURL) else {
            throw BenchError.setup("not a PostgreSQL URL: \(clusterURL)")
        }
        let name = "connects_bench_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try psql(clusterURL, "CREATE DATABASE \(name)")
        components.path = "/" + name
        return PostgresDatabase(clusterURL: clusterURL, name: name, url: components.string!)
    }

    func drop() {
        try? Self.psql(clusterURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    private static func psql(_ url: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError.setup("psql failed: \(sql)") }
    }
}
