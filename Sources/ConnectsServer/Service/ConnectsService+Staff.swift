import ConnectsCore
import ConnectsStore
import HummingbirdBcrypt
import NIOPosix

extension ConnectsService {
    /// Signs a staff member in; returns the session's secret (the cookie) and the session.
    ///
    /// Refused with `rate_limited` (and nothing checked) when the address has tried too often, or the
    /// name is locked after repeated failures; `unauthenticated` for a wrong name or password, which
    /// are not told apart.
    func signIn(name: String, password: String, from address: String?) async throws -> (String, WebSession) {
        if let wait = signInThrottle.acquire(address ?? "unknown") {
            throw ConnectsError(.rateLimited, "too many sign-ins from this address; try again in \(wait) seconds")
        }
        let member = name.utf8.count <= Limits.staffNameLengthMax ? try await store.staffMember(name: name) : nil
        if let lockedUntil = member?.lockedUntil, lockedUntil > now() {
            throw ConnectsError(
                .rateLimited, "too many failed sign-ins for this name; try again after \(RFC3339.format(lockedUntil))")
        }
        let hash = member?.passwordHash ?? StaffAccounts.unknownNameHash
        // A password longer than bcrypt reads is refused without a check (it could not have been set).
        let checkable = password.utf8.count <= Limits.staffPasswordBytes.upperBound
        let matches = try await NIOThreadPool.singleton.runIfActive { checkable && Bcrypt.verify(password, hash: hash) }
        guard let member, matches else {
            if member != nil { try await store.recordFailedSignIn(name: name, now: now()) }
            throw ConnectsError(.unauthenticated, "that name and password do not match")
        }
        let secret = APIKey.makeSecret(prefix: "cs_")
        let session = try await openSession(forStaff: member.name, secret: secret)
        return (secret, session)
    }

    /// Opens a session for the staff member `name` with the cookie `secret` (the demo's way in, and the
    /// end of a sign-in).
    func openSession(forStaff name: String, secret: String) async throws -> WebSession {
        let now = now()
        let session = WebSession(
            idHash: APIKey.digest(secret), accountID: nil, staffName: name,
            csrfToken: APIKey.makeSecret(prefix: ""), returnURL: nil, createdAt: now,
            expiresAt: now.adding(milliseconds: Limits.webSessionSeconds * 1_000))
        try await store.openStaffSession(session)
        return session
    }
}
