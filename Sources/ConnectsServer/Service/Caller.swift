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

    /// Refuses the caller unless ``Action/permission`` lets it take `action`, acting for an account
    /// among `owners` when its key is bound to one.
    ///
    /// - Parameters:
    ///   - owners: the accounts the action is for (a job's client, a proposal's freelancer and payer).
    ///   - hidden: the detail of the `not_found` a bound key is told where another account's data is
    ///     private.
    public func authorize(
        _ action: Action, for owners: [String] = [], hidden: @autoclosure () -> String = "no such account"
    ) throws(ConnectsError) {
        let permission = action.permission
        if permission.roles.contains(role) { return }
        guard permission.ownAccountRoles.contains(role) else {
            throw ConnectsError(.forbidden, "a \(role.rawValue) key may not do this")
        }
        if let accountID, owners.contains(accountID) { return }
        throw permission.otherAccount == .notFound
            ? ConnectsError(.notFound, hidden())
            : ConnectsError(permission.otherAccount, "this key acts for another account")
    }

    /// Refuses a caller whose role may take `action` for no account at all: checked before a request
    /// is read, so that a caller who may not act learns nothing from how its input would be judged.
    public func requireRole(for action: Action) throws(ConnectsError) {
        let permission = action.permission
        guard permission.roles.contains(role) || permission.ownAccountRoles.contains(role) else {
            throw ConnectsError(.forbidden, "a \(role.rawValue) key may not do this")
        }
    }

    /// The roles that run the marketplace: everything on any account.
    public static let operators: Set<APIKey.Role> = [.admin, .service]
    /// The operators and support agents.
    public static let staff: Set<APIKey.Role> = [.admin, .service, .support]

    /// The actor recorded on entries this caller causes.
    public var actor: String { "\(role.rawValue):\(keyID)" }
}
