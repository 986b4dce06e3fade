import ConnectsCore
import ConnectsStore

extension ConnectsService {
    // MARK: Accounts

    /// Opens an account (a freelancer or agency gets the sign-up reward and its first allotment).
    func createAccount(_ account: StoreOperation.NewAccount, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.createAccount)
        return try await perform(.createAccount(account), write, movesConnects: false)
    }

    /// The accounts with `externalID`, optionally of one kind.
    func accounts(externalID: String, kind: Account.Kind?, by caller: Caller) async throws -> [AccountSnapshot] {
        try caller.authorize(.findAccounts)
        return try await store.accounts(externalID: externalID, kind: kind, now: now())
    }

    /// The accounts a support agent may mean by `text` (an id, an external id, the start of a name).
    func searchAccounts(_ text: String, by caller: Caller) async throws -> [Account] {
        try caller.authorize(.findAccounts)
        return try await store.searchAccounts(text, limit: 50)
    }

    /// The account `id` as it reads now, if `caller` may read it.
    func account(_ id: String, by caller: Caller) async throws -> AccountSnapshot {
        try caller.authorize(.readAccount, for: [id], hidden: "no account \(id)")
        guard let snapshot = try await store.snapshot(accountID: id, now: now()) else {
            throw ConnectsError(.notFound, "no account \(id)")
        }
        return snapshot
    }

    /// Closes an account: later movements are refused.
    func closeAccount(_ id: String, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.closeAccount)
        return try await perform(
            .ledger(accountID: id, command: .close(actor: write.caller.actor)), write, movesConnects: false)
    }

    /// Moves an account to `plan`: an upgrade (or a failed payment's fall back) now, a downgrade at the
    /// next cycle start.
    func changePlan(
        of id: String, to plan: String, isPaymentFailure: Bool, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        try write.caller.authorize(.changePlan)
        let command = LedgerCommand.changePlan(plan, isImmediate: isPaymentFailure)
        return try await perform(.ledger(accountID: id, command: command), write, movesConnects: false)
    }

    /// Adds or removes a member of an agency.
    func setMember(
        _ freelancerID: String, of agencyID: String, isMember: Bool, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        try write.caller.authorize(.manageAgencyMembers)
        return try await perform(
            .setAgencyMember(agencyID: agencyID, freelancerID: freelancerID, isMember: isMember), write,
            movesConnects: false)
    }

    /// The account's balance at `at` (now when `nil` or later).
    func balance(of id: String, at: Instant?, by caller: Caller) async throws -> (at: Instant, balance: Balance) {
        let snapshot = try await account(id, by: caller)
        let now = now()
        guard let at, at < now else { return (at ?? now, snapshot.balance) }
        return (at, try await store.balance(accountID: id, at: at) ?? .zero)
    }

    /// The account's balance at the end of each of `instants`, as its entries wrote it.
    func balances(of id: String, at instants: [Instant], by caller: Caller) async throws -> [Balance] {
        try caller.authorize(.readAccount, for: [id], hidden: "no account \(id)")
        return try await store.balances(accountID: id, at: instants)
    }

    /// The account's unheld connects expiring in each of `periods` periods of `days` days from `now`.
    func expiries(
        of id: String, from now: Instant, periods: Int, days: Int64, by caller: Caller
    ) async throws -> [Int64] {
        try caller.authorize(.readAccount, for: [id], hidden: "no account \(id)")
        return try await store.expiries(accountID: id, from: now, periods: periods, days: days)
    }

    /// The account's lots, newest first.
    func lots(of id: String, limit: Int, after cursor: String?, by caller: Caller) async throws -> Page<Lot> {
        _ = try await account(id, by: caller)
        return try await store.lots(accountID: id, limit: limit, after: cursor)
    }

    /// The account's history matching `query`, newest first.
    func entries(of id: String, matching query: EntryQuery, by caller: Caller) async throws -> Page<Entry> {
        _ = try await account(id, by: caller)
        return try await store.entries(accountID: id, query: query)
    }

    /// The account's notifications, newest first, with when each was read, and how many are unread.
    func notifications(
        of id: String, limit: Int, before cursor: Int64?, by caller: Caller
    ) async throws -> (page: Page<Notification>, unread: Int) {
        try caller.authorize(.readAccount, for: [id], hidden: "no account \(id)")
        guard try await store.account(id: id) != nil else { throw ConnectsError(.notFound, "no account \(id)") }
        return (
            try await store.notifications(accountID: id, limit: limit, before: cursor),
            try await store.unreadNotificationCount(accountID: id)
        )
    }

    /// Marks the account's notifications read up to `upTo` and those in `ids`; returns how many are
    /// still unread.
    func markNotificationsRead(
        of id: String, upTo: String?, ids: [String], by caller: Caller
    ) async throws -> Int {
        try caller.authorize(.markNotificationsRead, for: [id], hidden: "no account \(id)")
        guard upTo != nil || !ids.isEmpty else {
            throw ConnectsError.invalidField("upTo", "name the newest notification read (upTo), or list ids")
        }
        guard ids.count <= Limits.notificationIDsMax else {
            throw ConnectsError.invalidField("ids", "list at most \(Limits.notificationIDsMax) notifications")
        }
        guard try await store.account(id: id) != nil else { throw ConnectsError(.notFound, "no account \(id)") }
        return try await store.markNotificationsRead(accountID: id, upTo: upTo, ids: ids, now: now())
    }

    // MARK: The ledger and support

    /// One entry, if `caller` may read its account.
    func entry(_ id: String, by caller: Caller) async throws -> Entry {
        guard let entry = try await store.entry(id: id) else { throw ConnectsError(.notFound, "no entry \(id)") }
        try caller.authorize(.readEntry, for: [entry.accountID], hidden: "no entry \(id)")
        return entry
    }

    /// A support adjustment of `amount` connects with its reason, within the caller's per-action limit.
    func adjust(
        _ accountID: String, by amount: Int64, reason: String, ticket: String?, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        let caller = write.caller
        try caller.authorize(.adjustBalance)
        let command = try LedgerCommand.adjustment(
            amount, reason: reason, ticket: ticket, actor: caller.actor, keyID: caller.keyID,
            limit: supportActionMax(for: caller))
        return try await perform(.ledger(accountID: accountID, command: command), write, movesConnects: true)
    }

    /// Reverses an entry with a reason (and the support ticket it answers), within the caller's
    /// per-action limit.
    func reverse(
        _ entryID: String, reason: String, ticket: String?, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        let caller = write.caller
        try caller.authorize(.reverseEntry)
        return try await perform(
            .reverse(
                entryID: entryID, reason: reason, ticket: ticket, actor: caller.actor,
                limit: supportActionMax(for: caller)),
            write, movesConnects: true)
    }

    // MARK: API keys

    /// The API keys, oldest first: ids, roles, accounts and times, never their secrets.
    func apiKeys(limit: Int, after cursor: String?, by caller: Caller) async throws -> Page<APIKey> {
        try caller.authorize(.manageAPIKeys)
        return try await store.apiKeys(limit: limit, after: cursor)
    }

    /// Revokes a key: from now on every node refuses it (each request looks its key up).
    func revokeAPIKey(_ id: String, by caller: Caller) async throws -> APIKey {
        try caller.authorize(.manageAPIKeys)
        guard let key = try await store.revokeAPIKey(id: id, now: now()) else {
            throw ConnectsError(.notFound, "no API key \(id)")
        }
        return key
    }

    /// Issues an API key of `role`, bound to `accountID` for freelancer and client keys; returns it with
    /// its secret, which is shown this once and stored only as a digest.
    func issueKey(
        role: APIKey.Role, accountID: String?, by caller: Caller
    ) async throws -> (key: APIKey, secret: String) {
        try caller.authorize(.issueAPIKeys)
        if let accountID {
            guard let account = try await store.account(id: accountID) else {
                throw ConnectsError(.notFound, "no account \(accountID)")
            }
            // A client key acts for a client; a freelancer key for a freelancer or an agency.
            guard (role == .client) == (account.kind == .client) else {
                throw ConnectsError.invalidField(
                    "accountId", "a \(role.rawValue) key cannot act for a \(account.kind.rawValue) account")
            }
        }
        let now = now()
        let secret = APIKey.makeSecret()
        let key = APIKey(
            id: Identifier.make(Identifier.apiKey, at: now), secretHash: APIKey.digest(secret), role: role,
            accountID: accountID, createdAt: now)
        // The secret is part of the answer, so a replay must not show it again from storage: key
        // creation takes no Idempotency-Key.
        let performed = try await store.perform(.createAPIKey(key), now: now, policy: policy, idempotency: nil)
        guard case .done(let result, _) = performed else { preconditionFailure("no idempotency claim was made") }
        _ = try result.get()
        return (key, secret)
    }
}
