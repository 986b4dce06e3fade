import ConnectsCore

// MARK: Decoding rows into core values

extension Account {
    init(row: SQLRow) throws {
        self.init(
            id: row["id"],
            externalID: row["external_id"],
            kind: try row.value("kind", as: Account.Kind.self),
            name: row["name"],
            plan: row["plan"],
            pendingPlan: row["pending_plan"],
            status: try row.value("status", as: Account.Status.self),
            createdAt: row["created_at"],
            billingDay: row["billing_day"],
            cycleStart: row["cycle_start"],
            nextCycleAt: row["next_cycle_at"]
        )
    }
}

extension Lot {
    init(row: SQLRow) throws {
        self.init(
            id: row["id"],
            source: try row.value("source", as: LotSource.self),
            amount: row["amount"],
            remaining: row["remaining"],
            held: row["held"],
            grantedAt: row["granted_at"],
            expiresAt: row["expires_at"],
            entryID: row["entry_id"]
        )
    }
}

extension Hold {
    init(row: SQLRow) throws {
        self.init(
            id: row["id"],
            accountID: row["account_id"],
            amount: row["amount"],
            allocations: try AllocationCoding.decode(row["allocations"]),
            state: try row.value("state", as: Hold.State.self),
            cause: Cause(type: row["cause_type"], id: row["cause_id"]),
            createdAt: row["created_at"]
        )
    }
}

extension Entry {
    init(row: SQLRow) throws {
        self.init(
            id: row["id"],
            accountID: row["account_id"],
            sequence: row["sequence"],
            kind: try row.value("kind", as: EntryKind.self),
            amount: row["amount"],
            held: row["held"],
            balanceAfter: Balance(total: row["total_after"], held: row["held_after"]),
            createdAt: row["created_at"],
            cause: Cause(type: row["cause_type"], id: row["cause_id"]),
            rule: row["rule"],
            policyVersion: row["policy_version"],
            reason: row["reason"],
            actor: row["actor"],
            reverses: row["reverses"],
            allocations: try AllocationCoding.decode(row["allocations"]),
            eventKey: row["event_key"],
            holdID: row["hold_id"],
            unreversed: row["unreversed"],
            ticket: row["ticket"]
        )
    }
}

extension APIKey {
    init(row: SQLRow) throws {
        self.init(
            id: row["id"],
            secretHash: row["secret_hash"],
            role: try row.value("role", as: APIKey.Role.self),
            accountID: row["account_id"],
            createdAt: row["created_at"],
            revokedAt: row["revoked_at"]
        )
    }
}

extension Job {
    init(row: SQLRow) throws {
        let currency: String? = row["budget_currency"]
        let minor: Int64? = row["budget_minor"]
        self.init(
            id: row["id"],
            clientID: row["client_id"],
            title: row["title"],
            budget: currency.flatMap { currency in minor.map { Policy.Money(currency: currency, minor: $0) } },
            connectCost: row["connect_cost"],
            postedAt: row["posted_at"],
            hiringDeadline: row["hiring_deadline"],
            expiresAt: row["expires_at"],
            status: try row.value("status", as: Job.Status.self),
            boostSlots: row["boost_slots"],
            boostClosesAt: row["boost_closes_at"],
            isAuctionClosed: row["auction_closed"],
            lastClientActivityAt: row["last_client_activity_at"],
            proposalCount: row["proposal_count"],
            hiredProposalID: row["hired_proposal_id"]
        )
    }
}

extension Proposal {
    init(row: SQLRow) throws {
        let returnedAmount: Int64? = row["returned_amount"]
        self.init(
            id: row["id"],
            jobID: row["job_id"],
            freelancerID: row["freelancer_id"],
            agencyID: row["agency_id"],
            payerID: row["payer_id"],
            status: try row.value("status", as: Proposal.Status.self),
            fee: row["fee"],
            feeEntryID: row["fee_entry_id"],
            isInvited: row["invited"],
            boostBid: row["boost_bid"],
            boostState: (row["boost_state"] as String?).flatMap(Proposal.BoostState.init(rawValue:)),
            boostHoldID: row["boost_hold_id"],
            boostCaptureEntryID: row["boost_capture_entry_id"],
            submittedAt: row["submitted_at"],
            viewedAt: row["viewed_at"],
            returned: returnedAmount.map {
                Proposal.Returned(
                    amount: $0, rule: row["returned_rule"], at: row["returned_at"]
                )
            },
            keptBy: row["kept_by"]
        )
    }
}
