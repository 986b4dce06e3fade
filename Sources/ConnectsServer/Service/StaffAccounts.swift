import ConnectsCore
import ConnectsStore
import HummingbirdBcrypt
import NIOPosix

/// Support agents and admins who sign into the console with a name and password
/// (`connects staff add`). Passwords are kept only as bcrypt hashes.
public enum StaffAccounts {
    /// bcrypt's work factor for new passwords: about a quarter of a second a check on one core, which
    /// is nothing to a person and a wall to someone guessing.
    static let passwordCost: UInt8 = 12

    /// A hash that no password matches, checked when a name is unknown so that a wrong name takes as
    /// long to refuse as a wrong password (the time does not tell which names exist).
    static let unknownNameHash = "$2b$12$" + String(repeating: "A", count: 53)

    /// Adds a support agent or admin (or, `replacing`, gives an existing one a new role and password
    /// and lifts any lock).
    ///
    /// - Throws: `validation_failed` for a bad name, role or password; `invalid_state` when the name
    ///   exists and `replacing` is off.
    public static func add(
        name: String, role: APIKey.Role, password: String, replacing: Bool, to store: any LedgerStore, now: Instant
    ) async throws {
        guard (1...Limits.staffNameLengthMax).contains(name.utf8.count),
            name.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || isLetterOrDigit($0) })
        else {
            throw ConnectsError.invalidField(
                "name", "must be 1 to \(Limits.staffNameLengthMax) letters, digits, '.', '-' or '_'")
        }
        guard role == .support || role == .admin else {
            throw ConnectsError.invalidField("role", "must be support or admin")
        }
        guard Limits.staffPasswordBytes.contains(password.utf8.count) else {
            throw ConnectsError.invalidField(
                "password",
                "must be \(Limits.staffPasswordBytes.lowerBound) to \(Limits.staffPasswordBytes.upperBound) bytes long")
        }
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: passwordCost) }
        let member = StaffMember(name: name, role: role, passwordHash: hash)
        guard try await store.addStaff(member, replacing: replacing, now: now) else {
            throw ConnectsError(.invalidState, "a staff member called \(name) exists (--replace sets a new password)")
        }
    }

    private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
