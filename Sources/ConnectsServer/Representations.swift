import ConnectsCore
import ConnectsStore
import Foundation

/// The JSON shapes of API.md.
enum Representation {
    static func account(_ snapshot: AccountSnapshot) -> JSONValue {
        let account = snapshot.account
        return .object([
            "id": .string(account.id),
            "externalId": .string(account.externalID),
            "kind": .string(account.kind.rawValue),
            "name": .string(account.name),
            "plan": .string(account.plan),
            "pendingPlan": .string(account.pendingPlan),
            "status": .string(account.status.rawValue),
            "createdAt": .time(account.createdAt),
            "cycle": account.cycleStart.map { start in
                .object([
                    "start": .time(start), "end": .time(account.nextCycleAt), "nextGrantAt": .time(account.nextCycleAt),
                ])
            } ?? .null,
            "balance": balance(snapshot.balance),
            "expiring": .array(snapshot.expiring.map { .object(["on": .time($0.on), "amount": .int($0.amount)]) }),
        ])
    }

    static func balance(_ balance: Balance) -> JSONValue {
        .object(["available": .int(balance.available), "held": .int(balance.held), "total": .int(balance.total)])
    }

    static func lot(_ lot: Lot) -> JSONValue {
        .object([
            "id": .string(lot.id),
            "source": .string(lot.source.rawValue),
            "amount": .int(lot.amount),
            "remaining": .int(lot.remaining),
            "held": .int(lot.held),
            "grantedAt": .time(lot.grantedAt),
            "expiresAt": .time(lot.expiresAt),
        ])
    }

    static func entry(_ entry: Entry) -> JSONValue {
        .object([
            "id": .string(entry.id),
            "accountId": .string(entry.accountID),
            "kind": .string(entry.kind.rawValue),
            "amount": .int(entry.amount),
            "held": .int(entry.held),
            "balanceAfter": balance(entry.balanceAfter),
            "createdAt": .time(entry.createdAt),
            "cause": .object(["type": .string(entry.cause.type), "id": .string(entry.cause.id)]),
            "rule": .string(entry.rule),
            "policyVersion": .int(entry.policyVersion),
            "reason": .string(entry.reason),
            "actor": .string(entry.actor),
            "reverses": .string(entry.reverses),
            "ticket": .string(entry.ticket),
            "unreversed": .int(entry.unreversed),
            "allocations": .array(
                entry.allocations.map { .object(["lotId": .string($0.lotID), "amount": .int($0.amount)]) }),
        ])
    }

    static func job(_ job: Job) -> JSONValue {
        .object([
            "id": .string(job.id),
            "clientId": .string(job.clientID),
            "title": .string(job.title),
            "status": .string(job.status.rawValue),
            "budget": job.budget.map { .object(["currency": .string($0.currency), "minor": .int($0.minor)]) } ?? .null,
            "connectCost": .int(job.connectCost),
            "postedAt": .time(job.postedAt),
            "expiresAt": .time(job.expiresAt),
            "hiringDeadline": .time(job.hiringDeadline),
            "boost": .object([
                "slots": .int(job.boostSlots), "closesAt": .time(job.boostClosesAt),
                "closed": .bool(job.isAuctionClosed),
            ]),
            "proposalCount": .int(job.proposalCount),
            "hiredProposalId": .string(job.hiredProposalID),
        ])
    }

    static func proposal(_ proposal: Proposal) -> JSONValue {
        .object([
            "id": .string(proposal.id),
            "jobId": .string(proposal.jobID),
            "freelancerId": .string(proposal.freelancerID),
            "agencyId": .string(proposal.agencyID),
            "status": .string(proposal.status.rawValue),
            "fee": .int(proposal.fee),
            "invited": .bool(proposal.isInvited),
            "boost": .object(["bid": .int(proposal.boostBid), "state": .string(proposal.boostState?.rawValue)]),
            "submittedAt": .time(proposal.submittedAt),
            "viewedAt": .time(proposal.viewedAt),
            "returned": proposal.returned.map {
                .object(["amount": .int($0.amount), "rule": .string($0.rule), "at": .time($0.at)])
            } ?? .null,
            "keptBy": .string(proposal.keptBy),
        ])
    }

    static func page<T>(_ page: Page<T>, _ render: (T) -> JSONValue) -> JSONValue {
        .object(["data": .array(page.items.map(render)), "nextCursor": .string(page.nextCursor)])
    }

    // MARK: CSV

    static let csvHeader =
        "id,createdAt,kind,amount,held,total,heldAfter,available,causeType,causeId,rule,policyVersion,reason,actor,reverses,allocations\r\n"

    /// Appends one entry as an RFC 4180 CSV row to `text`.
    static func appendCSVRow(_ entry: Entry, to text: inout String) {
        appendCSVField(entry.id, to: &text)
        text += ","
        text += RFC3339.format(entry.createdAt)
        text += ","
        text += entry.kind.rawValue
        for number in [
            entry.amount, entry.held, entry.balanceAfter.total, entry.balanceAfter.held, entry.balanceAfter.available,
        ] {
            text += ","
            text += String(number)
        }
        for field in [entry.cause.type, entry.cause.id, entry.rule ?? ""] {
            text += ","
            appendCSVField(field, to: &text)
        }
        text += ","
        if let version = entry.policyVersion { text += String(version) }
        for field in [entry.reason ?? "", entry.actor, entry.reverses ?? ""] {
            text += ","
            appendCSVField(field, to: &text)
        }
        text += ","
        // Lot ids are ours (a prefix and base32 digits), so this field never needs quoting.
        for (index, allocation) in entry.allocations.enumerated() {
            if index > 0 { text += " " }
            text += allocation.lotID
            text += ":"
            text += String(allocation.amount)
        }
        text += "\r\n"
    }

    /// Quotes a field when it holds a comma, quote or line break (RFC 4180); doubles inner quotes.
    /// Scans bytes, not characters: all four are ASCII, and grapheme breaking cost more than the rest of
    /// the export.
    static func appendCSVField(_ field: String, to text: inout String) {
        let special: (UInt8) -> Bool = { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        guard field.utf8.contains(where: special) else { return text += field }
        text += "\""
        text += field.replacingOccurrences(of: "\"", with: "\"\"")
        text += "\""
    }
}
