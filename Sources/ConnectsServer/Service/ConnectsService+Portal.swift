import ConnectsCore
import ConnectsStore

extension ConnectsService {
    /// Makes a single-use portal link for a freelancer, agency or client, valid for
    /// `Limits.portalLinkSeconds`; returns its token (the secret part of the URL, shown once) and when it
    /// expires.
    func createPortalLink(
        for accountID: String, returnURL: String?, by caller: Caller
    ) async throws -> (token: String, expiresAt: Instant) {
        try caller.authorize(.createPortalSession)
        if let returnURL {
            guard returnURL.hasPrefix("https://") || returnURL.hasPrefix("http://"),
                (8...Limits.webhookURLLengthMax).contains(returnURL.count)
            else { throw ConnectsError.invalidField("returnUrl", "must be an http or https URL") }
        }
        guard try await store.account(id: accountID) != nil else {
            throw ConnectsError(.notFound, "no account \(accountID)")
        }
        let now = now()
        let token = APIKey.makeSecret(prefix: "cp_")
        let link = PortalLink(
            tokenHash: APIKey.digest(token), accountID: accountID, returnURL: returnURL, createdAt: now,
            expiresAt: now.adding(milliseconds: Limits.portalLinkSeconds * 1_000))
        try await store.createPortalLink(link)
        return (token, link.expiresAt)
    }

    /// Signs a browser in with a portal link's token; returns the session's secret (the cookie) and the
    /// session, or `nil` when the link is unknown, used or expired.
    func enterPortal(token: String) async throws -> (secret: String, session: WebSession)? {
        guard token.utf8.count <= 64 else { return nil }
        let secret = APIKey.makeSecret(prefix: "cs_")
        let csrfToken = APIKey.makeSecret(prefix: "")
        let now = now()
        let session = try await store.exchangePortalLink(
            tokenHash: APIKey.digest(token),
            for: { link in
                WebSession(
                    idHash: APIKey.digest(secret), accountID: link.accountID, csrfToken: csrfToken,
                    returnURL: link.returnURL, createdAt: now,
                    expiresAt: now.adding(milliseconds: Limits.webSessionSeconds * 1_000))
            }, now: now)
        return session.map { (secret, $0) }
    }

    /// Who a browser with the session cookie `secret` is: the same caller a key bound to the session's
    /// account would be, or a key of the staff member's role, so that pages obey the one table of
    /// permissions. `nil` when signed out.
    ///
    /// A staff member's actor is `<role>:staff:<name>`: what they do lands in the ledger under their
    /// name, and their role is read at each request (a changed role applies at once).
    func caller(forSession secret: String) async throws -> (caller: Caller, session: WebSession)? {
        guard secret.utf8.count <= 64,
            let session = try await store.webSession(idHash: APIKey.digest(secret), now: now())
        else { return nil }
        if let name = session.staffName {
            guard let member = try await store.staffMember(name: name) else { return nil }
            return (Caller(keyID: "staff:" + name, role: member.role, accountID: nil), session)
        }
        guard let accountID = session.accountID, let account = try await store.account(id: accountID) else {
            return nil
        }
        let caller = Caller(
            keyID: "web:" + session.idHash.prefix(12), role: account.kind == .client ? .client : .freelancer,
            accountID: account.id)
        return (caller, session)
    }

    /// Ends a browser session everywhere.
    func signOut(_ session: WebSession) async throws {
        try await store.endWebSession(idHash: session.idHash, now: now())
    }
}
