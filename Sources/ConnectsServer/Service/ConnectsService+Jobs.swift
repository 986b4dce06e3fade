import ConnectsCore
import ConnectsStore

/// A client's decision on a job or one of its proposals, or a freelancer's withdrawal.
enum ProposalDecision: Sendable {
    case view
    case decline
    case withdraw
}

extension ConnectsService {
    // MARK: Jobs

    /// Posts a job for a client. A connect cost other than the budget ladder's is the operator's to set.
    func postJob(
        for clientID: String, title: String, budget: Policy.Money?, connectCost: Int64?, hiringDeadline: Instant?,
        _ write: WriteRequest
    ) async throws -> WriteOutcome {
        try write.caller.authorize(.postJob, for: [clientID])
        if connectCost != nil { try write.caller.authorize(.setConnectCost) }
        let now = now()
        let job = try JobBook.post(
            id: Identifier.make("job_", at: now), clientID: clientID, title: title, budget: budget,
            connectCost: connectCost, hiringDeadline: hiringDeadline, now: now, policy: policy.economy)
        return try await perform(.postJob(job), write, movesConnects: false)
    }

    /// Jobs, newest first, optionally of one status.
    func jobs(status: Job.Status?, limit: Int, after cursor: String?, by caller: Caller) async throws -> Page<Job> {
        try caller.authorize(.readJobs)
        return try await store.jobs(status: status, limit: limit, after: cursor)
    }

    /// One job.
    func job(_ id: String, by caller: Caller) async throws -> Job {
        try caller.authorize(.readJobs)
        return try await existingJob(id)
    }

    /// Changes a job's title, or (the operator's) its connect cost for later proposals.
    func updateJob(
        _ id: String, title: String?, connectCost: Int64?, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        let job = try await existingJob(id)
        try write.caller.authorize(.updateJob, for: [job.clientID])
        if connectCost != nil { try write.caller.authorize(.setConnectCost) }
        return try await perform(
            .updateJob(jobID: id, title: title, connectCost: connectCost), write, movesConnects: false)
    }

    /// Invites a freelancer to a job: their proposal to it costs nothing.
    func invite(_ freelancerID: String, to jobID: String, _ write: WriteRequest) async throws -> WriteOutcome {
        let job = try await existingJob(jobID)
        try write.caller.authorize(.inviteFreelancer, for: [job.clientID])
        return try await perform(.invite(jobID: jobID, freelancerID: freelancerID), write, movesConnects: false)
    }

    /// The job's bid table: slots, closing time, and the bids holding a slot (amounts, no bidders).
    func bids(on jobID: String, by caller: Caller) async throws -> (job: Job, bids: [Proposal]) {
        try caller.authorize(.readJobs)
        let job = try await existingJob(jobID)
        let bidders = try await store.proposals(jobID: job.id, limit: Int(job.boostSlots) + 1, offset: 0)
            .filter { $0.boostState == .held || $0.boostState == .captured }
        return (job, bidders)
    }

    /// The client hires the freelancer of `proposalID`.
    func hire(_ proposalID: String, on jobID: String, _ write: WriteRequest) async throws -> WriteOutcome {
        let job = try await existingJob(jobID)
        try write.caller.authorize(.decideOnProposals, for: [job.clientID])
        return try await perform(.jobAction(jobID: jobID, .hire(proposalID: proposalID)), write, movesConnects: false)
    }

    /// The client closes the job without hiring, or cancels it: fees come back.
    func close(_ jobID: String, isCanceled: Bool, _ write: WriteRequest) async throws -> WriteOutcome {
        let job = try await existingJob(jobID)
        try write.caller.authorize(.decideOnProposals, for: [job.clientID])
        return try await perform(
            .jobAction(jobID: jobID, .close(isCanceled ? .canceled : .closed)), write, movesConnects: false)
    }

    /// The marketplace removes a job for a terms violation: fees come back to all who had not withdrawn.
    func remove(_ jobID: String, _ write: WriteRequest) async throws -> WriteOutcome {
        try write.caller.authorize(.removeJob)
        let job = try await existingJob(jobID)
        return try await perform(.jobAction(jobID: job.id, .remove), write, movesConnects: false)
    }

    // MARK: Proposals

