@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import SQLKit
import Vapor
import XCTest

/// `/api/v1/analytics` and the admin analytics on SQLite and PostgreSQL: figures computed from
/// events the test makes (through the API, or rows placed on past days), the daily roll-up,
/// the funnel under concurrency, access, `/metrics` and JSON logs.
final class AnalyticsTests: XCTestCase {
    var today: UTCDay { UTCDay(containing: Date()) }

    /// Noon of the day `daysAgo` days before today (UTC).
    func noon(_ daysAgo: Int) -> Date { today.adding(-daysAgo).start.addingTimeInterval(12 * 3600) }

    func get(_ server: TestServer, _ path: String, _ account: Account) async throws -> [String: Any] {
        let response = try await server.request(.GET, path, bearer: account.token)
        XCTAssertEqual(response.status, 200, "\(path): \(response.text)")
        return try response.json()
    }

    func flush(_ server: TestServer) async {
        await server.app.searchLog.flush()
        await server.app.analyticsLog.flush()
    }

    func sql(_ server: TestServer) -> any SQLDatabase { server.app.db.sql }

    func series(_ object: [String: Any], _ key: String, value: String = "count") throws -> [(String, Int)] {
        let points = try XCTUnwrap(object[key] as? [[String: Any]], "no \(key)")
        return points.map { ($0["date"] as? String ?? "?", $0[value] as? Int ?? -1) }
    }

    // MARK: a user's own figures

    func testSellerAndBuyerFiguresCountTheirEventsDayByDayWithZerosBetween() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let ann = try await account(server, .buyer, "ann@example.com")
            let bob = try await account(server, .buyer, "bob@example.com")
            let surgery = try await published(server, seller: seller, title: "Dental surgery in Leeds", type: "dental_practice")
            let pharmacy = try await published(server, seller: seller, title: "Pharmacy in York")

            // Today, through the API: three views (the seller's own view does not count), a save,
            // two requests of which one is accepted and one declined, two searches, two messages.
            for (buyer, listing) in [(ann, surgery), (bob, surgery), (bob, pharmacy), (seller, surgery)] {
                let view = try await server.request(.GET, "/listings/\(listing)", bearer: buyer.token)
                XCTAssertEqual(view.status, 200, view.text)
            }
            let saved = try await server.request(.POST, "/listings/\(surgery)/save", body: "{}", bearer: ann.token)
            XCTAssertEqual(saved.status, 201, saved.text)
            var connections: [String] = []
            for (buyer, listing) in [(ann, surgery), (bob, pharmacy)] {
                let asked = try await server.request(.POST, "/connections", body: json([
                    "listing_id": listing.uuidString, "message": "I would like to know more about this business.",
                ]), bearer: buyer.token)
                XCTAssertEqual(asked.status, 201, asked.text)
                connections.append(try XCTUnwrap(try asked.json()["id"] as? String))
            }
            for (id, accept) in [(connections[0], true), (connections[1], false)] {
                let answered = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": accept ? "accepted" : "rejected"]), bearer: seller.token)
                XCTAssertEqual(answered.status, 200, answered.text)
            }
            let sent = try await server.request(.POST, "/connections/\(connections[0])/messages", body: json(["content": "When can I visit?"]), bearer: ann.token)
            XCTAssertEqual(sent.status, 201, sent.text)
            for q in ["dental", "leeds"] {
                let search = try await server.request(.GET, "/listings?q=\(q)", bearer: ann.token)
                XCTAssertEqual(search.status, 200, search.text)
            }
            // Three days ago, placed directly: one more view of the surgery by a signed-out visitor.
            try await sql(server).raw("""
                INSERT INTO listing_views (id, listing_id, viewer_id, viewer_key, view_date, viewed_at)
                VALUES (\(bind: UUID()), \(bind: surgery), NULL, 'ip:10.0.0.9', \(bind: today.adding(-3).key), \(bind: noon(3)))
                """).run()
            await flush(server)

            let dashboard = try await get(server, "/analytics/dashboard?period=7d", seller)
            XCTAssertEqual(dashboard["user_type"] as? String, "seller")
            XCTAssertEqual(dashboard["listing_views"] as? Int, 4)
            XCTAssertEqual(dashboard["saves_received"] as? Int, 1)
            XCTAssertEqual(dashboard["connection_requests_received"] as? Int, 2)
            XCTAssertEqual(dashboard["connections_accepted"] as? Int, 1)
            XCTAssertEqual(dashboard["acceptance_rate_percent"] as? Int, 50)
            XCTAssertEqual((dashboard["listings_by_status"] as? [String: Any])?["published"] as? Int, 2)
            XCTAssertNil(dashboard["searches"], "buyer figures are absent for sellers")
            let views = try series(dashboard, "views_by_day")
            XCTAssertEqual(views.map(\.0), (0..<7).map { today.adding($0 - 6).key })
            XCTAssertEqual(views.map(\.1), [0, 0, 0, 1, 0, 0, 3])

