import ConnectsCore
import ConnectsStore

/// Everything a caller can ask Connects to do, each with who may do it (``permission``): the one table
/// of permissions that the JSON routes and the pages both go through, and that the authorization tests
/// read.
public enum Action: String, CaseIterable, Sendable {
    case createAccount = "accounts.create"
    case findAccounts = "accounts.find"
    /// An account and everything that is its own: balance, lots, history, proposals, notifications.
    case readAccount = "accounts.read"
    case closeAccount = "accounts.close"
    /// Marking one's notifications read.
    case markNotificationsRead = "accounts.markNotificationsRead"
    case changePlan = "accounts.changePlan"
    case manageAgencyMembers = "accounts.manageMembers"

    case readEntry = "ledger.readEntry"
    case adjustBalance = "ledger.adjust"
    case reverseEntry = "ledger.reverse"

    case readPolicy = "economy.readPolicy"
    case writePolicy = "economy.writePolicy"
    /// Bundles, prices and the rewards catalog.
    case readCatalog = "economy.readCatalog"
    case recordPurchase = "economy.purchase"
    case grantReward = "economy.reward"
    case redeemPromoCode = "economy.redeemPromoCode"

    /// Open jobs, one job, its bid table (amounts only).
    case readJobs = "jobs.read"
    case postJob = "jobs.post"
    /// A job's title; the cost of its proposals is ``setConnectCost``.
    case updateJob = "jobs.update"
    /// The cost of a job's proposals, which RULES.md leaves to the operator.
    case setConnectCost = "jobs.setConnectCost"
    case inviteFreelancer = "jobs.invite"
    /// A job's proposals, or one proposal: its client's, its freelancer's and its payer's to read.
    case readProposals = "jobs.readProposals"
    case submitProposal = "proposals.submit"
    case withdrawProposal = "proposals.withdraw"
    /// The client's side of a proposal: view, decline, hire, close or cancel the job.
    case decideOnProposals = "jobs.decide"
    case removeJob = "jobs.remove"

    case manageWebhooks = "events.manageWebhooks"
    case issueAPIKeys = "keys.issue"
    /// Listing API keys (never their secrets) and revoking them.
    case manageAPIKeys = "keys.manage"
    /// A single-use link that signs a freelancer or client into their pages (made by the marketplace).
    case createPortalSession = "portal.createSession"
    /// Ending one's own browser session.
    case signOut = "portal.signOut"
    /// The support console's pages: finding accounts, reading their ledgers, the policy.
    case useConsole = "console.use"
    case moveTestClock = "operations.testClock"

    /// Who may take the action.
    public var permission: Permission {
        switch self {
        case .createAccount, .closeAccount, .changePlan, .manageAgencyMembers, .recordPurchase, .grantReward,
            .setConnectCost, .manageWebhooks, .moveTestClock, .createPortalSession:
            return .operators
        case .findAccounts, .adjustBalance, .reverseEntry, .readPolicy, .removeJob, .useConsole:
            return .staff
        case .writePolicy, .issueAPIKeys, .manageAPIKeys:
            return .admin
        case .readCatalog, .readJobs:
            return Permission(roles: Set(APIKey.Role.allCases))
        case .readAccount, .readEntry, .readProposals:
            // Another account's data looks to a freelancer or client as if it did not exist.
            return Permission(roles: Caller.staff, ownAccount: [.freelancer, .client], otherwise: .notFound)
        case .markNotificationsRead:
            // What the person has read is theirs (and the marketplace's, acting for them), not support's.
            return Permission(roles: Caller.operators, ownAccount: [.freelancer, .client], otherwise: .notFound)
        case .redeemPromoCode:
            return Permission(roles: Caller.operators, ownAccount: [.freelancer], otherwise: .notFound)
        case .submitProposal, .withdrawProposal:
            return Permission(roles: Caller.operators, ownAccount: [.freelancer], otherwise: .forbidden)
        case .signOut:
            return Permission(roles: [.support, .admin], ownAccount: [.freelancer, .client])
        case .postJob, .updateJob, .inviteFreelancer, .decideOnProposals:
            return Permission(roles: Caller.operators, ownAccount: [.client], otherwise: .forbidden)
        }
    }
}

/// Who may take an action: roles that take it on any account, and the roles of keys bound to one
/// account (freelancer, client) that take it for their own.
public struct Permission: Sendable, Hashable {
    /// Roles that may take the action on any account.
    public var roles: Set<APIKey.Role>
    /// Account-bound roles that may take the action for their own account only.
    public var ownAccountRoles: Set<APIKey.Role>
    /// What such a key is told when it names another account: `forbidden`, or `not_found` where even
    /// the other account's existence is private.
    public var otherAccount: ConnectsError.Code

    public init(
        roles: Set<APIKey.Role>, ownAccount: Set<APIKey.Role> = [], otherwise: ConnectsError.Code = .forbidden
    ) {
        precondition(ownAccount.allSatisfy(\.isAccountBound), "only account-bound keys act for their own account")
        self.roles = roles
        self.ownAccountRoles = ownAccount
        self.otherAccount = otherwise
    }

    public static let admin = Permission(roles: [.admin])
    public static let operators = Permission(roles: Caller.operators)
    public static let staff = Permission(roles: Caller.staff)

    /// The roles allowed, in `APIKey.Role` order, `(own)` after those that act for their own account
    /// only: the table as the tests print it.
    public var summary: String {
        APIKey.Role.allCases.compactMap { role -> String? in
            if roles.contains(role) { return role.rawValue }
            return ownAccountRoles.contains(role) ? "\(role.rawValue) (own)" : nil
        }.joined(separator: ", ")
    }
}
