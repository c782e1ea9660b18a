@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// What keeps the admin figures cheap, on SQLite and PostgreSQL: the counts of now kept by
/// triggers (exact at once, under concurrency, equal to a recount), the funnel rolled up by
/// cohort (known events, run twice, steps after the roll-up counted live) and today's figures and
/// revenue by plan on read.
final class AnalyticsRollupTests: XCTestCase {
    var today: UTCDay { UTCDay(containing: Date()) }
    func noon(_ daysAgo: Int) -> Date { today.adding(-daysAgo).start.addingTimeInterval(12 * 3600) }
    func sql(_ server: TestServer) -> any SQLDatabase { server.app.db.sql }

    func get(_ server: TestServer, _ path: String, _ account: Account) async throws -> [String: Any] {
        let response = try await server.request(.GET, path, bearer: account.token)
        XCTAssertEqual(response.status, 200, "\(path): \(response.text)")
        return try response.json()
    }

    /// The stored counts that are not zero, as `name/value n`, sorted.
    func counts(_ server: TestServer) async throws -> [String] {
        try await sql(server).raw("SELECT name, value, n FROM analytics_counts WHERE n <> 0").all().map {
            "\(try $0.decode(column: "name", as: String.self))/\(try $0.decode(column: "value", as: String.self)) \(try $0.decode(column: "n", as: Int.self))"
        }.sorted()
    }

    func listing(_ server: TestServer, seller: Account, status: Listing.Status) async throws -> UUID {
        let listing = Listing()
        listing.fields = .init(
            title: "Pharmacy in Leeds", description: "A well-run medical business with loyal patients.", businessType: "pharmacy",
            location: "Town", region: "London", askingPrice: 500_000, annualRevenue: nil, exactAddress: nil)
        listing.status = status
        listing.viewCount = 0
        listing.saveCount = 0
        listing.$seller.id = seller.id
        try await listing.create(on: server.app.db)
        return try listing.requireID()
    }

    func testCountsOfNowFollowEveryChangeAtOnceUnderConcurrencyAndEqualARecount() async throws {
        try await forEachDatabase { server in
            let admin = try await account(server, .admin, "admin@example.com")
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let waiting = try await listing(server, seller: seller, status: .pendingApproval)
            for _ in 0..<3 { _ = try await listing(server, seller: seller, status: .draft) }

            var dashboard = try await get(server, "/admin/dashboard", admin)
            var byStatus = try XCTUnwrap(dashboard["listings_by_status"] as? [String: Any])
            XCTAssertEqual(byStatus["pending_approval"] as? Int, 1)
            XCTAssertEqual(byStatus["draft"] as? Int, 3)
            XCTAssertEqual(byStatus["published"] as? Int, 0)

            // An approval and a suspension show on the very next read.
            let approved = try await server.request(.PUT, "/admin/listings/\(waiting)/approve", bearer: admin.token)
            XCTAssertEqual(approved.status, 200, approved.text)
            let suspended = try await server.request(
                .PUT, "/admin/users/\(buyer.id)/suspend", body: json(["suspended": true, "reason": "spam"]), bearer: admin.token)
            XCTAssertEqual(suspended.status, 200, suspended.text)
            dashboard = try await get(server, "/admin/dashboard", admin)
            byStatus = try XCTUnwrap(dashboard["listings_by_status"] as? [String: Any])
            XCTAssertEqual(byStatus["pending_approval"] as? Int, 0)
            XCTAssertEqual(byStatus["published"] as? Int, 1)
            XCTAssertEqual(dashboard["suspended_users"] as? Int, 1)

            // A bulk update that bypasses the models is counted too.
            try await sql(server).raw("UPDATE listings SET status = 'archived' WHERE status = 'draft'").run()
            dashboard = try await get(server, "/admin/dashboard", admin)
            byStatus = try XCTUnwrap(dashboard["listings_by_status"] as? [String: Any])
            XCTAssertEqual(byStatus["archived"] as? Int, 3)
            XCTAssertEqual(byStatus["draft"] as? Int, 0)

            // A hundred changes at once, half of them moving the same two statuses the other way.
            var ids: [UUID] = []
            for index in 0..<100 { ids.append(try await listing(server, seller: seller, status: index % 2 == 0 ? .published : .sold)) }
            let database = server.app.db
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    group.addTask {
                        let to = index % 2 == 0 ? "sold" : "published"
                        try await database.sql.raw("UPDATE listings SET status = \(bind: to) WHERE id = \(bind: id)").run()
                    }
                }
                try await group.waitForAll()
            }
            dashboard = try await get(server, "/admin/dashboard", admin)
            byStatus = try XCTUnwrap(dashboard["listings_by_status"] as? [String: Any])
            XCTAssertEqual(byStatus["published"] as? Int, 51)
            XCTAssertEqual(byStatus["sold"] as? Int, 50)

