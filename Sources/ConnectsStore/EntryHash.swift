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
        hasher.update(data: canonicalContent(of: entry, previous: previous))
        return hex(hasher.finalize())
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var characters: [UInt8] = []
        characters.reserveCapacity(64)
        for byte in bytes {
            characters.append(hexDigits[Int(byte >> 4)])
            characters.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: characters, as: UTF8.self)
    }

    /// Every field of the entry, each length-prefixed (`<bytes>:<field>;`, `-;` for none) so that no two
    /// different entries share a form. Built as bytes, field by field (this runs for every entry
    /// written and verified); the format is pinned by tests, as stored chains depend on it.
    static func canonicalContent(of entry: Entry, previous: String) -> [UInt8] {
        var content: [UInt8] = []
        content.reserveCapacity(512)
        func append(_ field: String?) {
            guard let field else { return content.append(contentsOf: "-;".utf8) }
            content.append(contentsOf: String(field.utf8.count).utf8)
            content.append(UInt8(ascii: ":"))
            content.append(contentsOf: field.utf8)
            content.append(UInt8(ascii: ";"))
        }
        append("connects-entry-v1")
        append(previous)
        append(entry.id)
        append(entry.accountID)
        append(String(entry.sequence))
        append(entry.kind.rawValue)
        append(String(entry.amount))
        append(String(entry.held))
        append(String(entry.balanceAfter.total))
        append(String(entry.balanceAfter.held))
        append(String(entry.createdAt.millisecondsSinceEpoch))
        append(entry.cause.type)
        append(entry.cause.id)
        append(entry.rule)
        append(entry.policyVersion.map { String($0) })
        append(entry.reason)
        append(entry.actor)
        append(entry.reverses)
        append(AllocationCoding.encode(entry.allocations))
        append(entry.eventKey)
        append(entry.holdID)
        append(entry.unreversed.map { String($0) })
        append(entry.ticket)
        return content
    }
}

/// The compact text form of allocations stored in a column: `lot_A:3,lot_B:2`.
enum AllocationCoding {
    static func encode(_ allocations: [Allocation]) -> String {
        allocations.map { "\($0.lotID):\($0.amount)" }.joined(separator: ",")
    }

    /// Reads `lot:amount,lot:amount` byte by byte (splitting a `String` walks grapheme clusters, which
    /// made this a sixth of a CSV export's time).
    static func decode(_ text: String) throws -> [Allocation] {
        guard !text.isEmpty else { return [] }
        return try text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { part in
            guard let colon = part.firstIndex(of: UInt8(ascii: ":")), colon != part.startIndex,
                let amount = Int64(Substring(part[part.index(after: colon)...]))
            else {
                throw StoreError.corrupt("allocation '\(Substring(part))' is not lot:amount")
            }
            return Allocation(lotID: String(Substring(part[..<colon])), amount: amount)
        }
    }
}
