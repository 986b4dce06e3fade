import ConnectsCore
import ConnectsStore

/// Who sent a request: an API key's id and role, and for freelancer and client keys the one account
/// the key is bound to.
public struct Caller: Sendable, Hashable {
    public var keyID: String
    public var role: APIKey.Role
    public var accountID: String?

    public init(keyID: String, role: APIKey.Role, accountID: String?) {
        self.keyID = keyID
        self.role = role
        self.accountID = accountID
    }

    /// Refuses a caller whose role is not among `roles`.
    func require(_ roles: Set<APIKey.Role>) throws(ConnectsError) {
        guard roles.contains(role) else {
            throw ConnectsError(.forbidden, "a \(role.rawValue) key may not do this")
        }
    }

    /// Refuses a caller who may not read `accountID`. An account-bound key sees only its own account,
    /// and another account looks to it as if it did not exist.
    func requireRead(of accountID: String) throws(ConnectsError) {
        if role.isAccountBound, self.accountID != accountID {
            throw ConnectsError(.notFound, "no account \(accountID)")
        }
    }

    /// The roles that run the marketplace: everything on any account.
    static let operators: Set<APIKey.Role> = [.admin, .service]
    /// The operators and support agents.
    static let staff: Set<APIKey.Role> = [.admin, .service, .support]

    /// The actor recorded on entries this caller causes.
    var actor: String { "\(role.rawValue):\(keyID)" }
}
