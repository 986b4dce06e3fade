import ConnectsCore
import ConnectsStore
import Foundation
import HTTPTypes
import Hummingbird

extension ConnectsApp {
    /// Buying connects and the plan. The prices, bundles and plans come from the policy; the payment and
    /// the plan's billing belong to the marketplace, so outside the demo these pages show what is on
    /// offer and lead back to it. With `--demo`, a clearly labelled demo confirmation records the
    /// purchase, or changes the plan, as the marketplace's backend would.
    func addBuyPages(to table: inout RouteTable) {
        table.on(.get, "/portal/buy", .readAccount) { _, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            return pages.page("buy", try await buyValues(accountID, caller: caller, session: session))
        }

        table.on(.get, "/portal/plan", .readAccount) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            var values = try await planValues(accountID, caller: caller, session: session)
            if request.uri.queryParameters["done"] != nil { values["notice"] = "Your plan is changed." }
            return pages.page("plan", values)
        }

        guard configuration.isDemo else { return }

        table.on(.post, "/demo/buy", nil) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            guard var form = try await Self.pageForm(request, caller: caller, session: session) else {
                return formOutOfDate(session)
            }
            let pricing = policy.economy.pricing
            let choice = form["quantity"] == "custom" ? form["custom"] ?? "" : form["quantity"] ?? ""
            guard let quantity = Int64(choice.trimmingCharacters(in: .whitespaces)),
                pricing.bundles.contains(quantity) || (pricing.custom.min...pricing.custom.max).contains(quantity)
            else {
                var values = try await buyValues(accountID, caller: caller, session: session)
                values["custom"] = form["custom"] ?? ""
                Self.show(
                    [("custom", "Choose a bundle, or enter \(pricing.custom.min) to \(pricing.custom.max) connects")],
                    in: &values)
                return pages.page("buy", values, status: .unprocessableContent)
            }
            if form["confirm"] != "yes" {
                var values = try await buyValues(accountID, caller: caller, session: session)
                values["confirming"] = true
                values["quantity"] = quantity
                values["price"] = Self.moneyWords(Self.price(of: quantity, pricing))
                values["once"] = form["once"] ?? Self.formKey()
                return pages.page("buy", values)
            }
            // The demo's stand-in for the marketplace's payment system, which records a confirmed payment.
            form.write.caller = Caller(keyID: "demo", role: .service, accountID: nil)
            let outcome = try await service.purchase(
                quantity, for: accountID, paymentReference: "demo-" + (form["once"] ?? ""),
                amountPaid: Self.price(of: quantity, pricing), form.write)
            return try outcomeResponse(outcome, session: session) { _ in "/portal/connects?bought=\(quantity)" }
        }

        table.on(.post, "/demo/plan", nil) { request, context in
            let (caller, session, accountID) = try Self.signedIn(context)
            guard var form = try await Self.pageForm(request, caller: caller, session: session),
                let plan = form["plan"], policy.economy.plan(plan) != nil
            else { return formOutOfDate(session) }
            form.write.caller = Caller(keyID: "demo", role: .service, accountID: nil)
            let outcome = try await service.changePlan(of: accountID, to: plan, isPaymentFailure: false, form.write)
            return try outcomeResponse(outcome, session: session) { _ in "/portal/plan?done=1" }
        }
    }

    /// What `quantity` connects cost at the policy's price.
    static func price(of quantity: Int64, _ pricing: Policy.Pricing) -> Policy.Money {
        Policy.Money(currency: pricing.pricePerConnect.currency, minor: quantity * pricing.pricePerConnect.minor)
    }

    func buyValues(_ accountID: String, caller: Caller, session: WebSession) async throws -> [String: Any] {
        let snapshot = try await service.account(accountID, by: caller)
        let pricing = try service.catalog(by: caller).pricing
        var values = layoutValues(session, caller, current: "buy")
        values["available"] = snapshot.balance.available
        values["isDemo"] = configuration.isDemo
        values["once"] = Self.formKey()
        values["perConnect"] = Self.moneyWords(pricing.pricePerConnect)
        values["bundles"] = pricing.bundles.enumerated().map { index, quantity -> [String: Any] in
            [
                "quantity": quantity, "price": Self.moneyWords(Self.price(of: quantity, pricing)),
                "checked": index == 0, "after": snapshot.balance.available + quantity,
            ]
        }
        values["customMin"] = pricing.custom.min
        values["customMax"] = pricing.custom.max
        values["custom"] = ""
        return values
    }

    func planValues(_ accountID: String, caller: Caller, session: WebSession) async throws -> [String: Any] {
        let snapshot = try await service.account(accountID, by: caller)
        let account = snapshot.account
        var values = layoutValues(session, caller, current: "plan")
        values["isDemo"] = configuration.isDemo
        values["once"] = Self.formKey()
        values["current"] = account.plan.map(Self.planName) ?? "none"
        values["pending"] = account.pendingPlan.map(Self.planName)
        values["next"] = account.nextCycleAt.map { PageDate.long($0, now: now()) }
        let current = policy.economy.plan(account.plan ?? "")?.allotment ?? 0
        values["plans"] = policy.economy.plans.map { plan -> [String: Any] in
            let isCurrent = plan.key == account.plan
            var effect: String
            if plan.allotment > current {
                effect = "Upgrading starts a new cycle now, with the full \(plan.allotment) connects."
            } else {
                effect = "Downgrading takes effect at your next cycle; you keep what you have until then."
            }
            if isCurrent { effect = "Your plan." }
            return [
                "key": plan.key, "name": Self.planName(plan.key), "allotment": plan.allotment,
                "isCurrent": isCurrent, "effect": effect, "canChoose": !isCurrent && account.kind.holdsConnects,
            ]
        }
        return values
    }
}
