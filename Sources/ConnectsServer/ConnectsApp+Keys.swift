import ConnectsCore
import ConnectsStore
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// `POST /v1/keys`: an admin issues API keys; the secret is shown once and stored only as a digest.
    func addKeyRoutes(to table: inout RouteTable) {
        table.on(.post, "/v1/keys", .issueAPIKeys) { request, context in
            let (body, _) = try await Self.readObject(request)
            let role = try body.oneOf("role", APIKey.Role.self)!
            let accountID = try body.string("accountId", required: role.isAccountBound)
            if !role.isAccountBound, accountID != nil {
                throw ConnectsError.invalidField("accountId", "only freelancer and client keys are bound to an account")
            }
            let (key, secret) = try await service.issueKey(
                role: role, accountID: accountID, by: context.requireCaller())
            return Self.json(
                .object([
                    "id": .string(key.id), "key": .string(secret), "role": .string(role.rawValue),
                    "accountId": .string(accountID), "createdAt": .time(key.createdAt),
                ]),
                status: 201
            )
        }
    }
}
