import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// `POST /v1/keys`: an admin issues API keys; the secret is shown once and stored only as a digest.
    func addKeyRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/keys") { request, context in
            let caller = try context.requireCaller()
            try caller.require([.admin])
            let (body, _) = try await Self.readObject(request)
            let role = try body.oneOf("role", APIKey.Role.self)!
            let accountID = try body.string("accountId", required: role.isAccountBound)
            if !role.isAccountBound, accountID != nil {
                throw ConnectsError.invalidField("accountId", "only freelancer and client keys are bound to an account")
            }
            let now = now()
            let secret = Self.makeSecret()
            let key = APIKey(
                id: Identifier.make(Identifier.apiKey, at: now),
                secretHash: AuthenticationMiddleware.digest(secret),
                role: role,
                accountID: accountID,
                createdAt: now
            )
            // The secret is part of the response, so a replay must not show it again from storage:
            // key creation takes no Idempotency-Key.
            let performed = try await store.perform(
                .createAPIKey(key), now: now, policy: policy, idempotency: nil)
            guard case .done(let result, _) = performed else { preconditionFailure("no idempotency claim was made") }
            switch result {
            case .success:
                return Self.json(
                    .object([
                        "id": .string(key.id), "key": .string(secret), "role": .string(role.rawValue),
                        "accountId": .string(accountID), "createdAt": .time(now),
                    ]),
                    status: 201
                )
            case .failure(let error):
                throw error
            }
        }
    }

    /// A new API key secret: `ck_` and 160 random bits in Crockford base32.
    static func makeSecret() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return "ck_" + String((0..<32).map { _ in alphabet[Int(generator.next() % 32)] })
    }
}
