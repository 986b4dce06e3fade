import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// Jobs, invitations, proposals, boosts, hires, closes and agencies.
    func addJobRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/jobs") { request, context in
            let caller = try context.requireCaller()
            let (body, bytes) = try await Self.readObject(request)
            let clientID = try body.string("clientId")!
            try Self.requireActing(caller, for: clientID)
            var budget: Policy.Money?
            if body.members["budget"] != nil, body.members["budget"] != .null {
                budget = try Self.money(body, "budget")
            }
            var deadline: Instant?
            if let raw = try body.string("hiringDeadline", required: false) {
                guard let parsed = RFC3339.parse(raw) else {
                    throw ConnectsError.invalidField("hiringDeadline", "must be an RFC 3339 time")
                }
                deadline = parsed
            }
            let now = now()
            let job = try JobBook.post(
                id: Identifier.make("job_", at: now),
                clientID: clientID,
                title: try body.string("title")!,
                budget: budget,
                connectCost: try body.int("connectCost", required: false),
                hiringDeadline: deadline,
                now: now,
                policy: policy.economy
            )
            return try await perform(
                .postJob(job), request: request, context: context, body: bytes, requiresKey: false, status: 201
            ) {
                Self.render($0)
            }
        }

        table.on(.get, "/v1/jobs") { request, context in
            _ = try context.requireCaller()
            let (limit, cursor) = try Self.pageParameters(request)
            var status: Job.Status?
            if let raw = request.uri.queryParameters["status"] {
                guard let parsed = Job.Status(rawValue: String(raw)) else {
                    throw ConnectsError.invalidField("status", "is not a job status")
                }
                status = parsed
            }
            let page = try await store.jobs(status: status, limit: limit, after: cursor)
            return Self.json(Representation.page(page, Representation.job))
        }

        table.on(.get, "/v1/jobs/{id}") { _, context in
            _ = try context.requireCaller()
            return Self.json(Representation.job(try await existingJob(context)))
        }

        table.on(.patch, "/v1/jobs/{id}") { request, context in
            let job = try await existingJob(context)
            try Self.requireActing(try context.requireCaller(), for: job.clientID)
            let (body, bytes) = try await Self.readObject(request)
            let operation = StoreOperation.updateJob(
                jobID: job.id,
                title: try body.string("title", required: false),
                connectCost: try body.int("connectCost", required: false)
            )
            return try await perform(
                operation, request: request, context: context, body: bytes, requiresKey: false, status: 200
            ) {
                Self.render($0)
            }
        }

        table.on(.post, "/v1/jobs/{id}/invitations") { request, context in
            let job = try await existingJob(context)
            try Self.requireActing(try context.requireCaller(), for: job.clientID)
            let (body, bytes) = try await Self.readObject(request)
            let operation = StoreOperation.invite(jobID: job.id, freelancerID: try body.string("freelancerId")!)
            return try await perform(
                operation, request: request, context: context, body: bytes, requiresKey: false, status: 201
            ) {
                Self.render($0)
            }
        }

        table.on(.post, "/v1/jobs/{id}/proposals") { request, context in
            let caller = try context.requireCaller()
            let jobID = try context.parameters.require("id")
            let (body, bytes) = try await Self.readObject(request)
            let freelancerID = try body.string("freelancerId")!
            try Self.requireActing(caller, for: freelancerID)
            let operation = StoreOperation.submitProposal(
                jobID: jobID,
                freelancerID: freelancerID,
                agencyID: try body.string("agencyId", required: false),
                boost: try body.int("boost", required: false),
                proposalID: Identifier.make("prop_", at: now())
            )
            return try await perform(
                operation, request: request, context: context, body: bytes, requiresKey: true, status: 201
            ) {
                Self.render($0)
            }
        }

        table.on(.get, "/v1/jobs/{id}/proposals") { request, context in
            let job = try await existingJob(context)
            let caller = try context.requireCaller()
            if caller.role.isAccountBound { try caller.requireRead(of: job.clientID) }
            let (limit, offset) = try Self.offsetPage(request)
            let proposals = try await store.proposals(jobID: job.id, limit: limit, offset: offset)
            return Self.json(Self.offsetPage(proposals.map(Representation.proposal), limit: limit, offset: offset))
        }

        table.on(.get, "/v1/jobs/{id}/bids") { _, context in
            _ = try context.requireCaller()
            let job = try await existingJob(context)
            let bidders = try await store.proposals(jobID: job.id, limit: Int(job.boostSlots) + 1, offset: 0)
                .filter { $0.boostState == .held || $0.boostState == .captured }
            return Self.json(
                .object([
                    "slots": .int(job.boostSlots),
                    "closesAt": .time(job.boostClosesAt),
                    "closed": .bool(job.isAuctionClosed),
                    "bids": .array(
                        bidders.enumerated().map { rank, proposal in
                            .object([
                                "rank": .int(Int64(rank + 1)), "bid": .int(proposal.boostBid),
                                "state": .string(proposal.boostState?.rawValue),
                            ])
                        }),
                ]))
        }

        for action in ["view", "decline", "withdraw"] {
            table.on(.post, "/v1/proposals/{id}/\(action)") { request, context in
                let caller = try context.requireCaller()
                let proposal = try await existingProposal(context)
                guard let job = try await store.job(id: proposal.jobID) else {
                    throw ConnectsError(.notFound, "no job")
                }
                let jobAction: JobAction
                switch action {
                case "withdraw":
                    try Self.requireActing(caller, for: proposal.freelancerID)
                    jobAction = .withdraw(proposalID: proposal.id)
                case "decline":
                    try Self.requireActing(caller, for: job.clientID)
                    jobAction = .decline(proposalID: proposal.id)
                default:
                    try Self.requireActing(caller, for: job.clientID)
                    jobAction = .view(proposalID: proposal.id)
                }
                let (_, bytes) = try await Self.readObject(request)
                return try await perform(
                    .jobAction(jobID: job.id, jobAction), request: request, context: context, body: bytes,
                    requiresKey: false, status: 200
                ) { Self.render($0) }
            }
        }

        table.on(.post, "/v1/jobs/{id}/hire") { request, context in
            let job = try await existingJob(context)
            try Self.requireActing(try context.requireCaller(), for: job.clientID)
            let (body, bytes) = try await Self.readObject(request)
            let proposalID = try body.string("proposalId")!
            return try await perform(
                .jobAction(jobID: job.id, .hire(proposalID: proposalID)), request: request, context: context,
                body: bytes,
                requiresKey: false, status: 200
            ) { result in
                guard case .proposal(_, let job) = result else { return .null }
                return Representation.job(job)
            }
        }

        table.on(.post, "/v1/jobs/{id}/close") { request, context in
            let job = try await existingJob(context)
            try Self.requireActing(try context.requireCaller(), for: job.clientID)
            let (body, bytes) = try await Self.readObject(request)
            let reason = try body.string("reason")!
            guard reason == "no_hire" || reason == "canceled" else {
                throw ConnectsError.invalidField("reason", "must be 'no_hire' or 'canceled'")
            }
            return try await perform(
                .jobAction(jobID: job.id, .close(reason == "canceled" ? .canceled : .closed)), request: request,
                context: context, body: bytes, requiresKey: false, status: 200
            ) { Self.render($0) }
        }

        table.on(.post, "/v1/jobs/{id}/remove") { request, context in
            try context.requireCaller().require(Caller.staff)
            let job = try await existingJob(context)
            let (body, bytes) = try await Self.readObject(request)
            _ = try body.string("reason", maxLength: Limits.reasonLengthMax)!
            return try await perform(
                .jobAction(jobID: job.id, .remove), request: request, context: context, body: bytes, requiresKey: false,
                status: 200
            ) { Self.render($0) }
        }

        table.on(.get, "/v1/proposals/{id}") { _, context in
            let caller = try context.requireCaller()
            let proposal = try await existingProposal(context)
            if caller.role.isAccountBound, caller.accountID != proposal.freelancerID,
                caller.accountID != proposal.payerID
            {
                guard let job = try await store.job(id: proposal.jobID), caller.accountID == job.clientID else {
                    throw ConnectsError(.notFound, "no proposal \(proposal.id)")
                }
            }
            return Self.json(Representation.proposal(proposal))
        }

        table.on(.get, "/v1/accounts/{id}/proposals") { request, context in
            let snapshot = try await readableAccount(context)
            let (limit, offset) = try Self.offsetPage(request)
            let proposals = try await store.proposals(accountID: snapshot.account.id, limit: limit, offset: offset)
            return Self.json(Self.offsetPage(proposals.map(Representation.proposal), limit: limit, offset: offset))
        }

        table.on(.post, "/v1/accounts/{id}/members") { request, context in
            try context.requireCaller().require(Caller.operators)
            let (body, bytes) = try await Self.readObject(request)
            let operation = StoreOperation.setAgencyMember(
                agencyID: try context.parameters.require("id"), freelancerID: try body.string("freelancerId")!,
                isMember: true
            )
            return try await perform(
                operation, request: request, context: context, body: bytes, requiresKey: false, status: 201
            ) {
                Representation.account($0.snapshot!)
            }
        }

        table.on(.delete, "/v1/accounts/{id}/members/{freelancerId}") { request, context in
            try context.requireCaller().require(Caller.operators)
            let operation = StoreOperation.setAgencyMember(
                agencyID: try context.parameters.require("id"),
                freelancerID: try context.parameters.require("freelancerId"),
                isMember: false
            )
            return try await perform(
                operation, request: request, context: context, body: [], requiresKey: false, status: 200
            ) {
                Representation.account($0.snapshot!)
            }
        }
    }

    /// Refuses a caller who may not act for `accountID`: operators act for anyone, bound keys for
    /// their own account only.
    static func requireActing(_ caller: Caller, for accountID: String) throws(ConnectsError) {
        if caller.role.isAccountBound {
            guard caller.accountID == accountID else {
                throw ConnectsError(.forbidden, "this key acts for another account")
            }
        } else {
            try caller.require(Caller.operators)
        }
    }

    func existingJob(_ context: ConnectsRequestContext) async throws -> Job {
        let id = try context.parameters.require("id")
        guard let job = try await store.job(id: id) else { throw ConnectsError(.notFound, "no job \(id)") }
        return job
    }

    func existingProposal(_ context: ConnectsRequestContext) async throws -> Proposal {
        let id = try context.parameters.require("id")
        guard let proposal = try await store.proposal(id: id) else {
            throw ConnectsError(.notFound, "no proposal \(id)")
        }
        return proposal
    }

    /// `limit` and an offset cursor (`o<offset>`) for lists in a fixed order.
    static func offsetPage(_ request: Request) throws(ConnectsError) -> (Int, Int) {
        let (limit, cursor) = try pageParameters(request)
        guard let cursor else { return (limit, 0) }
        guard cursor.first == "o", let offset = Int(cursor.dropFirst()), (0...Int(Job.proposalsMax)).contains(offset)
        else {
            throw ConnectsError.invalidField("cursor", "is not a cursor this list gave out")
        }
        return (limit, offset)
    }

    static func offsetPage(_ items: [JSONValue], limit: Int, offset: Int) -> JSONValue {
        .object(["data": .array(items), "nextCursor": items.count == limit ? .string("o\(offset + limit)") : .null])
    }

    static func render(_ result: OperationResult) -> JSONValue {
        switch result {
        case .job(let job): return Representation.job(job)
        case .proposal(let proposal, _): return Representation.proposal(proposal)
        default: return .null
        }
    }
}
