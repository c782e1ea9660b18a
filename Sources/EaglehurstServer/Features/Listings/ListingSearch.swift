import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Browse and full-text search over published listings: FTS5 on SQLite, tsvector on PostgreSQL,
/// behind one query type.
struct ListingSearch {
    struct Filters: Equatable {
        var text: String?
        var businessTypes: [String] = []
        var region: String?
        var minPrice: Int64?
        var maxPrice: Int64?
        var minRevenue: Int64?
        var maxRevenue: Int64?
        var sort: Components.Schemas.ListingSort?

        func validate() throws {
            var errors: [String: [String]] = [:]
            if let min = minPrice, let max = maxPrice, min > max { errors["min_price"] = ["must not be more than max_price"] }
            if let min = minRevenue, let max = maxRevenue, min > max { errors["min_revenue"] = ["must not be more than max_revenue"] }
            for (name, value) in [("min_price", minPrice), ("max_price", maxPrice), ("min_revenue", minRevenue), ("max_revenue", maxRevenue)] {
                if let value, value < 0 { errors[name] = ["must be 0 or more"] }
            }
            if let text, text.count > 200 { errors["q"] = ["must be at most 200 characters"] }
            guard errors.isEmpty else { throw Problem.validation(errors) }
        }

        var logDescription: String {
            var parts: [String: String] = [:]
            if !businessTypes.isEmpty { parts["business_type"] = businessTypes.joined(separator: ",") }
            if let region { parts["region"] = region }
            if let minPrice { parts["min_price"] = String(minPrice) }
            if let maxPrice { parts["max_price"] = String(maxPrice) }
            if let minRevenue { parts["min_revenue"] = String(minRevenue) }
            if let maxRevenue { parts["max_revenue"] = String(maxRevenue) }
            if let sort { parts["sort"] = sort.rawValue }
            let data = (try? JSONSerialization.data(withJSONObject: parts, options: [.sortedKeys])) ?? Data("{}".utf8)
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// Counting every match of a broad search costs more than the page itself, so `total` stops here
    /// and `total_capped` says so.
    static let totalCap = 1000

    let sql: any SQLDatabase

    var isSQLite: Bool { sql.dialect.name == "sqlite" }

    func search(_ filters: Filters, page: PageRequest) async throws -> (ids: [UUID], total: Int, capped: Bool) {
        var from: SQLQueryString = "FROM listings l JOIN users u ON u.id = l.seller_id"
        var conditions: [SQLQueryString] = ["l.status = 'published'", "u.is_suspended = \(bind: false)"]
        var rank: SQLQueryString?
        if let text = filters.text {
            if isSQLite, let match = ListingRules.ftsQuery(text) {
                from += " JOIN listings_fts ON listings_fts.rowid = l.rowid"
                conditions.append("listings_fts MATCH \(bind: match)")
                rank = "bm25(listings_fts, 10.0, 1.0, 5.0)"
            } else if !isSQLite, let query = ListingRules.tsQuery(text) {
                conditions.append("l.search @@ to_tsquery('english', \(bind: query))")
                rank = "-ts_rank_cd(l.search, to_tsquery('english', \(bind: query)))"
            }
        }
        if !filters.businessTypes.isEmpty {
            conditions.append("l.business_type IN (\(binds: filters.businessTypes))")
        }
        if let region = filters.region { conditions.append("LOWER(l.region) = \(bind: region.lowercased())") }
        if let v = filters.minPrice { conditions.append("l.asking_price >= \(bind: v)") }
        if let v = filters.maxPrice { conditions.append("l.asking_price <= \(bind: v)") }
        if let v = filters.minRevenue { conditions.append("l.annual_revenue >= \(bind: v)") }
        if let v = filters.maxRevenue { conditions.append("l.annual_revenue <= \(bind: v)") }
        let whereClause: SQLQueryString = " WHERE " + conditions.joined(separator: " AND ")

        let order: SQLQueryString
        switch filters.sort ?? (rank != nil ? .relevance : .newest) {
        case .relevance: order = rank.map { " ORDER BY " + $0 + ", l.published_at DESC, l.id" } ?? " ORDER BY l.published_at DESC, l.id"
        case .newest: order = " ORDER BY l.published_at DESC, l.id"
        case .priceAsc: order = " ORDER BY l.asking_price ASC, l.id"
        case .priceDesc: order = " ORDER BY l.asking_price DESC, l.id"
        }

        let idQuery: SQLQueryString = "SELECT l.id AS id " + from + whereClause + order
            + " LIMIT \(literal: page.perPage) OFFSET \(literal: page.offset)"
        let ids = try await sql.raw(idQuery).all().map { try $0.decode(column: "id", as: UUID.self) }
        let countQuery: SQLQueryString = "SELECT COUNT(*) AS n FROM (SELECT 1 " + from + whereClause
            + " LIMIT \(literal: Self.totalCap + 1)) AS capped"
        let counted = try await sql.raw(countQuery).first()?.decode(column: "n", as: Int.self) ?? 0
        return (ids, min(counted, Self.totalCap), counted > Self.totalCap)
    }
}

extension ListingsService {
    func browse(_ filters: ListingSearch.Filters, page: PageRequest, viewer: User?) async throws -> Components.Schemas.ListingPage {
        try filters.validate()
        let result = try await ListingSearch(sql: sql).search(filters, page: page)
        let listings = try await Listing.query(on: db).filter(\.$id ~~ result.ids).all()
        let byID = Dictionary(uniqueKeysWithValues: try listings.map { (try $0.requireID(), $0) })
        var savedIDs: Set<UUID> = []
        if let viewer, viewer.userType == .buyer, !result.ids.isEmpty {
            savedIDs = Set(try await SavedListing.query(on: db).filter(\.$buyer.$id == viewer.requireID())
                .filter(\.$listing.$id ~~ result.ids).all(\.$listing.$id))
        }
        let items = try result.ids.compactMap { id in
            try byID[id]?.toSummary(isSaved: viewer?.userType == .buyer ? savedIDs.contains(id) : nil)
        }
        if filters.text != nil || !filters.businessTypes.isEmpty || filters.region != nil
            || filters.minPrice != nil || filters.maxPrice != nil || filters.minRevenue != nil || filters.maxRevenue != nil {
            app.searchLog.record(.init(
                userID: viewer?.id, text: filters.text, filters: filters.logDescription,
                resultsCount: result.total, at: now))
        }
        return .init(items: items, page: page.page, perPage: page.perPage, total: result.total,
                     totalCapped: result.capped ? true : nil)
    }
}
