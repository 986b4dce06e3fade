extension Account {
    /// The account that posts a job: it must exist, be a client's, and be active.
    ///
    /// - Throws: `not_found`, `validation_failed` naming `clientId`, or `account_closed`.
    public static func poster(_ account: Account?, id: String) throws(ConnectsError) -> Account {
        guard let account else { throw ConnectsError(.notFound, "no account \(id)") }
        guard account.kind == .client else { throw ConnectsError.invalidField("clientId", "must be a client account") }
        guard account.status == .active else { throw ConnectsError(.accountClosed, "account \(id) is closed") }
        return account
    }

    /// The freelancer an invitation or an agency membership names: only a freelancer's account is one
    /// (an agency is not invited, nor a member of another).
    ///
    /// - Throws: `not_found` for any other account.
    public static func freelancer(_ account: Account?, id: String) throws(ConnectsError) -> Account {
        guard let account, account.kind == .freelancer else { throw ConnectsError(.notFound, "no freelancer \(id)") }
        return account
    }

    /// The agency whose members are changed.
    ///
    /// - Throws: `not_found` for any other account.
    public static func agency(_ account: Account?, id: String) throws(ConnectsError) -> Account {
        guard let account, account.kind == .agency else { throw ConnectsError(.notFound, "no agency \(id)") }
        return account
    }
}

extension JobBook {
    /// Checks an invitation of `freelancer` to this job: an open job invites a freelancer, whose proposal
    /// then costs nothing.
    ///
    /// - Throws: `job_not_open`, or `not_found` when the account is not a freelancer's.
    public func checkInvitation(of freelancer: Account?, id: String) throws(ConnectsError) {
        guard job.status == .open else { throw ConnectsError(.jobNotOpen, "job \(job.id) is \(job.status.rawValue)") }
        _ = try Account.freelancer(freelancer, id: id)
    }
}