            let listings = try await get(server, "/analytics/seller/listings?period=30d", seller)
            let rows = try XCTUnwrap(listings["items"] as? [[String: Any]])
            XCTAssertEqual(rows.map { $0["title"] as? String }, ["Dental surgery in Leeds", "Pharmacy in York"], "most viewed first")
            XCTAssertEqual(rows.map { $0["views"] as? Int }, [3, 1])
            XCTAssertEqual(rows.map { $0["unique_viewers"] as? Int }, [3, 1])
            XCTAssertEqual(rows.map { $0["saves"] as? Int }, [1, 0])
            XCTAssertEqual(rows.map { $0["connection_requests"] as? Int }, [1, 1])
            XCTAssertEqual(rows.map { $0["accepted_connections"] as? Int }, [1, 0])
            XCTAssertEqual(try series(rows[0], "views_by_day").count, 30)
            XCTAssertEqual(listings["total"] as? Int, 2)

            let activity = try await get(server, "/analytics/buyer/activity?period=7d", ann)
            XCTAssertEqual(activity["listings_viewed"] as? Int, 1)
            XCTAssertEqual(activity["searches"] as? Int, 2)
            XCTAssertEqual(activity["saved_listings"] as? Int, 1)
            XCTAssertEqual(activity["connection_requests_sent"] as? Int, 1)
            XCTAssertEqual(activity["connections_accepted"] as? Int, 1)
            XCTAssertEqual(activity["messages_sent"] as? Int, 2, "the request's first message and the one after")
            XCTAssertEqual((activity["recent_searches"] as? [[String: Any]])?.compactMap { $0["query_text"] as? String }, ["leeds", "dental"])
            XCTAssertEqual(try series(activity, "views_by_day").map(\.1), [0, 0, 0, 0, 0, 0, 1])

            let connectionFigures = try await get(server, "/analytics/connections?days=30", seller)
            XCTAssertEqual(connectionFigures["requests_received"] as? Int, 2)
            XCTAssertEqual(connectionFigures["requests_sent"] as? Int, 0)
            XCTAssertEqual(connectionFigures["messages_received"] as? Int, 3, "two requests' first messages and Ann's message")
            XCTAssertEqual(connectionFigures["median_response_minutes"] as? Int, 0)
            XCTAssertEqual((connectionFigures["by_status"] as? [String: Any])?["rejected"] as? Int, 1)
            XCTAssertEqual(try series(connectionFigures, "requests_by_day").last?.1, 2)

            let bobsDashboard = try await get(server, "/analytics/dashboard?period=30d", bob)
            XCTAssertEqual(bobsDashboard["listings_viewed"] as? Int, 2)
            XCTAssertEqual(bobsDashboard["connection_requests_sent"] as? Int, 1)
            XCTAssertEqual(bobsDashboard["acceptance_rate_percent"] as? Int, 0)
            XCTAssertNil(bobsDashboard["listing_views"], "seller figures are absent for buyers")

