import ConnectsCore

// MARK: Decoding rows into core values

extension Account {
    init(row: SQLRow) throws {
        guard let kind = Account.Kind(rawValue: row["kind"]), let status = Account.Status(rawValue: row["status"])
        else {
            throw StoreError.corrupt("account \(row["id"] as String? ?? "?") has an unknown kind or status")
        }
        self.init(
            id: row["id"],
            externalID: row["external_id"],
            kind: kind,
            name: row["name"],
            plan: row["plan"],
            pendingPlan: row["pending_plan"],
            status: status,
            createdAt: Instant(millisecondsSinceEpoch: row["created_at"]),
            billingDay: row["billing_day"],
            cycleStart: (row["cycle_start"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            nextCycleAt: (row["next_cycle_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:))
        )
    }
}

extension Lot {
    init(row: SQLRow) throws {
        guard let source = LotSource(rawValue: row["source"]) else {
            throw StoreError.corrupt("lot \(row["id"] as String? ?? "?") has an unknown source")
        }
        self.init(
            id: row["id"],
            source: source,
            amount: row["amount"],
            remaining: row["remaining"],
            held: row["held"],
            grantedAt: Instant(millisecondsSinceEpoch: row["granted_at"]),
            expiresAt: (row["expires_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            entryID: row["entry_id"]
        )
    }
}

extension Hold {
    init(row: SQLRow) throws {
        guard let state = Hold.State(rawValue: row["state"]) else {
            throw StoreError.corrupt("hold \(row["id"] as String? ?? "?") has an unknown state")
        }
        self.init(
            id: row["id"],
            accountID: row["account_id"],
            amount: row["amount"],
            allocations: try AllocationCoding.decode(row["allocations"]),
            state: state,
            cause: Cause(type: row["cause_type"], id: row["cause_id"]),
            createdAt: Instant(millisecondsSinceEpoch: row["created_at"])
        )
    }
}

extension Entry {
    init(row: SQLRow) throws {
        guard let kind = EntryKind(rawValue: row["kind"]) else {
            throw StoreError.corrupt("entry \(row["id"] as String? ?? "?") has an unknown kind")
        }
        self.init(
            id: row["id"],
            accountID: row["account_id"],
            sequence: row["sequence"],
            kind: kind,
            amount: row["amount"],
            held: row["held"],
            balanceAfter: Balance(total: row["total_after"], held: row["held_after"]),
            createdAt: Instant(millisecondsSinceEpoch: row["created_at"]),
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
        guard let role = APIKey.Role(rawValue: row["role"]) else {
            throw StoreError.corrupt("api key \(row["id"] as String? ?? "?") has an unknown role")
        }
        self.init(
            id: row["id"],
            secretHash: row["secret_hash"],
            role: role,
            accountID: row["account_id"],
            createdAt: Instant(millisecondsSinceEpoch: row["created_at"])
        )
    }
}

extension Job {
    init(row: SQLRow) throws {
        guard let status = Job.Status(rawValue: row["status"]) else {
            throw StoreError.corrupt("job \(row["id"] as String? ?? "?") has an unknown status")
        }
        let currency: String? = row["budget_currency"]
        let minor: Int64? = row["budget_minor"]
        self.init(
            id: row["id"],
            clientID: row["client_id"],
            title: row["title"],
            budget: currency.flatMap { currency in minor.map { Policy.Money(currency: currency, minor: $0) } },
            connectCost: row["connect_cost"],
            postedAt: Instant(millisecondsSinceEpoch: row["posted_at"]),
            hiringDeadline: (row["hiring_deadline"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            expiresAt: Instant(millisecondsSinceEpoch: row["expires_at"]),
            status: status,
            boostSlots: row["boost_slots"],
            boostClosesAt: Instant(millisecondsSinceEpoch: row["boost_closes_at"]),
            isAuctionClosed: row["auction_closed"] as Int64 == 1,
            lastClientActivityAt: Instant(millisecondsSinceEpoch: row["last_client_activity_at"]),
            proposalCount: row["proposal_count"],
            hiredProposalID: row["hired_proposal_id"]
        )
    }
}

extension Proposal {
    init(row: SQLRow) throws {
        guard let status = Proposal.Status(rawValue: row["status"]) else {
            throw StoreError.corrupt("proposal \(row["id"] as String? ?? "?") has an unknown status")
        }
        let returnedAmount: Int64? = row["returned_amount"]
        self.init(
            id: row["id"],
            jobID: row["job_id"],
            freelancerID: row["freelancer_id"],
            agencyID: row["agency_id"],
            payerID: row["payer_id"],
            status: status,
            fee: row["fee"],
            feeEntryID: row["fee_entry_id"],
            isInvited: row["invited"] as Int64 == 1,
            boostBid: row["boost_bid"],
            boostState: (row["boost_state"] as String?).flatMap(Proposal.BoostState.init(rawValue:)),
            boostHoldID: row["boost_hold_id"],
            boostCaptureEntryID: row["boost_capture_entry_id"],
            submittedAt: Instant(millisecondsSinceEpoch: row["submitted_at"]),
            viewedAt: (row["viewed_at"] as Int64?).map(Instant.init(millisecondsSinceEpoch:)),
            returned: returnedAmount.map {
                Proposal.Returned(
                    amount: $0, rule: row["returned_rule"], at: Instant(millisecondsSinceEpoch: row["returned_at"])
                )
            },
            keptBy: row["kept_by"]
        )
    }
}
