import EaglehurstAPI
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Browse and full-text search over published listings.
///
/// Counting, filtering and ordering every match in SQL costs more than a page is worth on a large
/// catalogue (a broad word matches a third of it), so the published listings of sellers who are not
/// suspended live in memory as a compact index (`PublishedListings`), reloaded when the database's
/// search generation moves (see `CreateListingSearchGeneration`). The database still matches the
/// words (FTS5 on SQLite, tsvector on PostgreSQL) and ranks them; that answer is cached per query
/// and generation. The page's listings are then read from the database by id.
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

    /// `total` counts matches up to here and `total_capped` says when there are more.
    static let totalCap = 1000

    /// The application's database, for loading the index and word matches, which outlive a request.
    let loader: any SQLDatabase
    let index: SearchIndexCache

    /// One page of a search at `generation`, the search generation the request read (one cheap
    /// indexed read on every search, see `SearchIndexCache.generation(on:)`).
    func search(_ filters: Filters, page: PageRequest, generation: Int64) async throws -> (ids: [UUID], total: Int, capped: Bool) {
        let listings = try await index.published(at: generation, loadingWith: loader)
        var words: WordMatches?
        if let text = filters.text, let query = WordMatches.query(text, sqlite: listings.isSQLite) {
            words = try await index.matches(query, in: listings, loadingWith: loader)
        }
        return listings.page(filters, words: words, offset: page.offset, limit: page.perPage, cap: Self.totalCap)
    }
}

/// Published listings of sellers who are not suspended: the columns browse filters and sorts on,
/// one array per column, and each sort order as a permutation.
struct PublishedListings: Sendable {
    let generation: Int64
    let isSQLite: Bool
    let ids: [UUID]
    let publishedAt: [Double]
    let price: [Int64]
    let revenue: [Int64?]
    let type: [Int32]
    let region: [Int32]
    let typeCodes: [String: Int32]
    /// Keyed by the lower-cased region: the region filter ignores case.
    let regionCodes: [String: Int32]
    /// Listings of sellers on a plan with premium placement: first when sorted by newest or relevance.
    let premium: [Bool]
    /// Entries by listing id, and on SQLite by rowid (what FTS5 answers with).
    let entryByID: [UUID: Int32]
    let entryByRowID: [Int64: Int32]
    let newest: Ordering
    let priceAscending: Ordering
    let priceDescending: Ordering

    /// Entries in one sort order, and each entry's position in it.
    struct Ordering: Sendable {
        let entries: [Int32]
        let position: [Int32]

        init(_ entries: [Int32]) {
            var position = [Int32](repeating: 0, count: entries.count)
            for (index, entry) in entries.enumerated() { position[Int(entry)] = Int32(index) }
            self.entries = entries
            self.position = position
        }
    }

    var count: Int { ids.count }

