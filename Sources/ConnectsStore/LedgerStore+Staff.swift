import ConnectsCore

/// A support agent or admin who signs into the console with a name and password, as stored: the
/// password only as its bcrypt hash.
public struct StaffMember: Sendable, Hashable {
    public var name: String
    /// `.support` or `.admin`: the same roles, with the same permissions, as API keys.
    public var role: APIKey.Role
    public var passwordHash: String
    /// Failed sign-ins since the last success.
    public var failedSignIns: Int64
    /// Until when sign-ins under this name are refused unread, after repeated failures.
    public var lockedUntil: Instant?

    public init(
        name: String, role: APIKey.Role, passwordHash: String, failedSignIns: Int64 = 0, lockedUntil: Instant? = nil
    ) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.failedSignIns = failedSignIns
        self.lockedUntil = lockedUntil
    }
}

extension LedgerStore {
    /// Adds a staff member; with `replacing`, an existing one gets the new role and password and is
    /// unlocked. Returns `false` when the name exists and `replacing` is off (nothing changes).
    public func addStaff(_ member: StaffMember, replacing: Bool, now: Instant) async throws -> Bool {
        try await write { db in
            let onConflict =
                replacing
                ? "DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, failed_sign_ins = 0, locked_until = NULL"
                : "DO NOTHING"
            return try db.countingChanges(
                """
                INSERT INTO staff (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) \(onConflict)
                """, [member.name, member.role.rawValue, member.passwordHash, now]) == 1
        }
    }

    /// The staff member called `name`, if any.
    public func staffMember(name: String) async throws -> StaffMember? {
        try await read { db in
            try db.fetchOne("SELECT * FROM staff WHERE name = ?", [name]).map { row in
                StaffMember(
                    name: row["name"], role: try row.value("role", as: APIKey.Role.self),
                    passwordHash: row["password_hash"], failedSignIns: row["failed_sign_ins"],
                    lockedUntil: row["locked_until"])
            }
        }
    }

    /// Records a failed sign-in under `name`; from the `Limits.signInFailuresBeforeLock`th failure in a
    /// row the name is locked, for `Limits.signInLockSeconds` doubling with each further failure up to
    /// an hour. Counted in the database, so that spreading guesses over nodes gains nothing.
    public func recordFailedSignIn(name: String, now: Instant) async throws {
        try await write { db in
            let failures =
                (try db.value(Int64.self, "SELECT failed_sign_ins FROM staff WHERE name = ?", [name]) ?? 0) + 1
            var lockedUntil: Instant?
            if failures >= Limits.signInFailuresBeforeLock {
                let doublings = min(failures - Limits.signInFailuresBeforeLock, 6)
                let seconds = min(Limits.signInLockSeconds << doublings, 3_600)
                lockedUntil = now.adding(milliseconds: seconds * 1_000)
            }
            try db.execute(
                "UPDATE staff SET failed_sign_ins = ?, locked_until = ? WHERE name = ?", [failures, lockedUntil, name])
        }
    }

    /// Opens a staff member's session after a correct password, and forgets the earlier failures.
    public func openStaffSession(_ session: WebSession) async throws {
        try await write { db in
            try db.execute(
                "UPDATE staff SET failed_sign_ins = 0, locked_until = NULL WHERE name = ?", [session.staffName])
            try Self.insert(session, db: db)
        }
    }
}
