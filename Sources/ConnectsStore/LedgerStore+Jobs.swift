import ConnectsCore
import Foundation

/// What to do to a job or proposal (the client's and freelancer's actions).
public enum JobAction: Sendable, Hashable {
    case view(proposalID: String)
    case decline(proposalID: String)
    case withdraw(proposalID: String)
    case hire(proposalID: String)
    case close(Job.Status)
    case remove
}

/// Which proposals a decision needs: all (hire, close), or only the bidders (and one proposal).
enum BookScope: Sendable {
    case all
    case biddersAnd(String)
    /// The bidders and every proposal of one freelancer (who may not apply twice).
    case biddersAndApplicant(String)
}

extension LedgerStore {
    // MARK: Operations

    static func postJob(_ job: Job, db: any SQLSession) throws -> OperationResult {
        _ = try Account.poster(try loadAccount(db, id: job.clientID), id: job.clientID)
        try insertJob(job, db: db)
        return .job(job)
    }

    static func updateJob(
        _ jobID: String, title: String?, connectCost: Int64?, db: any SQLSession
    ) throws -> OperationResult {
        guard let job = try loadJob(db, id: jobID) else { throw ConnectsError(.notFound, "no job \(jobID)") }
        var book = JobBook(job: job, proposals: [])
        try book.update(title: title, connectCost: connectCost)
        try saveJob(book.job, stored: job, db: db)
        return .job(book.job)
    }