    static func load(from sql: any SQLDatabase) async throws -> PublishedListings {
        let isSQLite = sql.dialect.name == "sqlite"
        // Read the generation first: changes made while loading move it again, so they are not missed.
        let generation = try await SearchIndexCache.generation(on: sql)
        let rowID: SQLQueryString = isSQLite ? "l.rowid" : "0"
        let rows = try await sql.raw("""
            SELECT l.id AS id, \(rowID) AS row_id, l.published_at AS published_at, l.asking_price AS asking_price,
                   l.annual_revenue AS annual_revenue, l.business_type AS business_type, l.region AS region,
                   EXISTS (SELECT 1 FROM user_subscriptions s JOIN subscriptions p ON p.id = s.subscription_id
                           WHERE s.user_id = l.seller_id AND s.status IN ('active', 'past_due')
                             AND p.premium_placement = \(bind: true)) AS premium
            FROM listings l JOIN users u ON u.id = l.seller_id
            WHERE l.status = 'published' AND u.is_suspended = \(bind: false)
            """).all()
        var ids: [UUID] = [], publishedAt: [Double] = [], price: [Int64] = [], revenue: [Int64?] = []
        var type: [Int32] = [], region: [Int32] = [], premium: [Bool] = []
        var typeCodes: [String: Int32] = [:], regionCodes: [String: Int32] = [:]
        var entryByID: [UUID: Int32] = [:], entryByRowID: [Int64: Int32] = [:]
        entryByID.reserveCapacity(rows.count)
        if isSQLite { entryByRowID.reserveCapacity(rows.count) }
        for row in rows {
            let entry = Int32(ids.count)
            let id = try row.decode(column: "id", as: UUID.self)
            ids.append(id)
            entryByID[id] = entry
            if isSQLite { entryByRowID[try row.decode(column: "row_id", as: Int64.self)] = entry }
            publishedAt.append(try row.decodeNil(column: "published_at")
                ? -.infinity : try row.decode(column: "published_at", as: Date.self).timeIntervalSince1970)
            price.append(try row.decode(column: "asking_price", as: Int64.self))
            premium.append(try row.decode(column: "premium", as: Bool.self))
            revenue.append(try row.decodeNil(column: "annual_revenue") ? nil : try row.decode(column: "annual_revenue", as: Int64.self))
            let typeName = try row.decode(column: "business_type", as: String.self)
            let regionName = try row.decode(column: "region", as: String.self).lowercased()
            type.append(typeCodes[typeName] ?? { typeCodes[typeName] = Int32(typeCodes.count); return Int32(typeCodes.count - 1) }())
            region.append(regionCodes[regionName] ?? { regionCodes[regionName] = Int32(regionCodes.count); return Int32(regionCodes.count - 1) }())
        }
        // Ties break on the id, as `ORDER BY …, l.id` did (upper-case UUID text and PostgreSQL's uuid order agree).
        let idText = ids.map(\.uuidString)
        let all = Array(0..<Int32(ids.count))
        let newest = all.sorted { a, b in
            if premium[Int(a)] != premium[Int(b)] { return premium[Int(a)] }
            let (x, y) = (publishedAt[Int(a)], publishedAt[Int(b)])
            return x != y ? x > y : idText[Int(a)] < idText[Int(b)]
        }
        let priceAscending = all.sorted { a, b in
            let (x, y) = (price[Int(a)], price[Int(b)])
            return x != y ? x < y : idText[Int(a)] < idText[Int(b)]
        }
        let priceDescending = all.sorted { a, b in
            let (x, y) = (price[Int(a)], price[Int(b)])
            return x != y ? x > y : idText[Int(a)] < idText[Int(b)]
        }
        return PublishedListings(
            generation: generation, isSQLite: isSQLite, ids: ids, publishedAt: publishedAt, price: price, revenue: revenue,
            type: type, region: region, typeCodes: typeCodes, regionCodes: regionCodes, premium: premium, entryByID: entryByID,
            entryByRowID: entryByRowID, newest: Ordering(newest), priceAscending: Ordering(priceAscending),
            priceDescending: Ordering(priceDescending))
    }

    /// One page in the asked order, and how many match (counted up to `cap + 1`).
    func page(_ filters: ListingSearch.Filters, words: WordMatches?, offset: Int, limit: Int, cap: Int) -> (ids: [UUID], total: Int, capped: Bool) {
        guard let keep = EntryFilter(filters, in: self) else { return ([], 0, false) }
        let order: [Int32]
        var needsWordCheck = false
        switch filters.sort ?? (words != nil ? .relevance : .newest) {
        case .relevance:
            order = words?.byRelevance ?? newest.entries
        case .newest: (order, needsWordCheck) = orderedMatches(newest, words: words)
        case .priceAsc: (order, needsWordCheck) = orderedMatches(priceAscending, words: words)
        case .priceDesc: (order, needsWordCheck) = orderedMatches(priceDescending, words: words)
        }
        let enough = max(cap + 1, offset + limit)
        var matched = 0
        var ids: [UUID] = []
        for entry in order {
            if needsWordCheck, let words, !words.contains(entry) { continue }
            guard keep.accepts(Int(entry), in: self) else { continue }
            if matched >= offset && matched < offset + limit { ids.append(self.ids[Int(entry)]) }
            matched += 1
            if matched >= enough { break }
        }
        return (ids, min(matched, cap), matched > cap)
    }

    /// A sort order restricted to the word matches: walk the whole order checking membership when
    /// the words are common, or sort the few matches by their place in the order when they are rare.
    private func orderedMatches(_ ordering: Ordering, words: WordMatches?) -> ([Int32], checkWords: Bool) {
        guard let words else { return (ordering.entries, false) }
        if words.byRelevance.count * 16 >= count { return (ordering.entries, true) }
        let position = ordering.position
        return (words.byRelevance.sorted { position[Int($0)] < position[Int($1)] }, false)
    }
}

