import EaglehurstAPI
import Fluent
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
/// - `answers`: the encoded 200 answer, keyed by the raw query string, `Accept` and the only
///   per-viewer part of a page, a buyer's saved flags (`flags(saved:)`): every viewer whose flags
///   on that page are the same gets the same bytes, so a repeat skips the handler, the page query
///   and JSON encoding (`ListingAnswerCacheMiddleware`). `pageIDs` holds each answer's listings,
///   which a buyer's flags are read for.
final class ListingPageCache: Sendable {
    struct Answer: Sendable {
        let headers: HTTPHeaders
        let body: ByteBuffer
        /// What the search log records for this query (nil: plain browse is not recorded); the
        /// user and the time are each request's own.
        let search: SearchLog.Entry?
    }

    /// The flags of anonymous viewers, sellers and admins: none.
    static let noFlags = "-"

    /// A buyer's flags on a page: which of its listings they saved.
    static func flags(saved: Set<UUID>) -> String {
        "saved:" + saved.map(\.uuidString).sorted().joined(separator: ",")
    }

    static let maxPages = 1024
    /// About 1 KB each in memory, so pages hold about 20 MB at most.
    static let maxPageItems = 20_000
    static let maxAnswers = 1024
    static let maxAnswerBytes = 32 << 20

    private let pages = NIOLockedValueBox(GenerationalLRU<Components.Schemas.ListingPage>(maxCount: maxPages, maxCost: maxPageItems))
    private let answers = NIOLockedValueBox(GenerationalLRU<Answer>(maxCount: maxAnswers, maxCost: maxAnswerBytes))
    private let pageIDs = NIOLockedValueBox(GenerationalLRU<[UUID]>(maxCount: maxAnswers, maxCost: maxAnswers))

    func page(_ key: String, at generation: Int64) -> Components.Schemas.ListingPage? {
        pages.withLockedValue { $0.value(key, at: generation) }
    }

    func store(page: Components.Schemas.ListingPage, for key: String, at generation: Int64) {
        assert(page.items.allSatisfy { $0.isSaved == nil && $0.viewCount == nil }, "a shared page holds no per-viewer fields")
        pages.withLockedValue { $0.insert(page, for: key, at: generation, cost: max(page.items.count, 1)) }
    }

    func answer(_ key: String, flags: String, at generation: Int64) -> Answer? {
        answers.withLockedValue { $0.value(key + "\u{1E}" + flags, at: generation) }
    }

    /// The listings of the answers stored for `key`, in page order.
    func pageIDs(_ key: String, at generation: Int64) -> [UUID]? {
        pageIDs.withLockedValue { $0.value(key, at: generation) }
    }

    func store(answer: Answer, listing ids: [UUID], for key: String, flags: String, at generation: Int64) {
        pageIDs.withLockedValue { $0.insert(ids, for: key, at: generation, cost: 1) }
        answers.withLockedValue { $0.insert(answer, for: key + "\u{1E}" + flags, at: generation, cost: answer.body.readableBytes) }
    }