    static func invite(jobID: String, freelancerID: String, db: any SQLSession, now: Instant) throws -> OperationResult
    {
        guard let job = try loadJob(db, id: jobID) else { throw ConnectsError(.notFound, "no job \(jobID)") }
        try JobBook(job: job, proposals: []).checkInvitation(
            of: try loadAccount(db, id: freelancerID), id: freelancerID)
        try db.execute(
            "INSERT INTO invitations (job_id, freelancer_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [jobID, freelancerID, now])
        return .job(job)
    }

    static func setMember(
        agencyID: String, freelancerID: String, isMember: Bool, db: any SQLSession, now: Instant
    ) throws
        -> OperationResult
    {
        // The agency is locked first (loading its ledger does): the membership row's foreign key would
        // otherwise share-lock it, and two concurrent changes upgrading to the ledger's lock deadlock.
        let agency = try loadLedger(db, accountID: agencyID, selecting: .due(spending: 0), now: now)
        _ = try Account.agency(agency?.account, id: agencyID)
        _ = try Account.freelancer(try loadAccount(db, id: freelancerID), id: freelancerID)
        if isMember {
            try db.execute(
                "INSERT INTO agency_members (agency_id, freelancer_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [agencyID, freelancerID, now])
        } else {
            try db.execute(
                "DELETE FROM agency_members WHERE agency_id = ? AND freelancer_id = ?", [agencyID, freelancerID])
        }
        return .ledger(try snapshot(of: agency!, db: db, now: now), nil, written: [])
    }

    static func submit(
        jobID: String,
        freelancerID: String,
        agencyID: String?,
        boost: Int64?,
        proposalID: String,
        db: any SQLSession,
        now: Instant,
        policy: LedgerPolicy
    ) throws -> OperationResult {
        // One statement loads the job with every fact of the applicant (kind, invitation, agency
        // membership): on PostgreSQL each statement is a round trip, a proposal's largest cost.
        guard
            let standing = try db.fetchOne(
                """
                SELECT *, (SELECT kind FROM accounts WHERE id = ?2) AS applicant_kind,
                  EXISTS (SELECT 1 FROM invitations WHERE job_id = ?1 AND freelancer_id = ?2) AS applicant_invited,
                  EXISTS (SELECT 1 FROM agency_members WHERE agency_id = ?3 AND freelancer_id = ?2) AS applicant_member
                FROM jobs WHERE id = ?1
                """ + db.forUpdate,
                [jobID, freelancerID, agencyID])
        else { throw ConnectsError(.notFound, "no job \(jobID)") }
        // The bidders decide the auction; the freelancer's own proposal, if any, the once-per-job rule.
        var book = JobBook(
            job: try Job(row: standing),
            proposals: try loadProposals(db, jobID: jobID, scope: .biddersAndApplicant(freelancerID)))
        let applicant = Applicant(
            freelancerID: freelancerID,
            isFreelancer: standing["applicant_kind"] as String? == Account.Kind.freelancer.rawValue,
            isInvited: standing["applicant_invited"],
            agencyID: agencyID,
            isAgencyMember: standing["applicant_member"])
        try book.submit(id: proposalID, applicant: applicant, boost: boost, now: now, policy: policy.economy)
        try settle(&book, db: db, now: now, policy: policy)
        let submitted = book.proposals[proposalID]!
        try emit(
            "proposal.submitted",
            accountID: submitted.payerID,
            data: [
                "proposalId": .string(proposalID), "jobId": .string(jobID), "freelancerId": .string(freelancerID),
                "fee": .int(submitted.fee), "boost": .int(submitted.boostBid),
            ],
            db: db,
            now: now
        )
        return .proposal(book.proposals[proposalID]!, book.job)
    }

    static func act(
        _ action: JobAction, jobID: String, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws
        -> OperationResult
    {
        let scope: BookScope
        switch action {
        case .view(let id), .decline(let id), .withdraw(let id): scope = .biddersAnd(id)
        case .hire, .close, .remove: scope = .all
        }
        guard var book = try loadBook(db, jobID: jobID, scope: scope) else {
            throw ConnectsError(.notFound, "no job \(jobID)")
        }
        var subject: String?
        switch action {
        case .view(let id):
            try book.view(id, now: now)
            subject = id
        case .decline(let id):
            try book.decline(id, now: now, policy: policy.economy)
            subject = id
        case .withdraw(let id):
            try book.withdraw(id, now: now)
            subject = id
        case .hire(let id):
            try book.hire(id, now: now)
            subject = id
        case .close(let status):
            try book.close(
                status: status,
                rule: status == .canceled ? "returns.jobCanceled" : "returns.jobClosedWithoutHire",
                now: now
            )
        case .remove:
            try book.remove(now: now)
        }
        try settle(&book, db: db, now: now, policy: policy)
        if let subject { return .proposal(book.proposals[subject]!, book.job) }
        return .job(book.job)
    }

    /// Runs the scheduled decisions due on one job: auction close, expiry, missed hiring deadline,
    /// client inactivity, unviewed returns.
    static func runDue(jobID: String, db: any SQLSession, now: Instant, policy: LedgerPolicy) throws -> OperationResult
    {
        guard var book = try loadBook(db, jobID: jobID, scope: .all) else {
            throw ConnectsError(.notFound, "no job \(jobID)")
        }
        try book.runDue(now: now, policy: policy.economy)
        try settle(&book, db: db, now: now, policy: policy)
        return .job(book.job)
    }

    /// Carries out the book's ledger effects on the payers' accounts, then saves the job and the
    /// proposals that changed.
    static func settle(_ book: inout JobBook, db: any SQLSession, now: Instant, policy: LedgerPolicy) throws {
        let effects = book.takeEffects()
        // Loading ledgers locks their accounts in id order (on PostgreSQL), so that two decisions that share
        // payers wait for each other instead of deadlocking. A decision that takes several windows locks
        // every payer first, for the same reason.
        if effects.count > db.listLengthMax { try lockAccounts(Set(effects.map(\.payerID)), db: db) }
        // In windows, so that a decision on thousands of proposals holds a few hundred ledgers at a time.
        for start in stride(from: 0, to: effects.count, by: db.listLengthMax) {
            let window = effects[start..<min(start + db.listLengthMax, effects.count)]
            try carryOut(window, book: &book, db: db, now: now, policy: policy)
        }
        try saveJob(book.job, stored: book.storedJob, db: db)
        if book.storedJob.status == .open, book.job.status != .open, book.job.status != .filled {
            try emit(
                "job.closed", accountID: book.job.clientID,
                data: ["jobId": .string(book.job.id), "status": .string(book.job.status.rawValue)], db: db, now: now
            )
        }
        if !book.keptProposalIDs.isEmpty {
            var writes = LedgerWrites(for: db)
            for id in book.keptProposalIDs {
                let proposal = book.proposals[id]!
                writes.emit(
                    "proposal.fee_kept", accountID: proposal.payerID,
                    data: [
                        "proposalId": .string(id), "jobId": .string(book.job.id), "kept": .int(proposal.paid),
                        "rule": .string(proposal.keptBy),
                    ], now: now)
            }
            try writes.flush(db)
        }
        for id in book.changedProposalIDs.sorted() {
            if book.submittedProposalIDs.contains(id) {
                try insertProposal(book.proposals[id]!, db: db)
            } else {
                try updateProposal(book.proposals[id]!, db: db)
            }
        }
    }

    /// Carries out effects on their payers' ledgers, loaded together with the spends they return (a
    /// boost captured in the same window is returned from what it wrote).
    static func carryOut(
        _ effects: ArraySlice<JobEffect>, book: inout JobBook, db: any SQLSession, now: Instant, policy: LedgerPolicy
    ) throws {
        let returnedEntryIDs = effects.compactMap { effect -> String? in
            guard case .returnConnects(let proposalID, _, let part, _) = effect else { return nil }
            let proposal = book.proposals[proposalID]!
            return part == .fee ? proposal.feeEntryID : proposal.boostCaptureEntryID
        }
        var originals: [String: Entry] = [:]
        for row in try db.fetchAll("SELECT * FROM entries WHERE id IN ({list})", in: returnedEntryIDs) {
            let entry = try Entry(row: row)
            originals[entry.id] = entry
        }
        var ledgers = try loadLedgers(
            db, accountIDs: effects.map(\.payerID),
            selecting: LotSelection.perAccount(effects.lazy.map { ($0.payerID, $0.lotSelection) }),
            extraLotIDs: originals.values.flatMap { $0.allocations.map(\.lotID) }, now: now)
        var writes = LedgerWrites(for: db)
        func run(_ command: LedgerCommand, payerID: String) throws -> Entry? {
            guard var ledger = ledgers.removeValue(forKey: payerID) else {
                throw ConnectsError(.notFound, "no account \(payerID)")
            }
            let (entry, written) = try execute(command, on: &ledger, writes: &writes, now: now, policy: policy)
            ledgers[payerID] = ledger
            for entry in written { originals[entry.id] = entry }
            return entry
        }
        for effect in effects {
            switch effect {
            case .chargeFee(let proposalID, let payerID, let amount):
                let command = LedgerCommand.debit(
                    .init(
                        kind: .spend, amount: amount, cause: Cause(type: "proposal", id: proposalID),
                        eventKey: "fee:\(proposalID)")
                )
                let entry = try run(command, payerID: payerID)!
                book.attach(feeEntryID: entry.id, to: proposalID)
            case .holdBoost(let proposalID, let payerID, let bid):
                let command = LedgerCommand.placeHold(
                    .init(amount: bid, cause: Cause(type: "proposal", id: proposalID), eventKey: "boost:\(proposalID)")
                )
                let entry = try run(command, payerID: payerID)!
                book.attach(holdID: entry.holdID!, to: proposalID)
            case .captureBoost(let proposalID, let payerID):
                let holdID = book.proposals[proposalID]!.boostHoldID!
                let command = LedgerCommand.captureHold(
                    id: holdID, cause: Cause(type: "proposal", id: proposalID), actor: "system")
                let entry = try run(command, payerID: payerID)!
                book.attach(captureEntryID: entry.id, to: proposalID)
                writes.emit(
                    "proposal.boost_captured", accountID: payerID,
                    data: [
                        "proposalId": .string(proposalID), "jobId": .string(book.job.id), "bid": .int(-entry.amount),
                    ], now: now
                )
            case .releaseBoost(let proposalID, let payerID, let isOutbid):
                let holdID = book.proposals[proposalID]!.boostHoldID!
                let command = LedgerCommand.releaseHold(
                    id: holdID, cause: Cause(type: "proposal", id: proposalID), actor: "system",
                    rule: isOutbid ? JobEffect.outbidRule : nil)
                _ = try run(command, payerID: payerID)
                if isOutbid {
                    writes.emit(
                        "proposal.boost_outbid", accountID: payerID,
                        data: [
                            "proposalId": .string(proposalID), "jobId": .string(book.job.id),
                            "bid": .int(book.proposals[proposalID]!.boostBid ?? 0),
                        ],
                        now: now
                    )
                }
            case .returnConnects(let proposalID, let payerID, let part, let rule):
                let proposal = book.proposals[proposalID]!
                guard let entryID = part == .fee ? proposal.feeEntryID : proposal.boostCaptureEntryID,
                    let original = originals[entryID]
                else { throw StoreError.corrupt("proposal \(proposalID) has no \(part) entry to return") }
                let command = LedgerCommand.returnSpend(
                    .init(original: original, rule: rule, cause: Cause(type: "job", id: book.job.id))
                )
                _ = try run(command, payerID: payerID)
            }
        }
        try writes.flush(db)
    }

    /// Locks the accounts a decision moves connects on, in id order, before any of them is touched:
    /// two decisions on different jobs that share payers then wait for each other instead of
    /// deadlocking (a job's own row is always locked first).
    static func lockAccounts(_ ids: Set<String>, db: any SQLSession) throws {
        guard db.locksRows else { return }
        _ = try db.fetchAll("SELECT id FROM accounts WHERE id IN ({list}) ORDER BY id FOR UPDATE", in: ids.sorted())
    }

    // MARK: Loading and saving

    static func loadBook(_ db: any SQLSession, jobID: String, scope: BookScope) throws -> JobBook? {
        guard let job = try loadJob(db, id: jobID) else { return nil }
        return JobBook(job: job, proposals: try loadProposals(db, jobID: jobID, scope: scope))
    }

    static func loadProposals(_ db: any SQLSession, jobID: String, scope: BookScope) throws -> [Proposal] {
        let rows: [SQLRow]
        switch scope {
        case .all:
            rows = try db.fetchAll("SELECT * FROM proposals WHERE job_id = ?", [jobID])
        case .biddersAndApplicant(let freelancerID):
            // Two indexed searches: as one `OR`, SQLite reads every proposal of the job (the job's book
            // grows to thousands), which cost figure 1 of the bench about a sixth of its proposals.
            rows = try db.fetchAll(
                """
                SELECT * FROM proposals WHERE job_id = ?1 AND boost_state IN ('held', 'captured')
                UNION ALL
                SELECT * FROM proposals WHERE job_id = ?1 AND freelancer_id = ?2
                  AND (boost_state IS NULL OR boost_state NOT IN ('held', 'captured'))
                """, [jobID, freelancerID])
        case .biddersAnd(let id):
            rows = try db.fetchAll(
                "SELECT * FROM proposals WHERE job_id = ? AND (boost_state IN ('held', 'captured') OR id = ?)",
                [jobID, id])
        }
        return try rows.map(Proposal.init(row:))
    }

    static func loadJob(_ db: any SQLSession, id: String) throws -> Job? {
        try db.fetchOne("SELECT * FROM jobs WHERE id = ?" + db.forUpdate, [id]).map(
            Job.init(row:))
    }

    static func insertJob(_ job: Job, db: any SQLSession) throws {
        try db.executeLater(
            """
            INSERT INTO jobs (id, client_id, title, budget_currency, budget_minor, connect_cost, posted_at, hiring_deadline,
              expires_at, status, boost_slots, boost_closes_at, auction_closed, last_client_activity_at, proposal_count,
              hired_proposal_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                job.id, job.clientID, job.title, job.budget?.currency, job.budget?.minor, job.connectCost,
                job.postedAt, job.hiringDeadline, job.expiresAt, job.status.rawValue, job.boostSlots,
                job.boostClosesAt, job.isAuctionClosed ? 1 : 0, job.lastClientActivityAt, job.proposalCount,
                job.hiredProposalID,
            ])
    }

    /// Writes the columns of a stored job that a decision changed, and nothing when none did.
    ///
    /// Only those: SQLite rewrites an index entry for every indexed column an `UPDATE` sets, changed or
    /// not, so setting the status on every proposal would move the job's entries in three indexes.
    static func saveJob(_ job: Job, stored: Job, db: any SQLSession) throws {
        var columns: [String] = []
        var arguments: SQLArguments = []
        func set(_ column: String, _ value: some SQLValueConvertible, if changed: Bool) {
            guard changed else { return }
            columns.append("\(column) = ?")
            arguments.values.append(value.sqlValue)
        }
        set("title", job.title, if: job.title != stored.title)
        set("connect_cost", job.connectCost, if: job.connectCost != stored.connectCost)
        set("status", job.status.rawValue, if: job.status != stored.status)
        set("auction_closed", job.isAuctionClosed ? 1 : 0, if: job.isAuctionClosed != stored.isAuctionClosed)
        set(
            "last_client_activity_at", job.lastClientActivityAt,
            if: job.lastClientActivityAt != stored.lastClientActivityAt)
        set("proposal_count", job.proposalCount, if: job.proposalCount != stored.proposalCount)
        set("hired_proposal_id", job.hiredProposalID, if: job.hiredProposalID != stored.hiredProposalID)
        guard !columns.isEmpty else { return }
        arguments += [job.id]
        try db.executeLater("UPDATE jobs SET \(columns.joined(separator: ", ")) WHERE id = ?", arguments)
    }

    static func insertProposal(_ proposal: Proposal, db: any SQLSession) throws {
        try db.executeLater(
            """
            INSERT INTO proposals (id, job_id, freelancer_id, agency_id, payer_id, status, fee, fee_entry_id, invited,
              boost_bid, boost_state, boost_hold_id, boost_capture_entry_id, submitted_at, viewed_at, returned_amount,
              returned_rule, returned_at, kept_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                proposal.id, proposal.jobID, proposal.freelancerID, proposal.agencyID, proposal.payerID,
                proposal.status.rawValue, proposal.fee, proposal.feeEntryID, proposal.isInvited ? 1 : 0,
                proposal.boostBid,
                proposal.boostState?.rawValue, proposal.boostHoldID, proposal.boostCaptureEntryID,
                proposal.submittedAt, proposal.viewedAt,
                proposal.returned?.amount, proposal.returned?.rule, proposal.returned?.at,
                proposal.keptBy,
            ])
    }

    /// Writes what a decision may change on a stored proposal (a plain update: one index seek).
    static func updateProposal(_ proposal: Proposal, db: any SQLSession) throws {
        try db.executeLater(
            """
            UPDATE proposals SET status = ?, fee_entry_id = ?, boost_state = ?, boost_hold_id = ?,
              boost_capture_entry_id = ?, viewed_at = ?, returned_amount = ?, returned_rule = ?, returned_at = ?,
              kept_by = ?
            WHERE id = ?
            """,
            [
                proposal.status.rawValue, proposal.feeEntryID, proposal.boostState?.rawValue, proposal.boostHoldID,
                proposal.boostCaptureEntryID, proposal.viewedAt, proposal.returned?.amount,
                proposal.returned?.rule, proposal.returned?.at, proposal.keptBy, proposal.id,
            ])
    }

    // MARK: Reads

    /// One job, or `nil`.
    public func job(id: String) async throws -> Job? {
        try await read { db in try Self.loadJob(db, id: id) }
    }

    /// Jobs, newest first, optionally of one status.
    public func jobs(status: Job.Status?, limit: Int, after cursor: String?) async throws -> Page<Job> {
        try await read { db in
            let rows = try db.fetchAll(
                "SELECT * FROM jobs WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1) AND (CAST(?2 AS TEXT) IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3",
                [status?.rawValue, cursor, limit + 1])
            let jobs = try rows.prefix(limit).map(Job.init(row:))
            return Page(items: jobs, nextCursor: rows.count > limit ? jobs.last?.id : nil)
        }
    }

    /// One proposal, or `nil`.
    public func proposal(id: String) async throws -> Proposal? {
        try await read { db in
            try db.fetchOne("SELECT * FROM proposals WHERE id = ?", [id]).map(
                Proposal.init(row:))
        }
    }

    /// A client's jobs, newest first, at most `limit`.
    public func jobs(clientID: String, limit: Int) async throws -> [Job] {
        precondition((1...Limits.pageSizeMax).contains(limit), "page size out of range")
        return try await read { db in
            try db.fetchAll("SELECT * FROM jobs WHERE client_id = ? ORDER BY id DESC LIMIT ?", [clientID, limit])
                .map(Job.init(row:))
        }
    }

    /// The names of accounts (their external id where they have none), keyed by id.
    public func accountNames(ids: [String]) async throws -> [String: String] {
        let ids = Array(Set(ids).prefix(Limits.pageSizeMax))
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var names: [String: String] = [:]
            for row in try db.fetchAll("SELECT id, name, external_id FROM accounts WHERE id IN ({list})", in: ids) {
                names[row["id"]] = (row["name"] as String?) ?? row["external_id"]
            }
            return names
        }
    }

    /// The proposal a freelancer sent to a job, if any (there is at most one).
    public func proposal(jobID: String, freelancerID: String) async throws -> Proposal? {
        try await read { db in
            try db.fetchOne("SELECT * FROM proposals WHERE job_id = ? AND freelancer_id = ?", [jobID, freelancerID])
                .map(Proposal.init(row:))
        }
    }

    /// The titles of the jobs that the proposals and jobs named by `ids` belong to, keyed by those ids
    /// (the history's sentences name the job a fee or a return was for).
    public func jobTitles(ids: [String]) async throws -> [String: String] {
        let ids = Array(Set(ids).prefix(Limits.pageSizeMax))
        guard !ids.isEmpty else { return [:] }
        return try await read { db in
            var titles: [String: String] = [:]
            for row in try db.fetchAll(
                "SELECT p.id AS id, j.title AS title FROM proposals p JOIN jobs j ON j.id = p.job_id WHERE p.id IN ({list})",
                in: ids)
            {
                titles[row["id"]] = row["title"]
            }
            for row in try db.fetchAll("SELECT id, title FROM jobs WHERE id IN ({list})", in: ids) {
                titles[row["id"]] = row["title"]
            }
            return titles
        }
    }

    /// A job's proposals: boosted ones holding a slot first (bid desc, then earlier), then the rest by
    /// submission time.
    public func proposals(jobID: String, limit: Int, offset: Int) async throws -> [Proposal] {
        try await read { db in
            try db.fetchAll(
                """
                SELECT * FROM proposals WHERE job_id = ?
                ORDER BY CASE WHEN boost_state IN ('held', 'captured') THEN 1 ELSE 0 END DESC,
                  CASE WHEN boost_state IN ('held', 'captured') THEN boost_bid ELSE 0 END DESC, submitted_at, id
                LIMIT ? OFFSET ?
                """, [jobID, limit, offset]
            ).map(Proposal.init(row:))
        }
    }

    /// An account's proposals (as freelancer or as paying agency), newest first.
    public func proposals(accountID: String, limit: Int, offset: Int) async throws -> [Proposal] {
        try await read { db in
            try db.fetchAll(
                """
                SELECT * FROM proposals WHERE freelancer_id = ?1 OR payer_id = ?1
                ORDER BY submitted_at DESC, id DESC LIMIT ?2 OFFSET ?3
                """, [accountID, limit, offset]
            ).map(Proposal.init(row:))
        }
    }

    /// Jobs with scheduled decisions due by `now`.
    static func dueJobIDs(_ db: any SQLSession, now: Instant, policy: LedgerPolicy, limit: Int) throws -> [String] {
        // One indexed search per condition (open jobs by time, open auctions by closing time): as one
        // `OR`, both databases read the whole table, closed jobs and all, at every scheduler tick.
        var ids = try db.values(
            String.self,
            """
            SELECT id FROM jobs WHERE status = 'open' AND expires_at <= ?1
            UNION SELECT id FROM jobs WHERE status = 'open' AND hiring_deadline <= ?1
            UNION SELECT id FROM jobs WHERE auction_closed = 0 AND boost_closes_at <= ?1
            LIMIT ?2
            """, [now, limit])
        let returns = policy.economy.returns
        if let cutoff = returns.inactivityCutoff(now: now) {
            ids += try db.values(
                String.self, "SELECT id FROM jobs WHERE status = 'open' AND last_client_activity_at <= ? LIMIT ?",
                [cutoff, limit])
        }
        if let cutoff = returns.unviewedCutoff(now: now) {
            ids += try db.values(
                String.self,
                """
                SELECT DISTINCT job_id FROM proposals
                WHERE status = 'submitted' AND returned_at IS NULL AND kept_by IS NULL AND submitted_at <= ? LIMIT ?
                """, [cutoff, limit])
        }
        if let cutoff = returns.waitingCutoff(now: now) {
            ids += try db.values(
                String.self,
                """
                SELECT DISTINCT job_id FROM proposals
                WHERE status IN ('submitted', 'viewed') AND returned_at IS NULL AND kept_by IS NULL AND submitted_at <= ?
                LIMIT ?
                """, [cutoff, limit])
        }
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    /// The earliest instant a job decision falls due.
    static func nextJobDueTime(_ db: any SQLSession, policy: LedgerPolicy) throws -> Int64? {
        var candidates: [Int64?] = [
            try db.value(Int64.self, "SELECT MIN(expires_at) FROM jobs WHERE status = 'open'"),
            try db.value(Int64.self, "SELECT MIN(hiring_deadline) FROM jobs WHERE status = 'open'"),
            try db.value(Int64.self, "SELECT MIN(boost_closes_at) FROM jobs WHERE auction_closed = 0"),
        ]
        let returns = policy.economy.returns
        if returns.closeJobAfterInactiveDays != nil {
            let earliest = try db.value(
                Int64.self, "SELECT MIN(last_client_activity_at) FROM jobs WHERE status = 'open'")
            candidates.append(
                earliest.flatMap {
                    returns.inactivityCloseDue(lastActivityAt: Instant(millisecondsSinceEpoch: $0))?
                        .millisecondsSinceEpoch
                })
        }
        if returns.ifUnviewedAfterHours != nil {
            let earliest = try db.value(
                Int64.self,
                "SELECT MIN(submitted_at) FROM proposals WHERE status = 'submitted' AND returned_at IS NULL AND kept_by IS NULL"
            )
            candidates.append(
                earliest.flatMap {
                    returns.unviewedReturnDue(submittedAt: Instant(millisecondsSinceEpoch: $0))?.millisecondsSinceEpoch
                })
        }
        if returns.ifWaitingAfterDays != nil {
            let earliest = try db.value(
                Int64.self,
                """
                SELECT MIN(submitted_at) FROM proposals
                WHERE status IN ('submitted', 'viewed') AND returned_at IS NULL AND kept_by IS NULL
                """)
            candidates.append(
                earliest.flatMap {
                    returns.waitingReturnDue(submittedAt: Instant(millisecondsSinceEpoch: $0))?.millisecondsSinceEpoch
                })
        }
        return candidates.compactMap { $0 }.min()
    }
}