/// The non-text filters, resolved against one index.
struct EntryFilter {
    let types: Set<Int32>?
    let region: Int32?
    let minPrice: Int64, maxPrice: Int64
    let minRevenue: Int64?, maxRevenue: Int64?

    /// nil when nothing can match (a business type or region that no published listing has).
    init?(_ filters: ListingSearch.Filters, in listings: PublishedListings) {
        if filters.businessTypes.isEmpty {
            types = nil
        } else {
            let codes = Set(filters.businessTypes.compactMap { listings.typeCodes[$0] })
            guard !codes.isEmpty else { return nil }
            types = codes
        }
        if let name = filters.region {
            guard let code = listings.regionCodes[name.lowercased()] else { return nil }
            region = code
        } else {
            region = nil
        }
        minPrice = filters.minPrice ?? .min
        maxPrice = filters.maxPrice ?? .max
        minRevenue = filters.minRevenue
        maxRevenue = filters.maxRevenue
    }

    @inline(__always)
    func accepts(_ entry: Int, in listings: PublishedListings) -> Bool {
        if let region, listings.region[entry] != region { return false }
        if let types, !types.contains(listings.type[entry]) { return false }
        let price = listings.price[entry]
        if price < minPrice || price > maxPrice { return false }
        if minRevenue != nil || maxRevenue != nil {
            // A listing without a revenue never matches a revenue filter, as in SQL.
            guard let revenue = listings.revenue[entry] else { return false }
            if let minRevenue, revenue < minRevenue { return false }
            if let maxRevenue, revenue > maxRevenue { return false }
        }
        return true
    }
}

/// The published listings that match a text query, most relevant first, as the database ranks them:
/// bm25 over title, description and location weighted 10, 1, 5 (FTS5), or ts_rank_cd over the
/// weighted tsvector (PostgreSQL); ties go to the newer listing.
struct WordMatches: Sendable {
    let byRelevance: [Int32]
    private let members: [UInt64]

    /// The engine's query for free text, also the cache key; nil when the text has no words.
    static func query(_ text: String, sqlite: Bool) -> String? {
        sqlite ? ListingRules.ftsQuery(text) : ListingRules.tsQuery(text)
    }

    func contains(_ entry: Int32) -> Bool {
        members[Int(entry) >> 6] & (1 << UInt64(Int(entry) & 63)) != 0
    }

    static func load(_ query: String, in listings: PublishedListings, from sql: any SQLDatabase) async throws -> WordMatches {
        var ranked: [(entry: Int32, rank: Double)] = []
        if listings.isSQLite {
            let rows = try await sql.raw("""
                SELECT rowid AS row_id, bm25(listings_fts, 10.0, 1.0, 5.0) AS rank
                FROM listings_fts WHERE listings_fts MATCH \(bind: query)
                """).all()
            ranked.reserveCapacity(rows.count)
            for row in rows {
                guard let entry = listings.entryByRowID[try row.decode(column: "row_id", as: Int64.self)] else { continue }
                ranked.append((entry, try row.decode(column: "rank", as: Double.self)))
            }
        } else {
            let rows = try await sql.raw("""
                SELECT id, -ts_rank_cd(search, to_tsquery('english', \(bind: query)))::float8 AS rank
                FROM listings WHERE status = 'published' AND search @@ to_tsquery('english', \(bind: query))
                """).all()
            ranked.reserveCapacity(rows.count)
            for row in rows {
                guard let entry = listings.entryByID[try row.decode(column: "id", as: UUID.self)] else { continue }
                ranked.append((entry, try row.decode(column: "rank", as: Double.self)))
            }
        }
        let newest = listings.newest.position
        let premium = listings.premium
        ranked.sort { a, b in
            if premium[Int(a.entry)] != premium[Int(b.entry)] { return premium[Int(a.entry)] }
            return a.rank != b.rank ? a.rank < b.rank : newest[Int(a.entry)] < newest[Int(b.entry)]
        }
        var members = [UInt64](repeating: 0, count: (listings.count + 63) / 64)
        for match in ranked { members[Int(match.entry) >> 6] |= 1 << UInt64(Int(match.entry) & 63) }
        return WordMatches(byRelevance: ranked.map(\.entry), members: members)
    }
}

