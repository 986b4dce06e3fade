import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// Jobs: post, read, change, invite, hire, close, remove.
    func addJobRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/jobs", .postJob) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let clientID = try body.string("clientId")!
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
            let title = try body.string("title")!
            let connectCost = try body.int("connectCost", required: false)
            let write = try Self.write(request, context, body: bytes, status: 201) { Self.render($0) }
            return Self.respond(
                try await service.postJob(
                    for: clientID, title: title, budget: budget, connectCost: connectCost, hiringDeadline: deadline,
                    write))
        }

        table.on(.get, "/v1/jobs", .readJobs) { request, context in
            let (limit, cursor) = try Self.pageParameters(request)
            var status: Job.Status?
            if let raw = request.uri.queryParameters["status"] {
                guard let parsed = Job.Status(rawValue: String(raw)) else {
                    throw ConnectsError.invalidField("status", "is not a job status")
                }
                status = parsed
            }
            let page = try await service.jobs(status: status, limit: limit, after: cursor, by: context.requireCaller())
            return Self.json(Representation.page(page, Representation.job))
        }

        table.on(.get, "/v1/jobs/{id}", .readJobs) { _, context in
            Self.json(
                Representation.job(try await service.job(context.parameters.require("id"), by: context.requireCaller()))
            )
        }

        table.on(.patch, "/v1/jobs/{id}", .updateJob) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let title = try body.string("title", required: false)
            let connectCost = try body.int("connectCost", required: false)
            let write = try Self.write(request, context, body: bytes, status: 200) { Self.render($0) }
            return Self.respond(
                try await service.updateJob(
                    try context.parameters.require("id"), title: title, connectCost: connectCost, write))
        }

        table.on(.post, "/v1/jobs/{id}/invitations", .inviteFreelancer) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let write = try Self.write(request, context, body: bytes, status: 201) { Self.render($0) }
            return Self.respond(
                try await service.invite(
                    try body.string("freelancerId")!, to: try context.parameters.require("id"), write))
        }

        table.on(.post, "/v1/jobs/{id}/hire", .decideOnProposals) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let proposalID = try body.string("proposalId")!
            let write = try Self.write(request, context, body: bytes, status: 200) { result in
                guard case .proposal(_, let job) = result else { return .null }
                return Representation.job(job)
            }
            return Self.respond(try await service.hire(proposalID, on: try context.parameters.require("id"), write))
        }

        table.on(.post, "/v1/jobs/{id}/close", .decideOnProposals) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let reason = try body.string("reason")!
            guard reason == "no_hire" || reason == "canceled" else {
                throw ConnectsError.invalidField("reason", "must be 'no_hire' or 'canceled'")
            }
            let write = try Self.write(request, context, body: bytes, status: 200) { Self.render($0) }
            return Self.respond(
                try await service.close(try context.parameters.require("id"), isCanceled: reason == "canceled", write))
        }

        table.on(.post, "/v1/jobs/{id}/remove", .removeJob) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            _ = try body.string("reason", maxLength: Limits.reasonLengthMax)!
            let write = try Self.write(request, context, body: bytes, status: 200) { Self.render($0) }
            return Self.respond(try await service.remove(try context.parameters.require("id"), write))
        }
    }

    /// Proposals: submit, read, the client's view and decline, the freelancer's withdrawal, bids.
    func addProposalRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/jobs/{id}/proposals", .submitProposal) { request, context in
            let (body, bytes) = try await Self.readObject(request)
            let freelancerID = try body.string("freelancerId")!
            let agencyID = try body.string("agencyId", required: false)
            let boost = try body.int("boost", required: false)
            let write = try Self.write(request, context, body: bytes, status: 201) { Self.render($0) }
            return Self.respond(
                try await service.submitProposal(
                    to: try context.parameters.require("id"), by: freelancerID, agencyID: agencyID, boost: boost, write)
            )
        }

        table.on(.get, "/v1/jobs/{id}/proposals", .readProposals) { request, context in
            let (limit, offset) = try Self.offsetPage(request)
            let proposals = try await service.proposals(
                on: try context.parameters.require("id"), limit: limit, offset: offset, by: context.requireCaller())
            return Self.json(Self.offsetPage(proposals.map(Representation.proposal), limit: limit, offset: offset))
        }

        table.on(.get, "/v1/jobs/{id}/bids", .readJobs) { _, context in
            let (job, bidders) = try await service.bids(
                on: try context.parameters.require("id"), by: context.requireCaller())
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

        let decisions: [(String, ProposalDecision, Action)] = [
            ("view", .view, .decideOnProposals), ("decline", .decline, .decideOnProposals),
            ("withdraw", .withdraw, .withdrawProposal),
        ]
        for (name, decision, action) in decisions {
            table.on(.post, "/v1/proposals/{id}/\(name)", action) { request, context in
                let (_, bytes) = try await Self.readObject(request)
                let write = try Self.write(request, context, body: bytes, status: 200) { Self.render($0) }
                return Self.respond(try await service.decide(decision, on: try context.parameters.require("id"), write))
            }
        }

        table.on(.get, "/v1/proposals/{id}", .readProposals) { _, context in
            let proposal = try await service.proposal(try context.parameters.require("id"), by: context.requireCaller())
            return Self.json(Representation.proposal(proposal))
        }

        table.on(.get, "/v1/accounts/{id}/proposals", .readAccount) { request, context in
            let (limit, offset) = try Self.offsetPage(request)
            let proposals = try await service.proposals(
                of: try context.parameters.require("id"), limit: limit, offset: offset, by: context.requireCaller())
            return Self.json(Self.offsetPage(proposals.map(Representation.proposal), limit: limit, offset: offset))
        }
    }

    /// `limit` and an offset cursor (`o<offset>`) for lists in a fixed order.
    static func offsetPage(_ request: Request) throws(ConnectsError) -> (Int, Int) {
        let (limit, cursor) = try pageParameters(request)
        guard let cursor else { return (limit, 0) }
        // Up to five digits, as /openapi.json says; past the last proposal a page is empty.
        guard cursor.first == "o", cursor.count <= 6, let offset = Int(cursor.dropFirst()), offset >= 0 else {
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
