import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// A signed-in user's own figures: a seller's listings and what buyers did with them, a buyer's
/// searches, views, saves and requests, both sides' connections, and a seller's sales and spend.
/// Every query is scoped to the user's id, so nobody reads another user's figures.
struct AnalyticsService {
    let app: Application
    let db: any Database
    let user: User

    var sql: any SQLDatabase { db.sql }
    var now: Date { app.serverEnvironment.now() }

    // MARK: dashboard

    func dashboard(_ period: AnalyticsPeriod) async throws -> Components.Schemas.UserDashboard {
        let id = try user.requireID()
        let unreadNotifications = try await AnalyticsSQL.count(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = \(bind: id) AND is_read = \(bind: false)", on: sql)
        let unreadMessages = try await AnalyticsSQL.count("""
            SELECT COUNT(*) AS n FROM messages m
            JOIN connections c ON c.id = m.connection_id
            LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = \(bind: id)
            WHERE (c.buyer_id = \(bind: id) OR c.seller_id = \(bind: id)) AND m.sender_id <> \(bind: id) AND r.id IS NULL
            """, on: sql)
        var dashboard = Components.Schemas.UserDashboard(
            userType: .init(rawValue: user.userType.rawValue)!, periodStart: period.start, periodEnd: period.now,
            unreadNotifications: unreadNotifications, unreadMessages: unreadMessages,
            connectionsByStatus: try await connectionsByStatus(since: nil))
        switch user.userType {
        case .seller:
            dashboard.listingsByStatus = try await listingsByStatus()
            let views = try await sellerViewsByDay(period)
            dashboard.viewsByDay = period.series(views)
            dashboard.listingViews = views.values.reduce(0, +)
            dashboard.savesReceived = try await AnalyticsSQL.count("""
                SELECT COUNT(*) AS n FROM saved_listings s JOIN listings l ON l.id = s.listing_id
                WHERE l.seller_id = \(bind: id) AND s.created_at >= \(bind: period.start)
                """, on: sql)
            let requests = try await AnalyticsSQL.countsByDay("connections", "created_at", where: "seller_id = \(bind: id)", in: period, on: sql)
            dashboard.requestsByDay = period.series(requests)
            dashboard.connectionRequestsReceived = requests.values.reduce(0, +)
            let answers = try await answers(side: "seller_id", period)
            dashboard.connectionsAccepted = answers.accepted
            dashboard.acceptanceRatePercent = AnalyticsSQL.percent(answers.accepted, of: answers.accepted + answers.rejected)
        case .buyer:
            dashboard.savedListings = try await AnalyticsSQL.count("SELECT COUNT(*) AS n FROM saved_listings WHERE buyer_id = \(bind: id)", on: sql)
            dashboard.searches = try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM search_queries WHERE user_id = \(bind: id) AND searched_at >= \(bind: period.start)", on: sql)
            let views = try await buyerViewsByDay(period)
            dashboard.viewsByDay = period.series(views)
            dashboard.listingsViewed = views.values.reduce(0, +)
            let requests = try await AnalyticsSQL.countsByDay("connections", "created_at", where: "buyer_id = \(bind: id)", in: period, on: sql)
            dashboard.requestsByDay = period.series(requests)
            dashboard.connectionRequestsSent = requests.values.reduce(0, +)
            let answers = try await answers(side: "buyer_id", period)
            dashboard.connectionsAccepted = answers.accepted
            dashboard.acceptanceRatePercent = AnalyticsSQL.percent(answers.accepted, of: answers.accepted + answers.rejected)
            let usage = try await SubscriptionService(app: app, db: db).usage(of: user)
            dashboard.connectionsUsed = usage.connectionsUsed
            dashboard.connectionsLimit = usage.connectionsLimit
        case .admin:
            break
        }
        return dashboard
    }

    // MARK: seller

    func sellerListings(_ period: AnalyticsPeriod, page: PageRequest) async throws -> Components.Schemas.ListingPerformancePage {
        let id = try user.requireID()
        let listings = try await Listing.query(on: db).filter(\.$seller.$id == id).all()
        var views: [UUID: [String: Int]] = [:]
        for row in try await sql.raw("""
            SELECT v.listing_id AS listing, v.view_date AS day, COUNT(*) AS n FROM listing_views v JOIN listings l ON l.id = v.listing_id
            WHERE l.seller_id = \(bind: id) AND v.view_date >= \(bind: period.first.key)
            GROUP BY v.listing_id, v.view_date
            """).all() {
            views[try row.decode(column: "listing", as: UUID.self), default: [:]][try row.decode(column: "day", as: String.self)] =
                try row.decode(column: "n", as: Int.self)
        }
        let unique = try await perListing("""
            SELECT v.listing_id AS listing, COUNT(DISTINCT v.viewer_key) AS n FROM listing_views v JOIN listings l ON l.id = v.listing_id
            WHERE l.seller_id = \(bind: id) AND v.view_date >= \(bind: period.first.key) GROUP BY v.listing_id
            """)
        let saves = try await perListing("""
            SELECT s.listing_id AS listing, COUNT(*) AS n FROM saved_listings s JOIN listings l ON l.id = s.listing_id
            WHERE l.seller_id = \(bind: id) AND s.created_at >= \(bind: period.start) GROUP BY s.listing_id
            """)
        let requests = try await perListing("""
            SELECT listing_id AS listing, COUNT(*) AS n FROM connections
            WHERE seller_id = \(bind: id) AND created_at >= \(bind: period.start) GROUP BY listing_id
            """)
        let accepted = try await perListing("""
            SELECT listing_id AS listing, COUNT(*) AS n FROM connections
            WHERE seller_id = \(bind: id) AND created_at >= \(bind: period.start) AND status = 'accepted' GROUP BY listing_id
            """)
        let rows = try listings.map { listing -> Components.Schemas.ListingPerformance in
            let listingID = try listing.requireID()
            let series = period.series(views[listingID] ?? [:])
            return .init(
                listingId: listingID, title: listing.title, status: .init(rawValue: listing.status.rawValue)!,
                views: series.reduce(0) { $0 + $1.count }, uniqueViewers: unique[listingID] ?? 0, saves: saves[listingID] ?? 0,
                connectionRequests: requests[listingID] ?? 0, acceptedConnections: accepted[listingID] ?? 0,
                publishedAt: listing.publishedAt, viewsByDay: series)
        }.sorted { a, b in
            a.views != b.views ? a.views > b.views : (a.title, a.listingId.uuidString) < (b.title, b.listingId.uuidString)
        }
        let pageRows = Array(rows.dropFirst(page.offset).prefix(page.perPage))
        return .init(items: pageRows, page: page.page, perPage: page.perPage, total: rows.count)
    }

    func revenue(_ period: AnalyticsPeriod) async throws -> Components.Schemas.SellerRevenueAnalytics {
        let id = try user.requireID()
        // A listing has no sold date of its own: marked sold in the period means its last change was then.
        let sold = try await sql.raw("""
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(asking_price), 0) AS BIGINT) AS total FROM listings
            WHERE seller_id = \(bind: id) AND status = 'sold' AND updated_at >= \(bind: period.start)
            """).first()
        let published = try await sql.raw("""
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(asking_price), 0) AS BIGINT) AS total FROM listings
            WHERE seller_id = \(bind: id) AND status = 'published'
            """).first()
        let publishedCount = try published?.decode(column: "n", as: Int.self) ?? 0
        let publishedValue = try published?.decode(column: "total", as: Int64.self) ?? 0
        let spend = try await AnalyticsSQL.sum("""
            SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) AS n FROM payments
            WHERE user_id = \(bind: id) AND status = 'succeeded' AND paid_at >= \(bind: period.start)
            """, on: sql)
        return .init(
            periodStart: period.start, periodEnd: period.now,
            listingsSold: try sold?.decode(column: "n", as: Int.self) ?? 0, soldValue: try sold?.decode(column: "total", as: Int64.self) ?? 0,
            publishedListings: publishedCount, publishedValue: publishedValue,
            averageAskingPrice: publishedCount > 0 ? publishedValue / Int64(publishedCount) : nil,
            subscriptionSpendPence: spend, currency: "GBP")
    }

    // MARK: buyer

    func buyerActivity(_ period: AnalyticsPeriod) async throws -> Components.Schemas.BuyerActivity {
        let id = try user.requireID()
        let views = try await buyerViewsByDay(period)
        let recent = try await sql.raw("""
            SELECT query_text, filters, results_count, searched_at FROM search_queries
            WHERE user_id = \(bind: id) AND searched_at >= \(bind: period.start)
            ORDER BY searched_at DESC LIMIT 10
            """).all().map { row -> Components.Schemas.SearchSummary in
                .init(
                    queryText: try row.decode(column: "query_text", as: String?.self) ?? row.decode(column: "filters", as: String.self),
                    resultsCount: try row.decode(column: "results_count", as: Int.self),
                    searchedAt: try row.decode(column: "searched_at", as: Date.self))
            }
        return .init(
            periodStart: period.start, periodEnd: period.now,
            listingsViewed: views.values.reduce(0, +),
            searches: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM search_queries WHERE user_id = \(bind: id) AND searched_at >= \(bind: period.start)", on: sql),
            savedListings: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM saved_listings WHERE buyer_id = \(bind: id) AND created_at >= \(bind: period.start)", on: sql),
            connectionRequestsSent: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM connections WHERE buyer_id = \(bind: id) AND created_at >= \(bind: period.start)", on: sql),
            connectionsAccepted: try await answers(side: "buyer_id", period).accepted,
            messagesSent: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM messages WHERE sender_id = \(bind: id) AND created_at >= \(bind: period.start)", on: sql),
            recentSearches: recent, viewsByDay: period.series(views))
    }

    // MARK: connections

    func connections(_ period: AnalyticsPeriod) async throws -> Components.Schemas.ConnectionAnalytics {
        let id = try user.requireID()
        let requests = try await AnalyticsSQL.countsByDay(
            "connections", "created_at", where: "(buyer_id = \(bind: id) OR seller_id = \(bind: id))", in: period, on: sql)
        let messages = try await sql.raw("""
            SELECT COALESCE(SUM(CASE WHEN m.sender_id = \(bind: id) THEN 1 ELSE 0 END), 0) AS sent,
                   COALESCE(SUM(CASE WHEN m.sender_id <> \(bind: id) THEN 1 ELSE 0 END), 0) AS received
            FROM messages m JOIN connections c ON c.id = m.connection_id
            WHERE (c.buyer_id = \(bind: id) OR c.seller_id = \(bind: id)) AND m.created_at >= \(bind: period.start)
            """).first()
        // Seconds from request to answer of the requests answered in the period: the seller's own, or a buyer's sellers'.
        let side = user.userType == .seller ? "seller_id" : "buyer_id"
        let waits = try await sql.raw("""
            SELECT created_at, responded_at FROM connections
            WHERE \(unsafeRaw: side) = \(bind: id) AND responded_at >= \(bind: period.start) AND status IN ('accepted', 'rejected')
            """).all().compactMap { row -> Double? in
                guard let asked = try row.decode(column: "created_at", as: Date?.self),
                      let answered = try row.decode(column: "responded_at", as: Date?.self) else { return nil }
                return max(0, answered.timeIntervalSince(asked))
            }.sorted()
        var median: Int?
        if !waits.isEmpty {
            let middle = waits.count / 2
            let seconds = waits.count % 2 == 1 ? waits[middle] : (waits[middle - 1] + waits[middle]) / 2
            median = Int((seconds / 60).rounded())
        }
        return .init(
            periodStart: period.start, periodEnd: period.now,
            byStatus: try await connectionsByStatus(since: period.start),
            requestsSent: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM connections WHERE buyer_id = \(bind: id) AND created_at >= \(bind: period.start)", on: sql),
            requestsReceived: try await AnalyticsSQL.count(
                "SELECT COUNT(*) AS n FROM connections WHERE seller_id = \(bind: id) AND created_at >= \(bind: period.start)", on: sql),
            messagesSent: try messages?.decode(column: "sent", as: Int.self) ?? 0,
            messagesReceived: try messages?.decode(column: "received", as: Int.self) ?? 0,
            medianResponseMinutes: median, requestsByDay: period.series(requests))
    }

    // MARK: shared

    func connectionsByStatus(since start: Date?) async throws -> Components.Schemas.ConnectionStatusCounts {
        let id = try user.requireID()
        var counts: [String: Int] = [:]
        let rows = try await sql.raw("""
            SELECT status, COUNT(*) AS n FROM connections
            WHERE (buyer_id = \(bind: id) OR seller_id = \(bind: id)) AND created_at >= \(bind: start ?? Date(timeIntervalSince1970: 0))
            GROUP BY status
            """).all()
        for row in rows { counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return .init(pending: counts["pending"] ?? 0, accepted: counts["accepted"] ?? 0, rejected: counts["rejected"] ?? 0, blocked: counts["blocked"] ?? 0)
    }

    func listingsByStatus() async throws -> Components.Schemas.ListingStatusCounts {
        let id = try user.requireID()
        var c: [String: Int] = [:]
        for row in try await sql.raw("SELECT status, COUNT(*) AS n FROM listings WHERE seller_id = \(bind: id) GROUP BY status").all() {
            c[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return .init(
            draft: c["draft"] ?? 0, pendingApproval: c["pending_approval"] ?? 0, published: c["published"] ?? 0,
            rejected: c["rejected"] ?? 0, sold: c["sold"] ?? 0, archived: c["archived"] ?? 0)
    }

    /// Requests of the period (by creation) on the user's `side` that were accepted or rejected.
    func answers(side: String, _ period: AnalyticsPeriod) async throws -> (accepted: Int, rejected: Int) {
        let id = try user.requireID()
        let row = try await sql.raw("""
            SELECT COALESCE(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0) AS accepted,
                   COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0) AS rejected
            FROM connections WHERE \(unsafeRaw: side) = \(bind: id) AND created_at >= \(bind: period.start)
            """).first()
        return (try row?.decode(column: "accepted", as: Int.self) ?? 0, try row?.decode(column: "rejected", as: Int.self) ?? 0)
    }

    func sellerViewsByDay(_ period: AnalyticsPeriod) async throws -> [String: Int] {
        let id = try user.requireID()
        return try await byDayKey("""
            SELECT v.view_date AS day, COUNT(*) AS n FROM listing_views v JOIN listings l ON l.id = v.listing_id
            WHERE l.seller_id = \(bind: id) AND v.view_date >= \(bind: period.first.key) GROUP BY v.view_date
            """)
    }

    func buyerViewsByDay(_ period: AnalyticsPeriod) async throws -> [String: Int] {
        let id = try user.requireID()
        return try await byDayKey("""
            SELECT view_date AS day, COUNT(*) AS n FROM listing_views
            WHERE viewer_id = \(bind: id) AND view_date >= \(bind: period.first.key) GROUP BY view_date
            """)
    }

    private func byDayKey(_ query: SQLQueryString) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await sql.raw(query).all() {
            counts[try row.decode(column: "day", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    private func perListing(_ query: SQLQueryString) async throws -> [UUID: Int] {
        var counts: [UUID: Int] = [:]
        for row in try await sql.raw(query).all() {
            counts[try row.decode(column: "listing", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }
}
