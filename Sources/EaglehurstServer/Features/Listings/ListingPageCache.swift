import EaglehurstAPI
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// Browse pages kept in memory for the search generation they were made at.
///
/// Most searches repeat (the first page of a popular word, a region's newest listings), and a page
/// costs more to read and encode than to look up. Two caches share one rule: an entry answers only
/// while the database's search generation has not moved since it was made, and the triggers move
/// the generation whenever anything a page shows changes (see `WatchListingSummaryColumns`).
///
/// - `pages`: the page as everyone sees it, without per-viewer fields (`is_saved` is added per
///   buyer after the lookup), for any viewer.
/// - `answers`: the encoded 200 answer for requests without a token (which carry no per-viewer
///   fields at all), keyed by the raw query string and `Accept`, so a repeat skips the handler,
///   the database and JSON encoding (`ListingAnswerCacheMiddleware`).
final class ListingPageCache: Sendable {
    struct Answer: Sendable {
        let headers: HTTPHeaders
        let body: ByteBuffer
        /// What the search log records for this query (nil: plain browse is not recorded).
        let search: SearchLog.Entry?
    }

    static let maxPages = 1024
    /// About 1 KB each in memory, so pages hold about 20 MB at most.
    static let maxPageItems = 20_000
    static let maxAnswers = 1024
    static let maxAnswerBytes = 32 << 20

    private let pages = NIOLockedValueBox(GenerationalLRU<Components.Schemas.ListingPage>(maxCount: maxPages, maxCost: maxPageItems))
    private let answers = NIOLockedValueBox(GenerationalLRU<Answer>(maxCount: maxAnswers, maxCost: maxAnswerBytes))

    func page(_ key: String, at generation: Int64) -> Components.Schemas.ListingPage? {
        pages.withLockedValue { $0.value(key, at: generation) }
    }

    func store(page: Components.Schemas.ListingPage, for key: String, at generation: Int64) {
        assert(page.items.allSatisfy { $0.isSaved == nil && $0.viewCount == nil }, "a shared page holds no per-viewer fields")
        pages.withLockedValue { $0.insert(page, for: key, at: generation, cost: max(page.items.count, 1)) }
    }

    func answer(_ key: String, at generation: Int64) -> Answer? {
        answers.withLockedValue { $0.value(key, at: generation) }
    }

    func store(answer: Answer, for key: String, at generation: Int64) {
        answers.withLockedValue { $0.insert(answer, for: key, at: generation, cost: answer.body.readableBytes) }
    }

    /// The same key for the same search however it was written: the engine's form of the words,
    /// business types in order without repeats, the region in lower case.
    static func pageKey(_ filters: ListingSearch.Filters, page: PageRequest, sqlite: Bool) -> String {
        let words = filters.text.flatMap { WordMatches.query($0, sqlite: sqlite) }
        let parts: [String] = [
            words ?? "", Set(filters.businessTypes).sorted().joined(separator: ","), filters.region?.lowercased() ?? "",
            filters.minPrice.map(String.init) ?? "", filters.maxPrice.map(String.init) ?? "",
            filters.minRevenue.map(String.init) ?? "", filters.maxRevenue.map(String.init) ?? "",
            filters.sort?.rawValue ?? "", String(page.page), String(page.perPage),
        ]
        return parts.joined(separator: "\u{1F}")
    }

    static func answerKey(query: String?, accept: [String]) -> String {
        (query ?? "") + "\u{1F}" + accept.joined(separator: ",")
    }
}

