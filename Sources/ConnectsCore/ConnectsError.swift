/// A refusal: a command that was not carried out, with a stable code and a detail that says why.
///
/// A refused command changes nothing. Codes are the stable strings of API.md; the HTTP layer maps each
/// to a status. Programmer errors are never reported this way: they are preconditions.
public struct ConnectsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        public static let malformedRequest = Code("malformed_request")
        public static let validationFailed = Code("validation_failed")
        public static let idempotencyKeyRequired = Code("idempotency_key_required")
        public static let idempotencyKeyReused = Code("idempotency_key_reused")
        public static let requestInProgress = Code("request_in_progress")
        public static let unauthenticated = Code("unauthenticated")
        public static let forbidden = Code("forbidden")
        public static let notFound = Code("not_found")
        public static let insufficientConnects = Code("insufficient_connects")
        public static let jobNotOpen = Code("job_not_open")
        public static let alreadyApplied = Code("already_applied")
        public static let invalidState = Code("invalid_state")
        public static let accountClosed = Code("account_closed")
        public static let paymentReferenceUsed = Code("payment_reference_used")
        public static let limitExceeded = Code("limit_exceeded")
        public static let payloadTooLarge = Code("payload_too_large")
        public static let rateLimited = Code("rate_limited")
        public static let methodNotAllowed = Code("method_not_allowed")
        /// The database cannot be reached for now; nothing was done, or what was done is replayed under
        /// the same Idempotency-Key on retry.
        public static let unavailable = Code("unavailable")

        public var description: String { rawValue }
    }

    /// The stable code.
    public let code: Code
    /// A human-readable explanation naming the field, state or rule involved.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }

    /// A `validation_failed` refusal naming `field`.
    public static func invalidField(_ field: String, _ problem: String) -> ConnectsError {
        ConnectsError(.validationFailed, "\(field): \(problem)")
    }
}
