import ConnectsCore
import ConnectsSimulator
import ConnectsStore

/// The operations of Connects, each authorized by its ``Action``'s permission and carried out through
/// the store: what the JSON routes (and the web pages) call, so that no rule or permission is decided
/// by one of them alone.
///
/// A method takes typed input (parsing belongs to its caller), authorizes the caller, checks what the
/// policy allows, and hands one ``StoreOperation`` to the store; the decisions themselves are
/// ConnectsCore's.
struct ConnectsService: Sendable {
    let store: any LedgerStore
    let policyBox: PolicyBox
    let clock: ServerClock
    let metrics: ServerMetrics
    /// Whether webhooks may target private and reserved addresses (``WebhookTarget``).
    var allowsPrivateWebhookTargets = false
    /// The marketplace a draft policy is tried on from the console (``ServerConfiguration/draftSimulation``).
    var draftSimulation = ServerConfiguration.defaultDraftSimulation
    let inFlight = InFlightRequests()
    /// Staff sign-ins per address (this node's count; the failures per name are counted in the database).
    let signInThrottle = RateLimiter(count: Limits.signInFailuresPerAddress, perSeconds: 900)

    /// The current time.
    func now() -> Instant { clock.now() }

    /// The policy in force now.
    var policy: LedgerPolicy { policyBox.policy }
}

/// A write as it arrives: who sends it, the idempotency key that makes it happen once, and how its
/// outcome is rendered into the record that answers a replay (in the same transaction as its effect).
struct WriteRequest: Sendable {
    var caller: Caller
    var idempotencyKey: String?
    /// A digest of what makes two requests the same (method, path, body): the same key sent with
    /// another request is refused.
    var fingerprint: String
    var render: @Sendable (Result<OperationResult, ConnectsError>) -> StoredResponse
}

/// What a write came to.
enum WriteOutcome: Sendable {
    /// Carried out now, or refused with a stable code (nothing moved); `response` is its rendering.
    case done(Result<OperationResult, ConnectsError>, response: StoredResponse)
    /// An earlier request with the same key and caller already ran: its stored answer, nothing moved.
    case replayed(StoredResponse)
}

extension ConnectsService {
    /// Carries out `operation` for `write`, at most once per idempotency key and caller.
    ///
    /// - Parameter movesConnects: whether the operation moves connects, so that a request without an
    ///   `Idempotency-Key` is refused (API.md).
    func perform(_ operation: StoreOperation, _ write: WriteRequest, movesConnects: Bool) async throws -> WriteOutcome {
        let claim: IdempotencyClaim?
        if let key = write.idempotencyKey {
            // Printable ASCII, as /openapi.json says: a key's characters are its bytes.
            guard (1...Limits.idempotencyKeyBytesMax).contains(key.utf8.count),
                key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
            else {
                throw ConnectsError.invalidField(
                    "Idempotency-Key", "must be 1 to \(Limits.idempotencyKeyBytesMax) printable ASCII characters")
            }
            claim = IdempotencyClaim(
                caller: write.caller.keyID, key: key, fingerprint: write.fingerprint, render: write.render)
        } else if movesConnects {
            throw ConnectsError(.idempotencyKeyRequired, "this request moves connects: send an Idempotency-Key header")
        } else {
            claim = nil
        }
        guard let claim else {
            return try outcome(try await store.perform(operation, now: now(), policy: policy, idempotency: nil), write)
        }
        // A finished request's record is found by the write itself (the store reads it first), so a new
        // key, the common case, costs no read transaction of its own. Only a key that is busy here is
        // looked up first: a replay of a finished request is answered even while another replay runs.
        let flightKey = claim.caller + "\u{0}" + claim.key
        guard inFlight.begin(flightKey) else {
            if let record = try await store.idempotencyRecord(caller: claim.caller, key: claim.key) {
                return try outcome(.replayed(record), write)
            }
            throw ConnectsError(.requestInProgress, "a request with this Idempotency-Key is still running")
        }
        defer { inFlight.end(flightKey) }
        return try outcome(try await store.perform(operation, now: now(), policy: policy, idempotency: claim), write)
    }

    private func outcome(_ performed: Performed, _ write: WriteRequest) throws(ConnectsError) -> WriteOutcome {
        switch performed {
        case .replayed(let record):
            guard record.fingerprint == write.fingerprint else {
                throw ConnectsError(.idempotencyKeyReused, "this Idempotency-Key was used for a different request")
            }
            return .replayed(record.response)
        case .done(let result, let stored):
            if case .success(let value) = result {
                for kind in value.writtenKinds { metrics.recordMovement(kind) }
            }
            return .done(result, response: stored ?? write.render(result))
        }
    }

    /// How many connects one support action of `caller` may move: the policy's per-action limit for
    /// support agents, the movement limit for operators.
    func supportActionMax(for caller: Caller) -> Int64 {
        caller.role == .support ? policy.supportActionMax : Limits.movementMax
    }
}