            // Sign-ins move users between last-sign-in days: active users follow.
            try await sql(server).raw("UPDATE users SET last_login_at = \(bind: noon(20)) WHERE id = \(bind: seller.id)").run()
            let users7 = try await get(server, "/admin/analytics/users?period=7d", admin)
            XCTAssertEqual(users7["active_users"] as? Int, 2, "the admin and the buyer signed in today")
            let users30 = try await get(server, "/admin/analytics/users?period=30d", admin)
            XCTAssertEqual(users30["active_users"] as? Int, 3)
            XCTAssertEqual(users30["suspended_users"] as? Int, 1)

            // Whatever happened, the counters equal a count of the rows.
            let kept = try await counts(server)
            try await CountAnalyticsTotals.recount(on: sql(server))
            let recounted = try await counts(server)
            XCTAssertEqual(kept, recounted)
            XCTAssertTrue(kept.contains("listings_status/published 51"), "\(kept)")
        }
    }

    func cohortRows(_ server: TestServer) async throws -> [String] {
        try await sql(server).raw("SELECT cohort_date, step_name, users FROM funnel_cohorts").all().map {
            "\(try $0.decode(column: "cohort_date", as: String.self)) \(try $0.decode(column: "step_name", as: String.self)) \(try $0.decode(column: "users", as: Int.self))"
        }.sorted()
    }

    func step(_ server: TestServer, _ user: UUID, _ name: String, at: Date) async throws {
        try await sql(server).raw("""
            INSERT INTO conversion_funnel (id, user_id, step_name, completed_at) VALUES (\(bind: UUID()), \(bind: user), \(bind: name), \(bind: at))
            """).run()
    }

    func testTheFunnelRollsUpByCohortOnceAndStepsSinceAreCountedOnRead() async throws {
        try await forEachDatabase { server in
            let admin = try await account(server, .admin, "admin@example.com")
            var joined: [String: UUID] = [:]
            // Two users of three days ago, one of ten days ago; their registration steps on those days.
            for (email, daysAgo) in [("a@example.com", 3), ("b@example.com", 3), ("c@example.com", 10)] {
                _ = try await AccountBootstrap.createUser(on: server.app, email: email, password: "Passw0rdX", kind: .buyer, firstName: "A", lastName: "B")
                let id = try await sql(server).raw("SELECT id FROM users WHERE email = \(bind: email)").first()!.decode(column: "id", as: UUID.self)
                joined[email] = id
                try await sql(server).raw("UPDATE users SET created_at = \(bind: noon(daysAgo)) WHERE id = \(bind: id)").run()
            }
            await server.app.analyticsLog.flush()
            for id in joined.values {
                try await sql(server).raw("""
                    UPDATE conversion_funnel SET completed_at = (SELECT created_at FROM users WHERE id = \(bind: id))
                    WHERE user_id = \(bind: id) AND step_name = 'registered'
                    """).run()
            }
            try await step(server, joined["a@example.com"]!, "first_search", at: noon(2))
            try await step(server, joined["c@example.com"]!, "first_search", at: noon(9))
            try await step(server, joined["b@example.com"]!, "first_search", at: Date().addingTimeInterval(-5))

            let days = (1...12).map { today.adding(-$0) }
            try await PlatformMetricsRollup(app: server.app).run(days)
            let first = try await cohortRows(server)
            XCTAssertEqual(first, [
                "\(today.adding(-10).key) first_search 1", "\(today.adding(-10).key) registered 1",
                "\(today.adding(-3).key) first_search 1", "\(today.adding(-3).key) registered 2",
            ], "steps before today only; today's are counted live")
            try await PlatformMetricsRollup(app: server.app).run(days.reversed())
            async let one: [UTCDay] = PlatformMetricsRollup(app: server.app).run(days)
            async let two: [UTCDay] = PlatformMetricsRollup(app: server.app).run(days)
            _ = try await (one, two)
            let again = try await cohortRows(server)
            XCTAssertEqual(again, first)

            func funnel(_ period: String) async throws -> [String: Int] {
                let users = try await get(server, "/admin/analytics/users?period=\(period)", admin)
                let steps = try XCTUnwrap(users["funnel"] as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: steps.map { ($0["step_name"] as? String ?? "?", $0["users"] as? Int ?? -1) })
            }
            var week = try await funnel("7d")
            XCTAssertEqual(week["registered"], 3, "a and b from the roll-up, the admin of today live")
            XCTAssertEqual(week["first_search"], 2, "a from the roll-up, b's of today live")
            XCTAssertEqual(week["first_save"], 0)
            let month = try await funnel("30d")
            XCTAssertEqual(month["registered"], 4)
            XCTAssertEqual(month["first_search"], 3)

            // A step recorded after the roll-up shows on the next read.
            try await step(server, joined["a@example.com"]!, "first_save", at: Date())
            week = try await funnel("7d")
            XCTAssertEqual(week["first_save"], 1)
        }
    }

    func testTodaysRevenueAndRevenueByPlanAreRightOnReadAndAfterTheRollUp() async throws {
        try await forEachDatabase { server in
            let admin = try await account(server, .admin, "admin@example.com")
            let seller = try await account(server, .seller, "seller@example.com")
            try await sql(server).raw("UPDATE users SET created_at = \(bind: noon(5)) WHERE id = \(bind: seller.id)").run()
            let plan = try await sql(server).raw("SELECT id, price_pence FROM subscriptions WHERE code = 'seller_premium'").first()!
            let planID = try plan.decode(column: "id", as: UUID.self)
            let price = try plan.decode(column: "price_pence", as: Int.self)
            func pay(_ pence: Int, _ status: String, at: Date) async throws {
                try await sql(server).raw("""
                    INSERT INTO payments (id, user_id, plan_id, kind, billing_cycle, net_pence, vat_pence, vat_rate_percent, amount_pence,
                                          currency, status, gateway, claim_key, description, created_at, paid_at)
                    VALUES (\(bind: UUID()), \(bind: seller.id), \(bind: planID), 'renewal', 'monthly', \(bind: pence), 0, 0, \(bind: pence),
                            'GBP', \(bind: status), 'local', \(bind: UUID().uuidString), 'test', \(bind: at), \(bind: at))
                    """).run()
            }
            try await pay(3_000, "succeeded", at: noon(4))
            try await pay(700, "refunded", at: noon(4))
            try await PlatformMetricsRollup(app: server.app).run((1...6).map { today.adding(-$0) })
            try await pay(1_234, "succeeded", at: Date().addingTimeInterval(-30))
            try await sql(server).raw("""
                INSERT INTO user_subscriptions (id, user_id, subscription_id, status, started_at, created_at, billing_cycle,
                                                current_period_start, current_period_end, cancel_at_period_end, failed_payment_attempts)
                VALUES (\(bind: UUID()), \(bind: seller.id), \(bind: planID), 'active', \(bind: noon(4)), \(bind: noon(4)), 'monthly',
                        \(bind: noon(4)), \(bind: noon(-26)), \(bind: false), 0)
                """).run()

            let dashboard = try await get(server, "/admin/dashboard", admin)
            XCTAssertEqual((dashboard["today"] as? [String: Any])?["revenue_pence"] as? Int, 1_234, "today's payment, with no roll-up")
            XCTAssertEqual(dashboard["active_subscriptions"] as? Int, 1)
            let revenue = try await get(server, "/admin/analytics/revenue?period=7d", admin)
            XCTAssertEqual(revenue["total_revenue_pence"] as? Int, 4_234)
            XCTAssertEqual(revenue["refunded_pence"] as? Int, 700)
            XCTAssertEqual(revenue["monthly_recurring_revenue_pence"] as? Int, price)
            let byPlan = try XCTUnwrap(revenue["by_plan"] as? [[String: Any]])
            XCTAssertEqual(byPlan.count, 1)
            XCTAssertEqual(byPlan.first?["revenue_pence"] as? Int, 4_234, "the rolled-up day and today's")
            XCTAssertEqual(byPlan.first?["subscribers"] as? Int, 1)
            XCTAssertEqual(revenue["cancelled_subscriptions"] as? Int, 0)
        }
    }

    /// The ended days' series is cached per roll-up generation: a roll-up or a backfill (here through
    /// the database only, as another server or the `rollup` command would write it: the cache is never
    /// told) shows on the next read, a day rollover starts a new period whose newly ended day is
    /// computed live until rolled up, and today's figures are shared for `analyticsTodayCacheMilliseconds`.
    func testCachedSeriesFollowRollUpsBackfillsTheDayRolloverAndTodaysShortCache() async throws {
        let realToday = UTCDay(containing: Date())
        let clock = TestClock(realToday.start.addingTimeInterval(22 * 3600))
        try await forEachDatabase(environment: clock.environment, customize: { $0.analyticsTodayCacheMilliseconds = 1_000 }) { server in
            clock.set(realToday.start.addingTimeInterval(22 * 3600))
            let day = realToday
            func at(_ offset: Int, hour: Double = 12) -> Date { day.adding(offset).start.addingTimeInterval(hour * 3600) }
            var admin = try await account(server, .admin, "admin@example.com")
            var made = 0
            func user(createdAt: Date) async throws {
                made += 1
                let email = "u\(made)@example.com"
                _ = try await AccountBootstrap.createUser(on: server.app, email: email, password: "Passw0rdX", kind: .buyer, firstName: "A", lastName: "B")
                try await sql(server).raw("UPDATE users SET created_at = \(bind: createdAt) WHERE email = \(bind: email)").run()
            }
            try await sql(server).raw("UPDATE users SET created_at = \(bind: at(-6)) WHERE id = \(bind: admin.id)").run()
            try await user(createdAt: at(-3))
            try await user(createdAt: at(0, hour: 9))

            /// Sign-ups per day of the last 7 days from the users analytics, checked against the
            /// dashboard's (a 60-day series: another cache entry) and the platform's total.
            func signups(_ note: String) async throws -> [String: Int] {
                let users = try await get(server, "/admin/analytics/users?period=7d", admin)
                let points = try XCTUnwrap(users["daily_signups"] as? [[String: Any]])
                let byDay = Dictionary(uniqueKeysWithValues: points.map { ($0["date"] as? String ?? "?", $0["count"] as? Int ?? -1) })
                XCTAssertEqual(points.count, 7, note)
                XCTAssertEqual(points.last?["date"] as? String, UTCDay(containing: clock.now).key, note)
                XCTAssertEqual(users["new_users"] as? Int, byDay.values.reduce(0, +), note)
                let dashboard = try await get(server, "/admin/dashboard?period=7d", admin)
                let shown = try XCTUnwrap(dashboard["new_users_by_day"] as? [[String: Any]])
                XCTAssertEqual(
                    Dictionary(uniqueKeysWithValues: shown.map { ($0["date"] as? String ?? "?", $0["count"] as? Int ?? -1) }), byDay, note)
                let platform = try await get(server, "/admin/analytics/platform?period=7d", admin)
                XCTAssertEqual(platform["new_users"] as? Int, byDay.values.reduce(0, +), note)
                return byDay.filter { $0.value != 0 }
            }

            try await PlatformMetricsRollup(app: server.app).run((1...6).map { day.adding(-$0) })
            var expected = [day.adding(-6).key: 1, day.adding(-3).key: 1, day.key: 1]
            var read = try await signups("after the roll-up")
            XCTAssertEqual(read, expected)
            read = try await signups("read again from the cache")
            XCTAssertEqual(read, expected)

            // A user placed on a rolled-up day is not seen until that day is rolled up again.
            try await user(createdAt: at(-3, hour: 15))
            clock.advance(by: 2)
            read = try await signups("the stored day stands")
            XCTAssertEqual(read, expected)
            let backfilled = try await PlatformMetricsBackfill.run(on: server.app, from: day.adding(-3).key, to: day.adding(-3).key)
            XCTAssertEqual(backfilled, 1)
            expected[day.adding(-3).key] = 2
            read = try await signups("after the backfill")
            XCTAssertEqual(read, expected)

            // A day rewritten in the database, as another server's roll-up would, moves the generation.
            var rewritten = try await PlatformMetrics.compute(day.adding(-4), on: sql(server))
            rewritten["new_users"] = 5
            rewritten["new_users", "buyer"] = 5
            try await PlatformMetrics.store(rewritten, for: day.adding(-4), at: clock.now, on: sql(server))
            expected[day.adding(-4).key] = 5
            read = try await signups("after another writer's roll-up")
            XCTAssertEqual(read, expected)

            // Today's figures are shared for a second, then counted again.
            try await user(createdAt: clock.now.addingTimeInterval(-60))
            read = try await signups("within the second")
            XCTAssertEqual(read[day.key], 1)
            clock.advance(by: 1.5)
            expected[day.key] = 2
            read = try await signups("after the second")
            XCTAssertEqual(read, expected)

            // Midnight passes: the 7 days move on, and the day just ended is counted live until rolled up.
            clock.advance(by: 3 * 3600)
            admin = try await signIn(server, "admin@example.com")
            try await user(createdAt: clock.now.addingTimeInterval(-600))
            expected = [day.adding(-4).key: 5, day.adding(-3).key: 2, day.key: 2, day.adding(1).key: 1]
            read = try await signups("the next day")
            XCTAssertEqual(read, expected, "the first day left the period")
            try await user(createdAt: at(0, hour: 23))
            clock.advance(by: 2)
            expected[day.key] = 3
            read = try await signups("the ended day, live")
            XCTAssertEqual(read, expected)
            try await PlatformMetricsRollup(app: server.app).run([day])
            read = try await signups("the ended day rolled up")
            XCTAssertEqual(read, expected)
            let generation = try await PlatformMetrics.rollupState(on: sql(server)).generation
            XCTAssertEqual(generation, 6 + 1 + 1 + 1, "one per day written")
        }
    }

    func testADayOfStoredFiguresIsReadBackFromItsOneString() {
        let day = PlatformMetrics.parseDay("new_users|all|3;plan_revenue_pence|6127CB6A-C3FF-408C-AB46-62F30160A700|-5;users_total|buyer|120034")
        XCTAssertEqual(day.values, [
            DayMetrics.Key("new_users"): 3,
            DayMetrics.Key("plan_revenue_pence", "6127CB6A-C3FF-408C-AB46-62F30160A700"): -5,
            DayMetrics.Key("users_total", "buyer"): 120_034,
        ])
        XCTAssertEqual(PlatformMetrics.parseDay("").values, [:])
    }

    func testDayKeysAreTheCalendarsDatesAcrossLeapYearsAndCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for number in stride(from: -800, to: 120_000, by: 7) + [0, 59, 60, 11_016, 11_017, 20_513, 47_540] {
            let c = calendar.dateComponents([.year, .month, .day], from: UTCDay(number: number).start)
            XCTAssertEqual(UTCDay(number: number).key, String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), "day \(number)")
            XCTAssertEqual(UTCDay(key: UTCDay(number: number).key)?.number, number)
        }
    }
}