            // The funnel and the activity log saw the same flows.
            let steps = try await sql(server).raw("""
                SELECT step_name FROM conversion_funnel WHERE user_id = \(bind: ann.id) ORDER BY step_name
                """).all().map { try $0.decode(column: "step_name", as: String.self) }
            XCTAssertEqual(steps, ["accepted", "email_verified", "first_request", "first_save", "first_search", "registered"])
            let activities = try await sql(server).raw("""
                SELECT activity_type, COUNT(*) AS n FROM user_activities WHERE user_id = \(bind: ann.id) GROUP BY activity_type
                """).all().reduce(into: [String: Int]()) { $0[try $1.decode(column: "activity_type", as: String.self)] = try $1.decode(column: "n", as: Int.self) }
            XCTAssertEqual(activities, ["sign_in": 1, "listing_view": 1, "save": 1, "connection_request": 1, "message": 1, "search": 2])
            let profileViews = try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM profile_views WHERE profile_id = \(bind: seller.id)", on: sql(server))
            XCTAssertEqual(profileViews, 4, "Ann and Bob through a listing, each once a day; Ann and Bob through their connection")
        }
    }

    func testEachUserSeesOnlyTheirOwnFiguresAndAdminFiguresAreForAdmins() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let other = try await account(server, .seller, "other@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let listing = try await published(server, seller: seller, title: "Optician in Bath", type: "optician")
            _ = try await server.request(.GET, "/listings/\(listing)", bearer: buyer.token)
            await flush(server)

            let othersDashboard = try await get(server, "/analytics/dashboard", other)
            XCTAssertEqual(othersDashboard["listing_views"] as? Int, 0, "another seller's views are not theirs")
            let othersListings = try await get(server, "/analytics/seller/listings", other)
            XCTAssertEqual(othersListings["total"] as? Int, 0)
            let foreign = try await server.request(.GET, "/listings/\(listing)/analytics", bearer: other.token)
            XCTAssertEqual(foreign.status, 403)
            let own = try await get(server, "/listings/\(listing)/analytics?period=7d", seller)
            XCTAssertEqual(own["total_views"] as? Int, 1)

            for (path, who) in [
                ("/analytics/seller/listings", buyer), ("/analytics/revenue", buyer), ("/analytics/buyer/activity", seller),
                ("/admin/dashboard", buyer), ("/admin/dashboard", seller), ("/admin/analytics/platform", seller),
                ("/admin/analytics/revenue", buyer), ("/admin/analytics/users", seller), ("/admin/system/health", buyer),
            ] {
                let refused = try await server.request(.GET, path, bearer: who.token)
                XCTAssertEqual(refused.status, 403, "\(path): \(refused.text)")
            }
            for path in ["/analytics/dashboard", "/admin/dashboard", "/admin/system/health"] {
                let anonymous = try await server.request(.GET, path)
                XCTAssertEqual(anonymous.status, 401, path)
            }
            for bad in ["period=1y", "period=", "days=0", "days=366"] {
                let refused = try await server.request(.GET, "/analytics/dashboard?\(bad)", bearer: seller.token)
                XCTAssertEqual(refused.status, 422, "\(bad): \(refused.text)")
                XCTAssertEqual(refused.headers.first(name: .contentType), "application/problem+json")
            }
            let year = try await get(server, "/analytics/dashboard?period=12m&days=3", seller)
            XCTAssertEqual(try series(year, "views_by_day").count, 365, "period wins over days")
        }
    }

    // MARK: admin figures and the roll-up

    /// A payment placed directly, as the subscriptions feature writes them.
    func payment(_ server: TestServer, user: UUID, pence: Int64, status: String, at: Date) async throws {
        let plan = try await sql(server).raw("SELECT id FROM subscriptions WHERE code = 'seller_premium'").first()!.decode(column: "id", as: UUID.self)
        try await sql(server).raw("""
            INSERT INTO payments (id, user_id, plan_id, kind, billing_cycle, net_pence, vat_pence, vat_rate_percent, amount_pence,
                                  currency, status, gateway, claim_key, description, created_at, paid_at)
            VALUES (\(bind: UUID()), \(bind: user), \(bind: plan), 'renewal', 'monthly', \(bind: pence), 0, 0, \(bind: pence),
                    'GBP', \(bind: status), 'local', \(bind: UUID().uuidString), 'test', \(bind: at), \(bind: status == "failed" ? nil : at))
            """).run()
    }

    func metricRows(_ server: TestServer) async throws -> [String] {
        try await sql(server).raw("SELECT id, metric_date, metric_name, category, value FROM platform_metrics").all().map {
            "\(try $0.decode(column: "id", as: UUID.self)) \(try $0.decode(column: "metric_date", as: String.self)) "
                + "\(try $0.decode(column: "metric_name", as: String.self))/\(try $0.decode(column: "category", as: String.self)) "
                + "\(try $0.decode(column: "value", as: Int64.self))"
        }.sorted()
    }

    func testAdminFiguresReadTheRollUpsPlusTodayAndTheRollUpRunTwiceLeavesTheSameRows() async throws {
        try await forEachDatabase { server in
            let admin = try await account(server, .admin, "admin@example.com")
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            // Two buyers who joined two days ago, a seller five days ago, one 40 days ago.
            for (email, kind, daysAgo) in [("b1@example.com", User.Kind.buyer, 2), ("b2@example.com", .buyer, 2), ("s1@example.com", .seller, 5), ("old@example.com", .buyer, 40)] {
                _ = try await AccountBootstrap.createUser(on: server.app, email: email, password: "Passw0rdX", kind: kind, firstName: "A", lastName: "B")
                try await sql(server).raw("UPDATE users SET created_at = \(bind: noon(daysAgo)) WHERE email = \(bind: email)").run()
            }
            try await payment(server, user: seller.id, pence: 4_799, status: "succeeded", at: noon(1))
            try await payment(server, user: seller.id, pence: 11_988, status: "succeeded", at: noon(3))
            try await payment(server, user: seller.id, pence: 4_799, status: "refunded", at: noon(3))
            try await payment(server, user: seller.id, pence: 4_799, status: "failed", at: noon(3))
            try await payment(server, user: seller.id, pence: 2_000, status: "succeeded", at: noon(35))
            try await payment(server, user: seller.id, pence: 1_500, status: "succeeded", at: Date().addingTimeInterval(-60))
            let listing = try await published(server, seller: seller, title: "Clinic in Hull", type: "clinic", publishedAt: noon(2))
            _ = try await server.request(.GET, "/listings/\(listing)", bearer: buyer.token)
            await flush(server)

            // The roll-up of the last six ended days, twice: the same rows (ids included), whatever the order.
            let days = (1...6).map { today.adding(-$0) }
            try await PlatformMetricsRollup(app: server.app).run(days)
            let first = try await metricRows(server)
            XCTAssertEqual(Set(first.map { String($0.split(separator: " ")[1]) }), Set(days.map(\.key)))
            try await PlatformMetricsRollup(app: server.app).run(days.reversed())
            let second = try await metricRows(server)
            XCTAssertEqual(first, second)
            // Two servers rolling up at once leave the same rows too.
            async let one: [UTCDay] = PlatformMetricsRollup(app: server.app).run(days)
            async let two: [UTCDay] = PlatformMetricsRollup(app: server.app).run(days)
            _ = try await (one, two)
            let third = try await metricRows(server)
            XCTAssertEqual(third, first)
            XCTAssertTrue(first.contains { $0.hasSuffix("\(today.adding(-2).key) new_users/buyer 2") }, "\(first)")
            XCTAssertTrue(first.contains { $0.hasSuffix("\(today.adding(-3).key) revenue_pence/all 11988") })
            XCTAssertTrue(first.contains { $0.hasSuffix("\(today.adding(-3).key) refunded_pence/all 4799") })

            let platform = try await get(server, "/admin/analytics/platform?period=7d", admin)
            let daily = try XCTUnwrap(platform["daily"] as? [[String: Any]])
            XCTAssertEqual(daily.map { $0["date"] as? String }, (0..<7).map { today.adding($0 - 6).key })
            XCTAssertEqual(daily.map { $0["new_users"] as? Int }, [0, 1, 0, 0, 2, 0, 3], "today: the three accounts of the test")
            XCTAssertEqual(daily.map { $0["listings_published"] as? Int }, [0, 0, 0, 0, 1, 0, 0])
            XCTAssertEqual(daily.map { $0["listing_views"] as? Int }, [0, 0, 0, 0, 0, 0, 1])
            XCTAssertEqual(daily.map { $0["revenue_pence"] as? Int }, [0, 0, 0, 11_988, 0, 4_799, 1_500])
            XCTAssertEqual(platform["new_users"] as? Int, 6)
            XCTAssertEqual(platform["active_users"] as? Int, 3, "the three who signed in")
            XCTAssertEqual((platform["users_by_type"] as? [String: Any])?["buyer"] as? Int, 4)

            // Stored days are read, not recomputed: a user placed on a rolled-up day shows after the next roll-up.
            _ = try await AccountBootstrap.createUser(on: server.app, email: "late@example.com", password: "Passw0rdX", kind: .seller, firstName: "L", lastName: "S")
            try await sql(server).raw("UPDATE users SET created_at = \(bind: noon(4)) WHERE email = 'late@example.com'").run()
            await flush(server)
            let before = try await get(server, "/admin/analytics/users?period=7d", admin)
            XCTAssertEqual(try series(before, "daily_signups").map(\.1), [0, 1, 0, 0, 2, 0, 3])
            try await PlatformMetricsRollup(app: server.app).run(days)
            let users = try await get(server, "/admin/analytics/users?period=7d", admin)
            XCTAssertEqual(try series(users, "daily_signups").map(\.1), [0, 1, 1, 0, 2, 0, 3])
            XCTAssertEqual(users["new_users"] as? Int, 7)
            XCTAssertEqual((users["new_by_type"] as? [String: Any])?["seller"] as? Int, 3)
            XCTAssertEqual(users["total_users"] as? Int, 8)
            let funnel = try XCTUnwrap(users["funnel"] as? [[String: Any]])
            XCTAssertEqual(funnel.map { $0["step_name"] as? String }, ["registered", "email_verified", "first_search", "first_save", "first_request", "accepted", "subscribed"])
            XCTAssertEqual(funnel.first?["users"] as? Int, 7, "registered in the period: all but the one of 40 days ago")

            let revenue = try await get(server, "/admin/analytics/revenue?period=30d", admin)
            XCTAssertEqual(revenue["total_revenue_pence"] as? Int, 4_799 + 11_988 + 1_500)
            XCTAssertEqual(revenue["refunded_pence"] as? Int, 4_799)
            XCTAssertEqual(revenue["successful_payments"] as? Int, 4, "three succeeded and one refunded")
            XCTAssertEqual(revenue["failed_payments"] as? Int, 1)
            XCTAssertEqual(try series(revenue, "daily", value: "amount_pence").count, 30)

            let dashboard = try await get(server, "/admin/dashboard?period=7d", admin)
            XCTAssertEqual(dashboard["users_total"] as? Int, 8)
            XCTAssertEqual(dashboard["new_users_last_7_days"] as? Int, 7)
            XCTAssertEqual(dashboard["revenue_last_30_days_pence"] as? Int, 4_799 + 11_988 + 1_500)
            XCTAssertEqual(dashboard["revenue_previous_30_days_pence"] as? Int, 2_000)
            XCTAssertEqual((dashboard["listings_by_status"] as? [String: Any])?["published"] as? Int, 1)
            XCTAssertEqual((dashboard["today"] as? [String: Any])?["listing_views"] as? Int, 1)
            XCTAssertEqual(try series(dashboard, "new_users_by_day").map(\.1), [0, 1, 1, 0, 2, 0, 3])
        }
    }

    // MARK: funnel under concurrency

    func testAFunnelStepIsRecordedOncePerUserUnderAHundredConcurrentRequests() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            try await published(server, seller: seller, title: "Dental practice in Hove", type: "dental_practice")
            let token = buyer.token
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<100 {
                    group.addTask { try await server.request(.GET, "/listings?q=dental&page=\(index % 3 + 1)", bearer: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(answers, Array(repeating: 200, count: 100))
            await flush(server)
            let steps = try await AnalyticsSQL.count("""
                SELECT COUNT(*) AS n FROM conversion_funnel WHERE user_id = \(bind: buyer.id) AND step_name = 'first_search'
                """, on: sql(server))
            XCTAssertEqual(steps, 1)
            let searches = try await AnalyticsSQL.count("""
                SELECT COUNT(*) AS n FROM user_activities WHERE user_id = \(bind: buyer.id) AND activity_type = 'search'
                """, on: sql(server))
            XCTAssertEqual(searches, 100, "every search is an activity")

            // Several servers (one log each, nothing known in memory) recording the same step at once.
            let logs = (0..<4).map { _ in AnalyticsLog(database: { server.app.db(.searchLog) }, logger: server.app.logger) }
            let stamp = Date()
            for log in logs { for _ in 0..<25 { log.record(.funnel(userID: buyer.id, .firstSave, at: stamp)) } }
            await withTaskGroup(of: Void.self) { group in
                for log in logs { group.addTask { await log.flush() } }
            }
            let saves = try await AnalyticsSQL.count("""
                SELECT COUNT(*) AS n FROM conversion_funnel WHERE user_id = \(bind: buyer.id) AND step_name = 'first_save'
                """, on: sql(server))
            XCTAssertEqual(saves, 1)
        }
    }

    // MARK: operating it

    func testSystemHealthReportsTheDatabaseDiskMailAndUptime() async throws {
        try await forEachDatabase { server in
            let admin = try await account(server, .admin, "admin@example.com")
            await flush(server)
            let health = try await get(server, "/admin/system/health", admin)
            XCTAssertEqual(health["status"] as? String, "ok")
            XCTAssertEqual(health["database_reachable"] as? Bool, true)
            XCTAssertNotNil(health["database_latency_ms"] as? Double)
            XCTAssertGreaterThan(health["disk_free_bytes"] as? Int ?? 0, 0)
            XCTAssertEqual(health["mail_transport"] as? String, "outbox")
            XCTAssertEqual(health["mail_reachable"] as? Bool, true)
            XCTAssertEqual(health["mail_outbox_pending"] as? Int, 0)
            XCTAssertEqual(health["job_backlog"] as? Int, 0)
            XCTAssertEqual(health["version"] as? String, EaglehurstVersion.current)
            XCTAssertNotNil(health["uptime_seconds"] as? Int)
        }
    }

    func testAnSMTPServerThatDoesNotAnswerMakesHealthDegraded() async throws {
        // A port that was free a moment ago: nothing accepts there.
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = probe.localAddress!.port!
        try await probe.close()
        let server = try await TestServer.start { $0.smtpURL = URL(string: "smtp://127.0.0.1:\(port)") }
        do {
            let admin = try await account(server, .admin, "admin@example.com")
            let health = try await get(server, "/admin/system/health", admin)
            XCTAssertEqual(health["mail_transport"] as? String, "smtp")
            XCTAssertEqual(health["mail_reachable"] as? Bool, false)
            XCTAssertEqual(health["status"] as? String, "degraded")
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    func testMetricsCountRequestsByRouteAndStatusAndCanBeTurnedOff() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in Ely")
            for _ in 0..<3 { _ = try await server.request(.GET, "/listings/\(listing)") }
            _ = try await server.request(.GET, "/listings/\(UUID())")
            _ = try await server.request(.GET, "/listings?q=pharmacy")
            await flush(server)
            let scrape = try await server.request(.GET, "//metrics")
            XCTAssertEqual(scrape.status, 200)
            XCTAssertTrue(scrape.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") ?? false)
            let text = scrape.text
            XCTAssertTrue(text.contains(#"eaglehurst_http_requests_total{route="/api/v1/listings/:listing_id",method="GET",status="200"} 3"#), text)
            XCTAssertTrue(text.contains(#"eaglehurst_http_requests_total{route="/api/v1/listings/:listing_id",method="GET",status="404"} 1"#), text)
            XCTAssertTrue(text.contains(#"eaglehurst_http_request_duration_seconds_count{route="/api/v1/listings/:listing_id",method="GET",status="200"} 3"#), text)
            XCTAssertTrue(text.contains(#"eaglehurst_http_request_duration_seconds_bucket{route="/api/v1/listings/:listing_id",method="GET",status="200",le="+Inf"} 3"#), text)
            XCTAssertTrue(text.contains("eaglehurst_database_up 1"), text)
            XCTAssertTrue(text.contains("eaglehurst_search_index_listings 1"), text)
            XCTAssertTrue(text.contains("eaglehurst_job_backlog 0"), text)
        }
        let off = try await TestServer.start { $0.metricsEnabled = false }
        let answer = try await off.request(.GET, "//metrics")
        try await off.stop()
        XCTAssertEqual(answer.status, 404)
    }

    func testJSONLogsWriteOneObjectPerLineWithRequestRouteStatusAndDuration() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        let server = try await TestServer.start { $0.logFormat = .json }
        do {
            server.app.logger = Logger(label: "test") { JSONLogHandler(label: $0, level: .info) { line in lines.withLockedValue { $0.append(line) } } }
            let seller = try await account(server, .seller, "seller@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in Ely")
            let answer = try await server.request(.GET, "/listings/\(listing)", headers: ["X-Request-ID": "req-42"])
            XCTAssertEqual(answer.status, 200)
            let logged = lines.withLockedValue { $0 }
            let objects = try logged.map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], $0) }
            XCTAssertFalse(logged.contains { $0.contains("\n") })
            let line = try XCTUnwrap(objects.first { $0["request_id"] as? String == "req-42" }, "\(logged)")
            XCTAssertEqual(line["route"] as? String, "/api/v1/listings/:listing_id")
            XCTAssertEqual(line["path"] as? String, "/api/v1/listings/\(listing)")
            XCTAssertEqual(line["status"] as? Int, 200)
            XCTAssertNotNil(line["duration_ms"] as? Double)
            XCTAssertEqual(line["level"] as? String, "info")
            XCTAssertNotNil(line["time"] as? String)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
        XCTAssertEqual(try Settings.fromEnvironment(["EAGLEHURST_DATA_DIR": "/tmp/x", "LOG_FORMAT": "JSON"]).logFormat, .json)
        XCTAssertEqual(try Settings.fromEnvironment(["EAGLEHURST_DATA_DIR": "/tmp/x", "METRICS_ENABLED": "false"]).metricsEnabled, false)
        XCTAssertThrowsError(try Settings.fromEnvironment(["EAGLEHURST_DATA_DIR": "/tmp/x", "LOG_FORMAT": "xml"]))
    }
}
