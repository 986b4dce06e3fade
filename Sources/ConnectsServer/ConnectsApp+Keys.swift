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
            var rendered = Self.render(key)
            rendered["key"] = .string(secret)
            return Self.json(.object(rendered), status: 201)
        }

        table.on(.get, "/v1/keys", .manageAPIKeys) { request, context in
            let (limit, cursor) = try Self.pageParameters(request)
            let page = try await service.apiKeys(limit: limit, after: cursor, by: context.requireCaller())
            return Self.json(Representation.page(page) { .object(Self.render($0)) })
        }

        table.on(.delete, "/v1/keys/{id}", .manageAPIKeys) { _, context in
            let key = try await service.revokeAPIKey(try context.parameters.require("id"), by: context.requireCaller())
            return Self.json(.object(Self.render(key)))
        }
    }

    /// A key as it is listed: never its secret, nor the secret's digest.
    static func render(_ key: APIKey) -> [String: JSONValue] {
        [
            "id": .string(key.id), "role": .string(key.role.rawValue), "accountId": .string(key.accountID),
            "createdAt": .time(key.createdAt), "revokedAt": .time(key.revokedAt),
        ]
    }
}
