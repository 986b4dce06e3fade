import ConnectsCore

extension Lot {
    /// What is left of a lot, kept in a column of its own (`lots.availability`) on which the partial
    /// indexes of open and expiring lots are defined: `availability > 0` (something remains) and
    /// `availability = 2` (something is free to spend, hold or expire).
    ///
    /// Those indexes were defined on `remaining` and `held` themselves, and a database counts an index
    /// whose condition reads a column that an `UPDATE` sets as changed: SQLite deletes and inserts the
    /// row's entry in it, PostgreSQL cannot update the row in place and adds an entry to every index. So
    /// every spend moved its lot in three indexes. A lot's availability changes only when it is emptied,
    /// wholly held, or given connects back after either; an update leaves the column out otherwise
    /// (``LedgerWrites``), and touches no index. A `CHECK` keeps the column equal to ``availabilitySQL``.
    enum Availability: Int64 {
        /// Nothing remains.
        case spent = 0
        /// Everything that remains is held.
        case held = 1
        /// Some of it is free.
        case free = 2
    }

    var availability: Availability {
        if remaining > held { return .free }
        return remaining > 0 ? .held : .spent
    }

    /// ``availability`` as SQL over a `lots` row: the column's `CHECK`, and the migration that added it.
    static let availabilitySQL = "CASE WHEN remaining > held THEN 2 WHEN remaining > 0 THEN 1 ELSE 0 END"
}