/// A bounded map that holds values of one search generation only and drops the least recently
/// used entry first when full. Not thread-safe: `ListingPageCache` keeps it behind a lock.
struct GenerationalLRU<Value> {
    fileprivate struct Slot {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    private var slots: [String: Slot] = [:]
    private var generation = Int64.min
    private var totalCost = 0
    private var clock: UInt64 = 0
    let maxCount: Int
    let maxCost: Int

    init(maxCount: Int, maxCost: Int) {
        self.maxCount = maxCount
        self.maxCost = maxCost
    }

    var count: Int { slots.count }

    /// The value stored for `key` at this generation. Seeing a newer generation empties the map;
    /// an older one (a request that read the counter just before another moved it) finds nothing.
    mutating func value(_ key: String, at generation: Int64) -> Value? {
        advance(to: generation)
        guard generation == self.generation, var slot = slots[key] else { return nil }
        clock += 1
        slot.lastUse = clock
        slots[key] = slot
        return slot.value
    }

    /// Stores a value made at `generation`; one made before the newest generation seen is dropped.
    mutating func insert(_ value: Value, for key: String, at generation: Int64, cost: Int) {
        advance(to: generation)
        guard generation == self.generation, cost <= maxCost else { return }
        if let old = slots.removeValue(forKey: key) { totalCost -= old.cost }
        while !slots.isEmpty, slots.count >= maxCount || totalCost + cost > maxCost {
            evictLeastRecentlyUsed()
        }
        clock += 1
        slots[key] = Slot(value: value, cost: cost, lastUse: clock)
        totalCost += cost
    }

    private mutating func advance(to generation: Int64) {
        guard generation > self.generation else { return }
        slots.removeAll(keepingCapacity: true)
        totalCost = 0
        self.generation = generation
    }

    private mutating func evictLeastRecentlyUsed() {
        guard let oldest = slots.min(by: { $0.value.lastUse < $1.value.lastUse }) else { return }
        slots[oldest.key] = nil
        totalCost -= oldest.value.cost
    }
}

extension GenerationalLRU: Sendable where Value: Sendable {}
extension GenerationalLRU.Slot: Sendable where Value: Sendable {}

/// What the browse handler tells `ListingAnswerCacheMiddleware` about an answer it made for a
/// request without a token: the generation it read, and what the search log recorded.
struct ListingAnswerNote: Sendable {
    let generation: Int64
    let search: SearchLog.Entry?
}

struct ListingAnswerNoteKey: StorageKey { typealias Value = ListingAnswerNote }

/// Serves `GET /api/v1/listings` without a token from `ListingPageCache.answers` when the search
/// generation has not moved, and stores the answers the handler makes. A cached answer is still
/// logged as a search, and a request with `If-None-Match` goes to the handler, which answers 304.
struct ListingAnswerCacheMiddleware: AsyncMiddleware {
    static let path = "/api/v1/listings"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET, request.url.path == Self.path, request.headers[.authorization].isEmpty else {
            return try await next.respond(to: request)
        }
        let app = request.application
        let key = ListingPageCache.answerKey(query: request.url.query, accept: request.headers[.accept])
        if request.headers[.ifNoneMatch].isEmpty {
            let generation = try await app.searchIndexCache.currentGeneration(on: app.db as! any SQLDatabase)
            if let answer = app.listingPageCache.answer(key, at: generation) {
                if var search = answer.search {
                    search.at = app.serverEnvironment.now()
                    app.searchLog.record(search)
                }
                return Response(status: .ok, headers: answer.headers, body: .init(buffer: answer.body))
            }
        }
        let response = try await next.respond(to: request)
        guard response.status == .ok, let note = request.storage[ListingAnswerNoteKey.self] else { return response }
        let body = try await response.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
        response.body = .init(buffer: body)
        app.listingPageCache.store(
            answer: .init(headers: response.headers, body: body, search: note.search), for: key, at: note.generation)
        return response
    }
}

struct ListingPageCacheKey: StorageKey, LockKey { typealias Value = ListingPageCache }

extension Application {
    var listingPageCache: ListingPageCache {
        if let cache = storage[ListingPageCacheKey.self] { return cache }
        return locks.lock(for: ListingPageCacheKey.self).withLock {
            if let cache = storage[ListingPageCacheKey.self] { return cache }
            let cache = ListingPageCache()
            storage[ListingPageCacheKey.self] = cache
            return cache
        }
    }
}
