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
