import ConnectsCore

extension JSONValue {
    /// An RFC 3339 time, or `.null` for `nil`.
    static func time(_ value: Instant?) -> JSONValue { value.map { .string(RFC3339.format($0)) } ?? .null }
}

/// A JSON object from a request body, with accessors that refuse a wrong or missing field by name.
struct JSONObject {
    let members: [String: JSONValue]

    /// Wraps members already parsed (a nested object).
    init(members: [String: JSONValue]) {
        self.members = members
    }

    /// Parses `bytes` as a JSON object; anything else is `malformed_request`.
    init(bytes: [UInt8]) throws(ConnectsError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw ConnectsError(.malformedRequest, "the body is not valid JSON")
        }
        guard case .object(let members) = value else {
            throw ConnectsError(.malformedRequest, "the body is not a JSON object")
        }
        self.members = members
    }

    /// A required or optional string of at most `maxLength` characters.
    func string(
        _ field: String, required: Bool = true, maxLength: Int = Limits.labelLengthMax
    ) throws(ConnectsError)
        -> String?
    {
        switch members[field] {
        case .none, .null?:
            if required { throw ConnectsError.invalidField(field, "is required") }
            return nil
        case .string(let value)?:
            guard !value.isEmpty else { throw ConnectsError.invalidField(field, "must not be empty") }
            // PostgreSQL cannot store U+0000 in text; refused the same way on every store.
            guard !value.utf8.contains(0) else {
                throw ConnectsError.invalidField(field, "must not contain the NUL character (U+0000)")
            }
            guard value.count <= maxLength else {
                throw ConnectsError.invalidField(field, "must be at most \(maxLength) characters")
            }
            return value
        default:
            throw ConnectsError.invalidField(field, "must be a string")
        }
    }

    /// A required or optional whole number.
    func int(_ field: String, required: Bool = true) throws(ConnectsError) -> Int64? {
        switch members[field] {
        case .none, .null?:
            if required { throw ConnectsError.invalidField(field, "is required") }
            return nil
        case .int(let value)?:
            return value
        default:
            throw ConnectsError.invalidField(field, "must be a whole number")
        }
    }

    /// A string that must be one of `values`.
    func oneOf<T: RawRepresentable>(_ field: String, _ type: T.Type, required: Bool = true) throws(ConnectsError) -> T?
    where T.RawValue == String, T: CaseIterable {
        guard let raw = try string(field, required: required) else { return nil }
        guard let value = T(rawValue: raw) else {
            let allowed = T.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            throw ConnectsError.invalidField(field, "must be one of \(allowed)")
        }
        return value
    }
}
