extension Policy {
    /// Checks the whole document; the first problem is refused with `validation_failed` naming its field.
    public func validate() throws(ConnectsError) {
        try validatePlans()
        try validatePricing()
        try validateCosts()
        try validateTimes()
        try validateRewards()
        try Self.check(
            (1...Limits.movementMax).contains(support.maxAdjustment), "support.maxAdjustment",
            "must be 1 to \(Limits.movementMax)")
    }

    private static func check(_ condition: Bool, _ field: String, _ problem: String) throws(ConnectsError) {
        if !condition { throw ConnectsError.invalidField(field, problem) }
    }

    private static func checkKey(
        _ key: String, _ field: String, unique keys: inout Set<String>
    ) throws(ConnectsError) {
        try check(!key.isEmpty && key.count <= 50, field, "must be 1 to 50 characters")
        try check(keys.insert(key).inserted, field, "is used twice")
    }

    private func validatePlans() throws(ConnectsError) {
        try Self.check(!plans.isEmpty, "plans", "must name at least one plan")
        try Self.check(
            plan(Account.defaultPlan) != nil, "plans",
            "must include the '\(Account.defaultPlan)' plan (the plan of new and lapsed accounts)")
        var keys: Set<String> = []
        for (index, plan) in plans.enumerated() {
            let field = "plans[\(index)]"
            try Self.checkKey(plan.key, "\(field).key", unique: &keys)
            try Self.check(
                (0...Limits.movementMax).contains(plan.allotment), "\(field).allotment",
                "must be 0 to \(Limits.movementMax)")
            if let cap = plan.rolloverCap {
                try Self.check(
                    (0...Limits.balanceMax).contains(cap), "\(field).rolloverCap",
                    "must be 0 to \(Limits.balanceMax) or null")
            }
        }
    }

    private func validatePricing() throws(ConnectsError) {
        let price = pricing.pricePerConnect
        try Self.check(
            price.minor > 0 && price.minor <= 1_000_000, "pricing.pricePerConnect.minor", "must be 1 to 1000000")
        try Self.check(
            price.currency.count == 3 && price.currency.allSatisfy { $0.isUppercase && $0.isASCII },
            "pricing.pricePerConnect.currency", "must be an ISO 4217 code such as USD")
        try Self.check(pricing.bundles.count <= 20, "pricing.bundles", "may list at most 20 bundles")
        for (index, bundle) in pricing.bundles.enumerated() {
            try Self.check(
                (1...Limits.movementMax).contains(bundle), "pricing.bundles[\(index)]",
                "must be 1 to \(Limits.movementMax)")
        }
        try Self.check(
            pricing.custom.min >= 1 && pricing.custom.min <= pricing.custom.max
                && pricing.custom.max <= Limits.movementMax,
            "pricing.custom", "needs 1 <= min <= max <= \(Limits.movementMax)")
    }

    private func validateCosts() throws(ConnectsError) {
        let range = Job.connectCostRange
        let inRange = "must be \(range.lowerBound) to \(range.upperBound)"
        try Self.check(!costs.ladder.isEmpty && costs.ladder.count <= 20, "costs.ladder", "must have 1 to 20 steps")
        var previous: Int64 = -1
        for (index, step) in costs.ladder.enumerated() {
            try Self.check(range.contains(step.cost), "costs.ladder[\(index)].cost", inRange)
            if let upTo = step.upToMinor {
                try Self.check(upTo > previous, "costs.ladder[\(index)].upToMinor", "must rise from step to step")
                previous = upTo
            } else {
                try Self.check(
                    index == costs.ladder.count - 1, "costs.ladder[\(index)].upToMinor",
                    "only the last step may be open-ended")
            }
        }
        try Self.check(range.contains(costs.withoutBudget), "costs.withoutBudget", inRange)
    }

    /// The boost auction, expiry, job lifetime and return rules: counts of slots, days and hours.
    private func validateTimes() throws(ConnectsError) {
        try Self.check((0...100).contains(boost.slots), "boost.slots", "must be 0 to 100")
        try Self.check((1...365).contains(boost.windowDays), "boost.windowDays", "must be 1 to 365")
        try Self.check(
            (1...Limits.boostBidMax).contains(boost.maxBid), "boost.maxBid", "must be 1 to \(Limits.boostBidMax)")
        if let days = expiry.days {
            try Self.check((1...3_650).contains(days), "expiry.days", "must be 1 to 3650 or null")
        }
        try Self.check((0...365).contains(expiry.noticeDays), "expiry.noticeDays", "must be 0 to 365")
        try Self.check((1...3_650).contains(jobs.lifetimeDays), "jobs.lifetimeDays", "must be 1 to 3650")
        if let hours = returns.ifUnviewedAfterHours {
            try Self.check((1...8_760).contains(hours), "returns.ifUnviewedAfterHours", "must be 1 to 8760 or null")
        }
        if let days = returns.ifWaitingAfterDays {
            try Self.check((1...365).contains(days), "returns.ifWaitingAfterDays", "must be 1 to 365 or null")
        }
        if let days = returns.closeJobAfterInactiveDays {
            try Self.check(
                (1...3_650).contains(days), "returns.closeJobAfterInactiveDays", "must be 1 to 3650 or null")
        }
        try Self.check((1...3_650).contains(returns.graceDays), "returns.graceDays", "must be 1 to 3650")
    }

    private func validateRewards() throws(ConnectsError) {
        try Self.check(rewards.count <= 100, "rewards", "may list at most 100 rewards")
        var keys: Set<String> = []
        for (index, reward) in rewards.enumerated() {
            let field = "rewards[\(index)]"
            try Self.checkKey(reward.key, "\(field).key", unique: &keys)
            if let amount = reward.amount {
                try Self.check(
                    (1...Limits.movementMax).contains(amount), "\(field).amount",
                    "must be 1 to \(Limits.movementMax) or null")
            }
            if let cap = reward.capPer7Days {
                try Self.check(
                    (1...Limits.movementMax).contains(cap), "\(field).capPer7Days",
                    "must be 1 to \(Limits.movementMax) or null")
            }
        }
        try Self.check(promoCodes.count <= 1_000, "promoCodes", "may list at most 1000 codes")
        var codes: Set<String> = []
        for (index, promo) in promoCodes.enumerated() {
            let field = "promoCodes[\(index)]"
            try Self.checkKey(promo.code, "\(field).code", unique: &codes)
            try Self.check(
                (1...Limits.movementMax).contains(promo.amount), "\(field).amount", "must be 1 to \(Limits.movementMax)"
            )
            try Self.check(promo.maxRedemptions >= 1, "\(field).maxRedemptions", "must be at least 1")
        }
    }
}
