import ConnectsCore
import Testing

@testable import ConnectsStore

/// Reading columns the schema and the code must agree on.
struct SQLRowTests {
    let row = SQLRow(
        columns: SQLColumns(["id", "kind", "created_at", "expires_at"]),
        values: [.text("acct_1"), .text("robot"), .integer(1_700_000_000_123), .null]
    )

    @Test func instantsAreMilliseconds() {
        #expect(row["created_at"] == Instant(millisecondsSinceEpoch: 1_700_000_000_123))
        #expect((row["expires_at"] as Instant?) == nil)
    }

    @Test func anUnknownRawValueIsCorruption() {
        #expect(throws: StoreError.corrupt("Kind 'robot' in column kind of row acct_1 is unknown")) {
            try row.value("kind", as: Account.Kind.self)
        }
    }
}
