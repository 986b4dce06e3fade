import ConnectsCore
import ConnectsStore
import ConnectsTestSupport
import Foundation
import Testing

/// The two schemas are kept by hand, one per database; this proves they describe the same database.
@Suite("SQLite's and PostgreSQL's schemas")
struct SchemaParityTests {
    @Test("have the same tables, columns, indexes (with their columns) and the same numbers in their checks")
    func parity() async throws {
        let sqlite = try await withTestDatabase(.sqlite) { try await SchemaDescription.read($0) }
        let postgres = try await withTestDatabase(.postgres) { try await SchemaDescription.read($0) }
        #expect(sqlite.tables == postgres.tables)
        for table in sqlite.tables.keys.sorted() {
            #expect(sqlite.tables[table] == postgres.tables[table], "columns of \(table)")
            #expect(sqlite.indexes[table] == postgres.indexes[table], "indexes of \(table)")
            #expect(sqlite.checkNumbers[table] == postgres.checkNumbers[table], "checks of \(table)")
        }
        // The numbers in the checks are the limits of `Limits`, written once.
        #expect(sqlite.checkNumbers["entries"]?.contains(Limits.movementMax) == true)
        #expect(postgres.checkNumbers["accounts"]?.contains(Limits.balanceMax) == true)
    }
}

/// What the parity test compares of a schema, read from the database itself.
private struct SchemaDescription: Sendable {
    /// Each table's columns, sorted.
    var tables: [String: [String]] = [:]
    /// Each table's explicitly created indexes (not those behind a key or a unique constraint), as
    /// `name(column, ...)`.
    var indexes: [String: Set<String>] = [:]
    /// The whole numbers in each table's checks, sorted: the limits they enforce.
    var checkNumbers: [String: [Int64]] = [:]

    static func read(_ database: TestDatabase) async throws -> SchemaDescription {
        let kind = database.kind
        return try await database.store.read { db in
            var description = SchemaDescription()
            switch kind {
            case .sqlite:
                let tables = try db.fetchAll(
                    """
                    SELECT name, sql FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                    """, [])
                for table in tables {
                    let name: String = table["name"]
                    description.tables[name] = try db.fetchAll(
                        "SELECT name FROM pragma_table_info(?) ORDER BY name", [name]
                    )
                    .map { $0["name"] as String }
                    description.checkNumbers[name] = numbers(inChecksOf: table["sql"])
                    var indexes: Set<String> = []
                    for index in try db.fetchAll(
                        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                        [name]
                    ).map({ $0["name"] as String }) {
                        let columns = try db.fetchAll(
                            "SELECT coalesce(name, '(expression)') AS name FROM pragma_index_info(?) ORDER BY seqno",
                            [index]
                        )
                        .map { $0["name"] as String }
                        indexes.insert("\(index)(\(columns.joined(separator: ", ")))")
                    }
                    description.indexes[name] = indexes
                }
            case .postgres:
                let tables = try db.fetchAll(
                    """
                    SELECT table_name::text AS name FROM information_schema.tables
                    WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
                    """, []
                ).map { $0["name"] as String }
                for name in tables {
                    description.tables[name] = try db.fetchAll(
                        """
                        SELECT column_name::text AS name FROM information_schema.columns
                        WHERE table_schema = 'public' AND table_name = CAST(? AS TEXT) ORDER BY column_name::text COLLATE "C"
                        """, [name]
                    ).map { $0["name"] as String }
                    let checks = try db.fetchAll(
                        """
                        SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
                        WHERE conrelid = CAST(? AS TEXT)::regclass AND contype = 'c'
                        """, [name]
                    ).map { $0["definition"] as String }
                    description.checkNumbers[name] = checks.flatMap { numbers(in: $0) }.sorted()
                    var indexes: Set<String> = []
                    for row in try db.fetchAll(
                        """
                        SELECT i.relname::text AS name,
                          array_to_string(ARRAY(
                            SELECT coalesce(a.attname::text, '(expression)') FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                            LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum ORDER BY k.n
                          ), ', ') AS columns
                        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                        WHERE x.indrelid = CAST(? AS TEXT)::regclass
                          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                        """, [name])
                    {
                        indexes.insert("\(row["name"] as String)(\(row["columns"] as String))")
                    }
                    description.indexes[name] = indexes
                }
            }
            return description
        }
    }

    /// The whole numbers inside the `CHECK (...)` clauses of a `CREATE TABLE` statement, sorted.
    static func numbers(inChecksOf sql: String) -> [Int64] {
        var found: [Int64] = []
        var rest = Substring(sql)
        while let start = rest.range(of: "CHECK (") {
            var depth = 1
            var index = start.upperBound
            while index < rest.endIndex, depth > 0 {
                if rest[index] == "(" { depth += 1 } else if rest[index] == ")" { depth -= 1 }
                index = rest.index(after: index)
            }
            found += numbers(in: String(rest[start.upperBound..<index]))
            rest = rest[index...]
        }
        return found.sorted()
    }

    /// The whole numbers in `text`, with their signs (PostgreSQL writes a negative one as `'-100000'`).
    static func numbers(in text: String) -> [Int64] {
        var found: [Int64] = []
        var digits = ""
        var isNegative = false
        var previous: Character = " "
        for character in text + " " {
            if character.isNumber, !(previous.isLetter || previous == "_") || !digits.isEmpty {
                if digits.isEmpty { isNegative = previous == "-" }
                digits.append(character)
            } else if !digits.isEmpty {
                found.append((Int64(digits) ?? 0) * (isNegative ? -1 : 1))
                digits = ""
            }
            previous = character
        }
        return found
    }
}
