import ConnectsCore

/// One unit of work the store carries out in one transaction, with the idempotency record that
/// protects it.
public enum StoreOperation: Sendable {
    /// Creates an account; `externalID` is unique per kind.
    case createAccount(NewAccount)
    /// Runs a ledger command on one account.
    case ledger(accountID: String, command: LedgerCommand)
    /// Reverses an entry, refusing one that is already reversed or larger than `limit`.
    case reverse(entryID: String, reason: String, ticket: String?, actor: String, limit: Int64)
    /// Stores a new API key (already hashed).
    case createAPIKey(APIKey)
    /// Buys connects with a payment reference that buys once.
    case purchase(Purchase)
    /// Grants a catalog reward, once per account (or per account and scope).
    case reward(key: String, scope: String?, accountID: String)
    /// Redeems a promo code, once per account and within its global cap.
    case redeemPromoCode(String, accountID: String)
    /// Posts a job (decided by ``JobBook/post``).
    case postJob(Job)
    /// Changes a job's title or connect cost (for later proposals only).
    case updateJob(jobID: String, title: String?, connectCost: Int64?)
    /// Invites a freelancer: their proposal to the job costs nothing.
    case invite(jobID: String, freelancerID: String)
    /// Adds or removes a member of an agency.
    case setAgencyMember(agencyID: String, freelancerID: String, isMember: Bool)
    /// Submits a proposal, charging its fee and placing its boost bid.
    case submitProposal(jobID: String, freelancerID: String, agencyID: String?, boost: Int64?, proposalID: String)
    /// A client's or freelancer's action on a job or one of its proposals.
    case jobAction(jobID: String, JobAction)
    /// Runs the scheduled decisions due on a job.
    case runDueJob(jobID: String)
    /// Registers a webhook; events from now on are delivered to it.
    case createWebhook(Webhook)
    /// Stops deliveries to a webhook (`not_found` when there is none).
    case deleteWebhook(id: String)
    /// Delivers an event to a webhook again.
    case resendDelivery(webhookID: String, eventID: String)
    /// Gives a webhook a new signing secret; the old one signs too until `overlapUntil`.
    case rotateWebhookSecret(webhookID: String, secret: String, overlapUntil: Instant)
    /// Stores a policy as the next version, unless it equals the newest.
    case savePolicy(Policy)

    /// What a new account is made of.
    public struct NewAccount: Sendable, Hashable {
        public var externalID: String
        public var kind: Account.Kind
        public var name: String?
        public var plan: String?

        public init(externalID: String, kind: Account.Kind, name: String? = nil, plan: String? = nil) {
            self.externalID = externalID
            self.kind = kind
            self.name = name
            self.plan = plan
        }
    }
}

/// What a store operation produced.
public enum OperationResult: Sendable, Hashable {
    /// The account after the operation, the entry it is about (if any), and the kinds of every entry
    /// it wrote (expiries written first included).
    case ledger(AccountSnapshot, Entry?, written: [EntryKind])
    /// A stored API key.
    case apiKey(APIKey)
    /// A purchase; `isNew` is false when the payment reference had already bought it.
    case purchase(Purchase, AccountSnapshot, isNew: Bool)
    /// A reward or promo code: the entry (new, or the earlier one), whether it was granted now, and the
    /// rule that refused it (a cap), if one did.
    case reward(AccountSnapshot, Entry?, granted: Bool, rule: String?)
    /// A job after the operation.
    case job(Job)
    /// A proposal and its job after the operation.
    case proposal(Proposal, Job)
    /// A webhook registered, or deleted.
    case webhook(Webhook)
    /// The version of the policy in force after the operation, and the policy.
    case policy(version: Int64, Policy)

    /// The kinds of the entries the operation wrote.
    public var writtenKinds: [EntryKind] {
        switch self {
        case .ledger(_, _, let written): return written
        case .purchase(_, _, let isNew): return isNew ? [.purchase] : []
        case .reward(_, _, let granted, _): return granted ? [.reward] : []
        case .apiKey, .job, .proposal, .webhook, .policy: return []
        }
    }

    /// The entry, for operations that produce one.
    public var entry: Entry? {
        switch self {
        case .ledger(_, let entry, _), .reward(_, let entry, _, _): return entry
        default: return nil
        }
    }

    /// The account snapshot, for operations on an account.
    public var snapshot: AccountSnapshot? {
        switch self {
        case .ledger(let snapshot, _, _), .purchase(_, let snapshot, _), .reward(let snapshot, _, _, _): return snapshot
        case .apiKey, .job, .proposal, .webhook, .policy: return nil
        }
    }
}

/// A response as the HTTP layer rendered it, kept so that a replayed request gets the same answer.
public struct StoredResponse: Sendable, Hashable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// The claim an idempotent request makes: its key, who sent it, what it was, and how to render its
/// outcome so that the response is stored in the same transaction as the effect.
public struct IdempotencyClaim: Sendable {
    public var caller: String
    public var key: String
    /// A digest of method, path and body: the same key with another fingerprint is refused.
    public var fingerprint: String
    public var render: @Sendable (Result<OperationResult, ConnectsError>) -> StoredResponse

    public init(
        caller: String,
        key: String,
        fingerprint: String,
        render: @escaping @Sendable (Result<OperationResult, ConnectsError>) -> StoredResponse
    ) {
        self.caller = caller
        self.key = key
        self.fingerprint = fingerprint
        self.render = render
    }
}

/// A stored idempotency record.
public struct IdempotencyRecord: Sendable, Hashable {
    public var fingerprint: String
    public var response: StoredResponse
    public var createdAt: Instant

    public init(fingerprint: String, response: StoredResponse, createdAt: Instant) {
        self.fingerprint = fingerprint
        self.response = response
        self.createdAt = createdAt
    }
}

/// The outcome of ``LedgerStore/perform(_:now:policy:idempotency:)``.
public enum Performed: Sendable {
    /// The operation ran (or was refused); with a claim, `response` is what was stored for it.
    case done(Result<OperationResult, ConnectsError>, response: StoredResponse?)
    /// An earlier request with the same key and caller already ran; nothing moved now.
    case replayed(IdempotencyRecord)
}

/// An API key as stored: only the hash of the secret is kept.
public struct APIKey: Sendable, Hashable {
    /// Roles of API.md.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        case admin
        case service
        case support
        case freelancer
        case client

        /// Whether keys of this role are bound to one account.
        public var isAccountBound: Bool { self == .freelancer || self == .client }
    }

    public var id: String
    public var secretHash: String
    public var role: Role
    public var accountID: String?
    public var createdAt: Instant
    /// When an admin revoked the key; a revoked key is refused at once, on every node.
    public var revokedAt: Instant?

    public init(
        id: String, secretHash: String, role: Role, accountID: String?, createdAt: Instant, revokedAt: Instant? = nil
    ) {
        self.id = id
        self.secretHash = secretHash
        self.role = role
        self.accountID = accountID
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