    /// Submits a freelancer's proposal (paid by their agency when `agencyID` names one), with an
    /// optional boost bid.
    func submitProposal(
        to jobID: String, by freelancerID: String, agencyID: String?, boost: Int64?, _ write: WriteRequest
    ) async throws -> WriteOutcome {
        try write.caller.authorize(.submitProposal, for: [freelancerID])
        let operation = StoreOperation.submitProposal(
            jobID: jobID, freelancerID: freelancerID, agencyID: agencyID, boost: boost,
            proposalID: Identifier.make("prop_", at: now()))
        return try await perform(operation, write, movesConnects: true)
    }

    /// A job's proposals in slot order, for its client and staff.
    func proposals(on jobID: String, limit: Int, offset: Int, by caller: Caller) async throws -> [Proposal] {
        let job = try await existingJob(jobID)
        try caller.authorize(.readProposals, for: [job.clientID], hidden: "no job \(jobID)")
        return try await store.proposals(jobID: job.id, limit: limit, offset: offset)
    }

    /// An account's proposals, newest first.
    func proposals(of accountID: String, limit: Int, offset: Int, by caller: Caller) async throws -> [Proposal] {
        _ = try await account(accountID, by: caller)
        return try await store.proposals(accountID: accountID, limit: limit, offset: offset)
    }

    /// One proposal, for its freelancer, its payer, the job's client, and staff.
    func proposal(_ id: String, by caller: Caller) async throws -> Proposal {
        let proposal = try await existingProposal(id)
        var owners = [proposal.freelancerID, proposal.payerID]
        if caller.role.isAccountBound, let accountID = caller.accountID, !owners.contains(accountID) {
            if let job = try await store.job(id: proposal.jobID) { owners.append(job.clientID) }
        }
        try caller.authorize(.readProposals, for: owners, hidden: "no proposal \(id)")
        return proposal
    }

    /// A client's jobs, newest first, for that client and staff.
    func jobs(of clientID: String, limit: Int, by caller: Caller) async throws -> [Job] {
        try caller.authorize(.readAccount, for: [clientID], hidden: "no account \(clientID)")
        return try await store.jobs(clientID: clientID, limit: limit)
    }

    /// A job's proposals in slot order with their freelancers' names, for the job's client and staff.
    func proposalsWithNames(
        on jobID: String, limit: Int, by caller: Caller
    ) async throws -> (proposals: [Proposal], names: [String: String]) {
        let proposals = try await proposals(on: jobID, limit: limit, offset: 0, by: caller)
        return (proposals, try await store.accountNames(ids: proposals.map(\.freelancerID)))
    }

    /// The proposal `freelancerID` sent to a job, if any, for that freelancer and staff.
    func proposal(on jobID: String, by freelancerID: String, caller: Caller) async throws -> Proposal? {
        try caller.authorize(.readProposals, for: [freelancerID], hidden: "no proposal")
        return try await store.proposal(jobID: jobID, freelancerID: freelancerID)
    }

    /// The client views or declines a proposal, or its freelancer withdraws it.
    func decide(_ decision: ProposalDecision, on proposalID: String, _ write: WriteRequest) async throws -> WriteOutcome
    {
        let proposal = try await existingProposal(proposalID)
        guard let job = try await store.job(id: proposal.jobID) else { throw ConnectsError(.notFound, "no job") }
        let action: JobAction
        switch decision {
        case .withdraw:
            try write.caller.authorize(.withdrawProposal, for: [proposal.freelancerID])
            action = .withdraw(proposalID: proposalID)
        case .decline:
            try write.caller.authorize(.decideOnProposals, for: [job.clientID])
            action = .decline(proposalID: proposalID)
        case .view:
            try write.caller.authorize(.decideOnProposals, for: [job.clientID])
            action = .view(proposalID: proposalID)
        }
        return try await perform(.jobAction(jobID: job.id, action), write, movesConnects: false)
    }

    // MARK: Lookups

    func existingJob(_ id: String) async throws -> Job {
        guard let job = try await store.job(id: id) else { throw ConnectsError(.notFound, "no job \(id)") }
        return job
    }

    func existingProposal(_ id: String) async throws -> Proposal {
        guard let proposal = try await store.proposal(id: id) else {
            throw ConnectsError(.notFound, "no proposal \(id)")
        }
        return proposal
    }
}
