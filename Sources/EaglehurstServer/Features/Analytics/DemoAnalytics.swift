import Fluent
import Foundation
import SQLKit
import Vapor

/// Four weeks of plausible marketplace life for the demo, so that the dashboards show something:
/// buyers and sellers who joined over the weeks, their sign-ins, searches and listing views, the
/// funnel they went through, paid plans and their payments; then the daily roll-up of those days.
/// Added once: a database that has the first demo member is left as it is.
enum DemoAnalytics {
    static let weeks = 4
    static let members = 24
    static func email(_ index: Int) -> String { "member\(index)@demo.eaglehurst.test" }

    static func seed(on app: Application) async throws {
        let sql = app.db.sql
        guard try await User.query(on: app.db).filter(\.$email == email(1)).first() == nil else { return }
        let sellerEmail = AccountBootstrap.demoAccounts.first { $0.role == "seller" }!.email
        guard let seller = try await User.query(on: app.db).filter(\.$email == sellerEmail).first() else { return }
        let listings = try await Listing.query(on: app.db).filter(\.$seller.$id == seller.requireID())
            .filter(\.$status == .published).all().map { try $0.requireID() }
        guard !listings.isEmpty else { return }
        let plans = try await sql.raw("SELECT id, code, price_pence FROM subscriptions WHERE code IN ('buyer_professional', 'seller_professional')")
            .all().reduce(into: [String: (UUID, Int64)]()) {
                $0[try $1.decode(column: "code", as: String.self)] = (try $1.decode(column: "id", as: UUID.self), try $1.decode(column: "price_pence", as: Int64.self))
            }
        let now = app.serverEnvironment.now()
        let today = UTCDay(containing: now)
        let firstDay = today.adding(-weeks * 7)
        // One hash for all members: they are figures, not accounts anyone signs in to.
        let hash = try await app.password.async.hash(UUID().uuidString + "Aa1")
        // One transaction for the members and everything they did: a seed cut short leaves nothing,
        // so running it again (see `AccountBootstrap.seedDemo`) starts from a clean slate.
        try await app.db.transaction { db in
            let sql = db.sql
            let tx = sql
            var random = DemoRandom(seed: 16)
            var activity: [(UUID, String, String, Date)] = []
            var funnel: [(UUID, String, Date)] = []
            var views: [(UUID, UUID, Date)] = []
            var searches: [(UUID, String, Int, Date)] = []
            var paid: [(user: UUID, plan: String, at: Date)] = []
            let queries = ["pharmacy", "dental leeds", "optician", "gp surgery", "clinic bristol", "care home", "dental", "physiotherapy"]
            for index in 1...members {
                let joinedDay = firstDay.adding(random.next(upTo: weeks * 7))
                let joined = joinedDay.start.addingTimeInterval(Double(8 + random.next(upTo: 10)) * 3600)
                let isBuyer = index % 4 != 0
                let user = User(
                    email: email(index), passwordHash: hash, userType: isBuyer ? .buyer : .seller,
                    firstName: ["Alex", "Priya", "Tom", "Grace", "Omar", "Hannah", "Lewis", "Mei"][index % 8], lastName: "Member \(index)",
                    emailVerified: random.next(upTo: 10) < 8)
                user.lastLoginAt = joined
                try await user.create(on: db)
                let id = try user.requireID()
                try await sql.raw("UPDATE users SET created_at = \(bind: joined), updated_at = \(bind: joined) WHERE id = \(bind: id)").run()
                funnel.append((id, "registered", joined))
                if user.emailVerified { funnel.append((id, "email_verified", joined.addingTimeInterval(600))) }
                var lastLogin = joined
                for day in joinedDay.number...today.number where random.next(upTo: 3) == 0 || day == joinedDay.number {
                    let at = UTCDay(number: day).start.addingTimeInterval(Double(7 + random.next(upTo: 14)) * 3600 + Double(random.next(upTo: 3600)))
                    guard at < now else { continue }
                    activity.append((id, "sign_in", "{}", at))
                    lastLogin = max(lastLogin, at)
                    guard isBuyer, user.emailVerified else { continue }
                    for search in 0..<(1 + random.next(upTo: 3)) {
                        let query = queries[random.next(upTo: queries.count)]
                        let searchedAt = at.addingTimeInterval(Double(search * 90))
                        searches.append((id, query, 3 + random.next(upTo: 40), searchedAt))
                        activity.append((id, "search", AnalyticsLog.json(["query": query]), searchedAt))
                        funnel.append((id, "first_search", searchedAt))
                    }
                    for _ in 0..<random.next(upTo: 4) {
                        let listing = listings[random.next(upTo: listings.count)]
                        let viewedAt = at.addingTimeInterval(Double(300 + random.next(upTo: 1800)))
                        views.append((listing, id, viewedAt))
                        activity.append((id, "listing_view", AnalyticsLog.json(["listing_id": listing.uuidString]), viewedAt))
                    }
                }
                try await sql.raw("UPDATE users SET last_login_at = \(bind: lastLogin) WHERE id = \(bind: id)").run()
                if index % 5 == 1, user.emailVerified {
                    let subscribedAt = min(now.addingTimeInterval(-3600), joined.addingTimeInterval(Double(2 + random.next(upTo: 5)) * 86_400))
                    paid.append((id, isBuyer ? "buyer_professional" : "seller_professional", subscribedAt))
                    funnel.append((id, "subscribed", subscribedAt))
                    activity.append((id, "purchase", "{}", subscribedAt))
                }
            }
            let (activities, steps, searched, viewed, plansPaid) = (activity, funnel, searches, views, paid)
            let sellerID = try seller.requireID()
            for (user, type, metadata, at) in activities {
                try await tx.insert(into: "user_activities").columns("id", "user_id", "activity_type", "metadata", "activity_date", "created_at")
                    .values(SQLBind(UUID()), SQLBind(user), SQLBind(type), SQLBind(metadata), SQLBind(UTCDay(containing: at).key), SQLBind(at)).run()
            }
            for (user, step, at) in steps {
                try await tx.insert(into: "conversion_funnel").columns("id", "user_id", "step_name", "completed_at")
                    .values(SQLBind(UUID()), SQLBind(user), SQLBind(step), SQLBind(at)).ignoringConflicts(with: ["user_id", "step_name"]).run()
            }
            for (user, query, results, at) in searched {
                try await tx.insert(into: "search_queries").columns("id", "user_id", "query_text", "filters", "results_count", "searched_at")
                    .values(SQLBind(UUID()), SQLBind(user), SQLBind(query), SQLBind("q=\(query)"), SQLBind(results), SQLBind(at)).run()
            }
            for (listing, viewer, at) in viewed {
                try await tx.insert(into: "listing_views").columns("id", "listing_id", "viewer_id", "viewer_key", "view_date", "viewed_at")
                    .values(SQLBind(UUID()), SQLBind(listing), SQLBind(viewer), SQLBind(viewer.uuidString), SQLBind(UTCDay(containing: at).key), SQLBind(at))
                    .ignoringConflicts(with: ["listing_id", "viewer_key", "view_date"]).run()
                try await tx.insert(into: "profile_views").columns("id", "profile_id", "viewer_id", "source", "view_date", "viewed_at")
                    .values(SQLBind(UUID()), SQLBind(sellerID), SQLBind(viewer), SQLBind("listing"), SQLBind(UTCDay(containing: at).key), SQLBind(at))
                    .ignoringConflicts(with: ["profile_id", "viewer_id", "source", "view_date"]).run()
            }
            try await tx.raw("""
                UPDATE listings SET view_count = view_count + (SELECT COUNT(*) FROM listing_views v WHERE v.listing_id = listings.id)
                WHERE seller_id = \(bind: sellerID)
                """).run()
            // Paid plans: a subscription replacing the free one, and its monthly payments so far (20% VAT).
            for (user, code, at) in plansPaid {
                guard let (planID, price) = plans[code] else { continue }
                try await tx.raw("UPDATE user_subscriptions SET status = 'cancelled', cancelled_at = \(bind: at), expires_at = \(bind: at) WHERE user_id = \(bind: user)").run()
                let subscriptionID = UUID()
                var periodStart = at
                var periodEnd = BillingCycle.monthly.periodEnd(from: at)
                try await tx.raw("""
                    INSERT INTO user_subscriptions (id, user_id, subscription_id, status, started_at, created_at, billing_cycle,
                        current_period_start, current_period_end, cancel_at_period_end, failed_payment_attempts)
                    VALUES (\(bind: subscriptionID), \(bind: user), \(bind: planID), 'active', \(bind: at), \(bind: at), 'monthly',
                        \(bind: periodStart), \(bind: periodEnd), \(bind: false), 0)
                    """).run()
                while periodStart < now {
                    let vat = price / 5
                    try await tx.raw("""
                        INSERT INTO payments (id, user_id, user_subscription_id, plan_id, kind, billing_cycle, net_pence, vat_pence,
                            vat_rate_percent, amount_pence, currency, status, gateway, claim_key, description, period_start, period_end, created_at, paid_at)
                        VALUES (\(bind: UUID()), \(bind: user), \(bind: subscriptionID), \(bind: planID),
                            \(bind: periodStart == at ? "purchase" : "renewal"), 'monthly', \(bind: price), \(bind: vat), 20, \(bind: price + vat),
                            'GBP', 'succeeded', 'local', \(bind: "demo:\(subscriptionID):\(UTCDay(containing: periodStart).key)"), 'Demo plan payment',
                            \(bind: periodStart), \(bind: periodEnd), \(bind: periodStart), \(bind: periodStart))
                        """).run()
                    periodStart = periodEnd
                    periodEnd = BillingCycle.monthly.periodEnd(from: periodStart)
                }
            }
        }
        let rollup = PlatformMetricsRollup(app: app)
        try await rollup.run(try await rollup.dueDays())
    }
}

/// A small deterministic generator, so that every demo database tells the same story.
struct DemoRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func next(upTo bound: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Int(state % UInt64(max(bound, 1)))
    }
}