    /// The same key for the same search however it was written: the index's form of the words,
    /// business types in order without repeats, the region in lower case.
    static func pageKey(_ filters: ListingSearch.Filters, page: PageRequest) -> String {
        let words = filters.text.flatMap(TextQuery.init)?.key
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

/// What the browse handler tells `ListingAnswerCacheMiddleware` about an answer it made: the
/// generation it read, what the search log recorded, the page's listings and the viewer's flags.
struct ListingAnswerNote: Sendable {
    let generation: Int64
    let search: SearchLog.Entry?
    let ids: [UUID]
    let flags: String
}

struct ListingAnswerNoteKey: StorageKey { typealias Value = ListingAnswerNote }

/// Serves `GET /api/v1/listings` from `ListingPageCache.answers` when the search generation has
/// not moved, and stores the answers the handler makes. The token is checked first, as the handler
/// would; a buyer's saved flags on the page are read for every request, and only an answer made
/// with the same flags is served. A cached answer is still logged as the viewer's search, and a
/// request with `If-None-Match` goes to the handler, which answers 304.
///
/// An answer no cache holds is made here too when the query is plain (`PlainListingsQuery`): the
/// page is written from the index's encoded summaries (`ListingsService.browseEncoded`), the same
/// bytes and `ETag` as the generated handler's, without building and encoding summaries. Unusual
/// queries (unknown or repeated parameters, values the contract would refuse, `+`) and other
/// `Accept` headers still go to the handler.
struct ListingAnswerCacheMiddleware: Middleware {
    static let path = "/api/v1/listings"

    /// Other requests pass straight on; `GET /listings` is answered in one task of its own, with the
    /// request in `RequestContext` (it sits outside `RequestContextMiddleware`, so it sets it itself).
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .GET, Self.isListingsPath(request.url.string) else { return next.respond(to: request) }
        // Without a token (no saved flags to read) and with the generation and its index in memory,
        // nothing waits: answered here, on the request's event loop.
        if request.headers.bearerAuthorization == nil, request.headers[.ifNoneMatch].isEmpty {
            do {
                if let response = try answerNow(request) { return request.eventLoop.makeSucceededFuture(response) }
            } catch {
                return request.eventLoop.makeFailedFuture(error)
            }
        }
        return request.eventLoop.makeFutureWithTask {
            try await RequestContext.$current.withValue(request) { try await answer(request, chainingTo: next) }
        }
    }

    /// The answer for a request without a token, when it needs no waiting; nil: take the async path.
    private func answerNow(_ request: Request) throws -> Response? {
        let app = request.application
        guard let generation = app.searchIndexCache.generationReader.freshGeneration(refreshingOn: app.db.sql),
              let listings = app.searchIndexCache.ready(at: generation) else { return nil }
        let cache = app.listingPageCache
        let key = ListingPageCache.answerKey(query: request.url.query, accept: request.headers[.accept])
        if let answer = cache.answer(key, flags: ListingPageCache.noFlags, at: generation) {
            if var search = answer.search {
                search.userID = nil
                search.at = app.serverEnvironment.now()
                app.searchLog.record(search)
                AnalyticsLog.searched(nil, search, on: app)
            }
            return Response(status: .ok, headers: answer.headers, body: .init(buffer: answer.body))
        }
        guard let query = PlainListingsQuery(request.url.query), Self.acceptsJSON(request.headers[.accept]) else { return nil }
        let page = try PageRequest(page: query.page, perPage: query.perPage)
        let service = ListingsService(app: app, request: request)
        request.storage[RequestSearchGenerationKey.self] = generation
        let result = try service.browseEncodedNow(query.filters, page: page, in: listings, generation: generation)
        return stored(result, key: key, in: cache)
    }

    /// Keeps an answer written from the index and returns it.
    private func stored(_ result: ListingsService.EncodedBrowseResult, key: String, in cache: ListingPageCache) -> Response {
        var headers = HTTPHeaders()
        headers.add(name: .eTag, value: ETag.headerValue(result.tag))
        headers.add(name: .contentType, value: "application/json; charset=utf-8")
        let body = ByteBuffer(bytes: result.body)
        cache.store(
            answer: .init(headers: headers, body: body, search: result.note.search), listing: result.note.ids,
            for: key, flags: result.note.flags, at: result.note.generation)
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    private func answer(_ request: Request, chainingTo next: any Responder) async throws -> Response {
        let app = request.application
        let cache = app.listingPageCache
        let key = ListingPageCache.answerKey(query: request.url.query, accept: request.headers[.accept])
        if request.headers[.ifNoneMatch].isEmpty {
            let viewer = try await Authenticator(app: app).optionalUser()
            let service = ListingsService(app: app, request: request)
            let generation = try await service.requestGeneration()
            if let flags = try await Self.flags(of: viewer, on: cache.pageIDs(key, at: generation), db: request.db, app: app),
               let answer = cache.answer(key, flags: flags, at: generation) {
                if var search = answer.search {
                    search.userID = viewer?.id
                    search.at = app.serverEnvironment.now()
                    app.searchLog.record(search)
                    AnalyticsLog.searched(viewer, search, on: app)
                }
                return Response(status: .ok, headers: answer.headers, body: .init(buffer: answer.body))
            }
            // A plain query (the common case) is answered here from the index's encoded summaries;
            // anything unusual goes to the generated handler, which parses it and answers problems.
            if let query = PlainListingsQuery(request.url.query), Self.acceptsJSON(request.headers[.accept]) {
                let page = try PageRequest(page: query.page, perPage: query.perPage)
                let result = try await service.browseEncoded(query.filters, page: page, viewer: viewer)
                return stored(result, key: key, in: cache)
            }
        }
        let response = try await next.respond(to: request).get()
        guard response.status == .ok, let note = request.storage[ListingAnswerNoteKey.self] else { return response }
        let body = try await response.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
        response.body = .init(buffer: body)
        cache.store(
            answer: .init(headers: response.headers, body: body, search: note.search), listing: note.ids,
            for: key, flags: note.flags, at: note.generation)
        return response
    }

    /// The raw target is exactly `/api/v1/listings`, with or without a query (read from the raw
    /// string: `URI.path` decodes the path anew on every call). Any other spelling goes on to the router.
    static func isListingsPath(_ target: String) -> Bool {
        let utf8 = target.utf8
        guard utf8.starts(with: path.utf8) else { return false }
        let rest = utf8.dropFirst(path.utf8.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "?")
    }

    /// Accept headers the generated handler answers with JSON without a second look.
    static func acceptsJSON(_ accept: [String]) -> Bool {
        accept.allSatisfy { value in
            value.split(separator: ",").allSatisfy {
                let type = $0.trimmingCharacters(in: .whitespaces)
                return type == "application/json" || type == "*/*" || type == "application/*"
            }
        }
    }

    /// The viewer's flags on a cached page (`ids`, nil when none is cached: then nil too).
    static func flags(of viewer: User?, on ids: [UUID]?, db: any Database, app: Application) async throws -> String? {
        guard let viewer, viewer.userType == .buyer else { return ListingPageCache.noFlags }
        guard let ids else { return nil }
        let saved = try await app.savedIDsCache.savedIDs(of: viewer.requireID(), among: ids, on: db, now: app.serverEnvironment.now())
        return ListingPageCache.flags(saved: saved)
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