/// The application's search index and word-match cache. Every search reads the generation (one
/// indexed single-row read, shared by the searches that arrive together: `SearchGenerationReader`); when it has moved, one request reloads the index while the others wait
/// for it, so nobody sees listings that left browse, nor misses new ones.
final class SearchIndexCache: Sendable {
    private struct State {
        var current: PublishedListings?
        var loadedAt: Date?
        var loading: (generation: Int64, task: Task<PublishedListings, any Error>)?
        var matches: [String: Task<WordMatches, any Error>] = [:]
        var matchOrder: [String] = []
    }

    private enum Lookup {
        case ready(PublishedListings)
        case loading(Task<PublishedListings, any Error>)
    }

    static let maxCachedQueries = 128
    private let state = NIOLockedValueBox(State())
    private let generationReader = SearchGenerationReader()

    /// Whether an index was loaded here (some search ran on this server).
    var isLoaded: Bool { state.withLockedValue { $0.current != nil } }

    /// The generation now, read after this call began (shared with the searches that arrive with it).
    func currentGeneration(on sql: any SQLDatabase) async throws -> Int64 {
        try await generationReader.generation(on: sql)
    }

    static func generation(on sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT generation FROM listing_search_generation WHERE id = 1").first()?
            .decode(column: "generation", as: Int64.self) ?? 0
    }

    func published(at generation: Int64, loadingWith loader: any SQLDatabase) async throws -> PublishedListings {
        let lookup: Lookup = state.withLockedValue { state in
            if let current = state.current, current.generation >= generation { return .ready(current) }
            if let loading = state.loading, loading.generation >= generation { return .loading(loading.task) }
            let task = Task { try await PublishedListings.load(from: loader) }
            state.loading = (generation, task)
            return .loading(task)
        }
        let task: Task<PublishedListings, any Error>
        switch lookup {
        case .ready(let listings): return listings
        case .loading(let loading): task = loading
        }
        do {
            let listings = try await task.value
            state.withLockedValue { state in
                if (state.current?.generation ?? .min) < listings.generation {
                    state.current = listings
                    state.loadedAt = Date()
                    state.matches = [:]
                    state.matchOrder = []
                }
                if state.loading?.generation ?? .max <= listings.generation { state.loading = nil }
            }
            return listings
        } catch {
            state.withLockedValue { state in if state.loading?.generation == generation { state.loading = nil } }
            throw error
        }
    }

    /// The index this server searches now: its size and when it was loaded (nil before the first search).
    func snapshot() -> (count: Int, loadedAt: Date)? {
        state.withLockedValue { state in
            guard let current = state.current, let loadedAt = state.loadedAt else { return nil }
            return (current.ids.count, loadedAt)
        }
    }

    func matches(_ query: String, in listings: PublishedListings, loadingWith loader: any SQLDatabase) async throws -> WordMatches {
        let key = "\(listings.generation):\(query)"
        let task: Task<WordMatches, any Error> = state.withLockedValue { state in
            if let cached = state.matches[key] { return cached }
            let task = Task { try await WordMatches.load(query, in: listings, from: loader) }
            state.matches[key] = task
            state.matchOrder.append(key)
            if state.matchOrder.count > Self.maxCachedQueries {
                state.matches[state.matchOrder.removeFirst()] = nil
            }
            return task
        }
        do {
            return try await task.value
        } catch {
            state.withLockedValue { state in
                state.matches[key] = nil
                state.matchOrder.removeAll { $0 == key }
            }
            throw error
        }
    }
}

struct SearchIndexCacheKey: StorageKey, LockKey { typealias Value = SearchIndexCache }

extension Application {
    var searchIndexCache: SearchIndexCache {
        if let cache = storage[SearchIndexCacheKey.self] { return cache }
        return locks.lock(for: SearchIndexCacheKey.self).withLock {
            if let cache = storage[SearchIndexCacheKey.self] { return cache }
            let cache = SearchIndexCache()
            storage[SearchIndexCacheKey.self] = cache
            return cache
        }
    }
}

