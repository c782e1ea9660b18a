import EaglehurstAPI
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Browse and full-text search over published listings.
///
/// Every listing lives in memory as a `ListingIndex`: the columns browse filters and sorts on, the
/// summary a page shows, and an inverted index of title, description and location that matches and
/// ranks words in Swift (BM25 as FTS5 computes it). A search therefore reads the database once, for
/// the search generation (`SearchGenerationReader`), and only when that has moved does the index
/// catch up, listing by listing (`SearchIndexCache`).
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

        /// The filters as the search log records them: a JSON object of strings, keys in order.
        /// Written by hand: it is made for every search, and JSONSerialization cost more than the search.
        var logDescription: String {
            var parts: [(String, String)] = []
            if !businessTypes.isEmpty { parts.append(("business_type", businessTypes.joined(separator: ","))) }
            if let maxPrice { parts.append(("max_price", String(maxPrice))) }
            if let maxRevenue { parts.append(("max_revenue", String(maxRevenue))) }
            if let minPrice { parts.append(("min_price", String(minPrice))) }
            if let minRevenue { parts.append(("min_revenue", String(minRevenue))) }
            if let region { parts.append(("region", region)) }
            if let sort { parts.append(("sort", sort.rawValue)) }
            var json = "{"
            for (i, (key, value)) in parts.enumerated() {
                if i > 0 { json += "," }
                json += "\"" + key + "\":"
                Self.appendJSONString(value, to: &json)
            }
            return json + "}"
        }

        static func appendJSONString(_ value: String, to json: inout String) {
            json += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case "\n": json += "\\n"
                case "\r": json += "\\r"
                case "\t": json += "\\t"
                case _ where scalar.value < 0x20: json += String(format: "\\u%04x", scalar.value)
                default: json.unicodeScalars.append(scalar)
                }
            }
            json += "\""
        }
    }

    /// `total` counts matches up to here and `total_capped` says when there are more.
    static let totalCap = 1000

    /// The application's database, for catching the index up, which outlives a request.
    let loader: any SQLDatabase
    let index: SearchIndexCache

    /// One page of a search at `generation`, the search generation the request read.
    func search(_ filters: Filters, page: PageRequest, generation: Int64) async throws -> (items: [Components.Schemas.ListingSummary], total: Int, capped: Bool) {
        let listings = try await index.index(at: generation, loadingWith: loader)
        let result = listings.page(filters, offset: page.offset, limit: page.perPage, cap: Self.totalCap)
        return (result.entries.compactMap { listings.summaries[Int($0)] }, result.total, result.capped)
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

/// The search generation this request read (`ListingAnswerCacheMiddleware` reads it first), so a
/// request reads it once however many parts of the server ask.
struct RequestSearchGenerationKey: StorageKey { typealias Value = Int64 }

extension ListingsService {
    /// The search generation for this request: read once after it arrived, then kept with it.
    func requestGeneration() async throws -> Int64 {
        if let generation = request.storage[RequestSearchGenerationKey.self] { return generation }
        let generation = try await app.searchIndexCache.currentGeneration(on: app.db.sql)
        request.storage[RequestSearchGenerationKey.self] = generation
        return generation
    }

    /// One page of browse or search for this viewer. The page as everyone sees it comes from
    /// `ListingPageCache` while the search generation has not moved; a buyer's saved flags are
    /// read for every request and never cached.
    func browse(_ filters: ListingSearch.Filters, page: PageRequest, viewer: User?) async throws -> BrowseResult {
        try filters.validate()
        let generation = try await requestGeneration()
        let key = ListingPageCache.pageKey(filters, page: page)
        var answer: Components.Schemas.ListingPage
        if let cached = app.listingPageCache.page(key, at: generation) {
            answer = cached
        } else {
            let search = ListingSearch(loader: app.db.sql, index: app.searchIndexCache)
            let result = try await search.search(filters, page: page, generation: generation)
            answer = .init(
                items: result.items, page: page.page, perPage: page.perPage,
                total: result.total, totalCapped: result.capped ? true : nil)
            app.listingPageCache.store(page: answer, for: key, at: generation)
        }
        if let viewer, viewer.userType == .buyer {
            let savedIDs = try await app.savedIDsCache.savedIDs(of: viewer.requireID(), among: answer.items.map(\.id), on: db, now: now)
            for index in answer.items.indices { answer.items[index].isSaved = savedIDs.contains(answer.items[index].id) }
        }
        let search = recordSearch(filters, total: answer.total, viewer: viewer)
        return BrowseResult(page: answer, generation: generation, search: search)
    }

    /// The same page as `browse`, written straight from the index's encoded summaries
    /// (`EncodedSummary`): the bytes `ListingsBrowse` would send, with the same `ETag`.
    func browseEncoded(_ filters: ListingSearch.Filters, page: PageRequest, viewer: User?) async throws -> EncodedBrowseResult {
        try filters.validate()
        let generation = try await requestGeneration()
        let listings = try await app.searchIndexCache.index(at: generation, loadingWith: app.db.sql)
        let result = listings.page(filters, offset: page.offset, limit: page.perPage, cap: ListingSearch.totalCap)
        var saved: Set<UUID>?
        if let viewer, viewer.userType == .buyer {
            let ids = result.entries.map { listings.ids[Int($0)] }
            saved = try await app.savedIDsCache.savedIDs(of: viewer.requireID(), among: ids, on: db, now: now)
        }
        return encoded(result, of: listings, filters, page: page, generation: generation, viewer: viewer, saved: saved)
    }

    /// `browseEncoded` for a viewer without saved flags, when the generation and its index are in
    /// memory now: nothing to wait for, so it runs where the request is (no task of its own).
    func browseEncodedNow(
        _ filters: ListingSearch.Filters, page: PageRequest, in listings: ListingIndex, generation: Int64
    ) throws -> EncodedBrowseResult {
        try filters.validate()
        let result = listings.page(filters, offset: page.offset, limit: page.perPage, cap: ListingSearch.totalCap)
        return encoded(result, of: listings, filters, page: page, generation: generation, viewer: nil, saved: nil)
    }

    private func encoded(
        _ result: ListingIndex.Page, of listings: ListingIndex, _ filters: ListingSearch.Filters, page: PageRequest,
        generation: Int64, viewer: User?, saved: Set<UUID>?
    ) -> EncodedBrowseResult {
        let ids = result.entries.map { listings.ids[Int($0)] }
        let written = ListingPageWriter.write(
            result.entries, of: listings, saved: saved, page: page, total: result.total, capped: result.capped)
        let search = recordSearch(filters, total: result.total, viewer: viewer)
        let flags = saved.map(ListingPageCache.flags(saved:)) ?? ListingPageCache.noFlags
        return EncodedBrowseResult(
            body: written.body, tag: written.tag,
            note: .init(generation: generation, search: search, ids: ids, flags: flags))
    }

    /// Records a search (anything but plain browse) in the search log and analytics.
    private func recordSearch(_ filters: ListingSearch.Filters, total: Int, viewer: User?) -> SearchLog.Entry? {
        guard filters.text != nil || !filters.businessTypes.isEmpty || filters.region != nil
            || filters.minPrice != nil || filters.maxPrice != nil || filters.minRevenue != nil || filters.maxRevenue != nil
        else { return nil }
        let entry = SearchLog.Entry(
            userID: viewer?.id, text: filters.text, filters: filters.logDescription, resultsCount: total, at: now)
        app.searchLog.record(entry)
        AnalyticsLog.searched(viewer, entry, on: app)
        return entry
    }

    struct BrowseResult {
        var page: Components.Schemas.ListingPage
        /// The search generation the page was made at.
        var generation: Int64
        /// The search as the search log recorded it (nil for plain browse, which is not recorded).
        var search: SearchLog.Entry?
    }

    struct EncodedBrowseResult {
        var body: [UInt8]
        /// The `ETag` as `ListingsBrowse` makes it.
        var tag: String
        var note: ListingAnswerNote
    }
}
