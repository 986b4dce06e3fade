import ConnectsCore
import Crypto

/// The hash chain over an account's entries: each entry's hash covers its content and the previous
/// entry's hash, so an edit made behind the server's back is detectable by `connects verify`.
enum EntryHash {
    /// The hash of an account's chain before its first entry.
    static let genesis = ""

    /// The hex SHA-256 of `entry`'s canonical content chained to `previous`.
    static func hash(of entry: Entry, previous: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(canonicalContent(of: entry, previous: previous).utf8))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Every field of the entry, each length-prefixed so that no two different entries share a form.
    static func canonicalContent(of entry: Entry, previous: String) -> String {
        let fields: [String?] = [
            "connects-entry-v1", previous, entry.id, entry.accountID, String(entry.sequence), entry.kind.rawValue,
            String(entry.amount), String(entry.held), String(entry.balanceAfter.total),
            String(entry.balanceAfter.held), String(entry.createdAt.millisecondsSinceEpoch), entry.cause.type,
            entry.cause.id, entry.rule, entry.policyVersion.map { String($0) }, entry.reason, entry.actor,
            entry.reverses, AllocationCoding.encode(entry.allocations), entry.eventKey, entry.holdID,
            entry.unreversed.map { String($0) }, entry.ticket,
        ]
        var content = ""
        for field in fields {
            if let field {
                content += "\(field.utf8.count):\(field);"
            } else {
                content += "-;"
            }
        }
        return content
    }
}

/// The compact text form of allocations stored in a column: `lot_A:3,lot_B:2`.
enum AllocationCoding {
    static func encode(_ allocations: [Allocation]) -> String {
        allocations.map { "\($0.lotID):\($0.amount)" }.joined(separator: ",")
    }

    static func decode(_ text: String) throws -> [Allocation] {
        guard !text.isEmpty else { return [] }
        return try text.split(separator: ",").map { part in
            let pieces = part.split(separator: ":")
            guard pieces.count == 2, let amount = Int64(pieces[1]) else {
                throw StoreError.corrupt("allocation '\(part)' is not lot:amount")
            }
            return Allocation(lotID: String(pieces[0]), amount: amount)
        }
    }
}