extension ListingsService {
    /// The listings of one page, read with plain SQL: hydrating Fluent models walks every property
    /// by reflection, which cost more than the rest of a search. Only the columns a summary shows
    /// are read. A listing unpublished since the index was read is left out.
    static func publishedSummaries(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: Listing] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT id, seller_id, title, description, business_type, location, region, asking_price, annual_revenue,
                   net_profit, staff_count, tenure, status, published_at, created_at, updated_at
            FROM listings WHERE id IN (\(binds: ids))
            """).all()
        var listings: [UUID: Listing] = [:]
        for row in rows {
            guard let status = Listing.Status(rawValue: try row.decode(column: "status", as: String.self)),
                  status == .published else { continue }
            func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
                try row.decodeNil(column: column) ? nil : try row.decode(column: column, as: T.self)
            }
            let listing = Listing()
            let id = try row.decode(column: "id", as: UUID.self)
            listing.id = id
            listing.$seller.id = try row.decode(column: "seller_id", as: UUID.self)
            listing.title = try row.decode(column: "title", as: String.self)
            listing.description = try row.decode(column: "description", as: String.self)
            listing.businessType = try row.decode(column: "business_type", as: String.self)
            listing.location = try row.decode(column: "location", as: String.self)
            listing.region = try row.decode(column: "region", as: String.self)
            listing.askingPrice = try row.decode(column: "asking_price", as: Int64.self)
            listing.annualRevenue = try optional("annual_revenue", Int64.self)
            listing.netProfit = try optional("net_profit", Int64.self)
            listing.staffCount = try optional("staff_count", Int.self)
            listing.tenure = try optional("tenure", String.self)
            listing.status = status
            listing.publishedAt = try optional("published_at", Date.self)
            listing.createdAt = try optional("created_at", Date.self)
            listing.updatedAt = try optional("updated_at", Date.self)
            listings[id] = listing
        }
        return listings
    }

    /// One page of browse or search for this viewer. The page as everyone sees it comes from
    /// `ListingPageCache` while the search generation has not moved; a buyer's saved flags are
    /// read for every request and never cached.
    func browse(_ filters: ListingSearch.Filters, page: PageRequest, viewer: User?) async throws -> BrowseResult {
        try filters.validate()
        let generation = try await app.searchIndexCache.currentGeneration(on: app.db as! any SQLDatabase)
        let key = ListingPageCache.pageKey(filters, page: page, sqlite: sql.dialect.name == "sqlite")
        var answer: Components.Schemas.ListingPage
        if let cached = app.listingPageCache.page(key, at: generation) {
            answer = cached
        } else {
            let search = ListingSearch(loader: app.db as! any SQLDatabase, index: app.searchIndexCache)
            let result = try await search.search(filters, page: page, generation: generation)
            let byID = try await Self.publishedSummaries(result.ids, on: sql)
            answer = .init(
                items: try result.ids.compactMap { try byID[$0]?.toSummary() }, page: page.page, perPage: page.perPage,
                total: result.total, totalCapped: result.capped ? true : nil)
            app.listingPageCache.store(page: answer, for: key, at: generation)
        }
        if let viewer, viewer.userType == .buyer {
            let savedIDs = try await app.savedIDsCache.savedIDs(of: viewer.requireID(), among: answer.items.map(\.id), on: db, now: now)
            for index in answer.items.indices { answer.items[index].isSaved = savedIDs.contains(answer.items[index].id) }
        }
        var search: SearchLog.Entry?
        if filters.text != nil || !filters.businessTypes.isEmpty || filters.region != nil
            || filters.minPrice != nil || filters.maxPrice != nil || filters.minRevenue != nil || filters.maxRevenue != nil {
            let entry = SearchLog.Entry(
                userID: viewer?.id, text: filters.text, filters: filters.logDescription, resultsCount: answer.total, at: now)
            app.searchLog.record(entry)
            AnalyticsLog.searched(viewer, entry, on: app)
            search = entry
        }
        return BrowseResult(page: answer, generation: generation, search: search)
    }


    struct BrowseResult {
        var page: Components.Schemas.ListingPage
        /// The search generation the page was made at.
        var generation: Int64
        /// The search as the search log recorded it (nil for plain browse, which is not recorded).
        var search: SearchLog.Entry?
    }
}
