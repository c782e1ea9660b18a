import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// The listings and moderation requests, through the model cache: reads revalidate with their ETag
/// and fall back to the last answer when the server cannot be reached; writes invalidate what they touch.
extension EffectRunner {
    func runBrowse(_ effect: BrowseEffect) async -> BrowseMessage {
        switch effect {
        case .settleSearch(let generation):
            try? await Task.sleep(for: searchPause)
            return .searchSettled(generation: generation)
        }
    }

    func runListings(_ effect: ListingsEffect) async -> ListingsMessage {
        switch effect {
        case .loadListingPage(let source, let page, let perPage, let generation):
            .listingPageLoaded(source, page: page, generation: generation, await listingPage(source, page: page, perPage: perPage))
        case .loadListing(let id):
            .listingLoaded(id: id, await listing(id))
        case .saveListing(let id, let notes):
            .saveChanged(id: id, saved: true, await save(id, notes: notes))
        case .unsaveListing(let id):
            .saveChanged(id: id, saved: false, await unsave(id))
        case .updateListing(let id, let update, let write):
            .listingWritten(write, await self.update(id, update))
        }
    }

    // MARK: reads

    /// A read through the cache: a failed request that reached no server gives the last answer, stale.
    func cached<Value: Sendable>(
        _ key: CacheKey, fetch: @escaping @Sendable (String?) async throws -> Revalidation<Value>
    ) async -> Result<(Value, Bool), RequestFailure> {
        do {
            let answer = try await cache.load(key, as: Value.self, fetch: fetch)
            if answer.isStale, let failure = answer.failure.map(Self.failure(from:)) {
                guard case .unreachable = failure else { return .failure(failure) }
            }
            return .success((answer.value, answer.isStale))
        } catch {
            return .failure(Self.failure(from: error))
        }
    }

    func listingPage(_ source: ListingSource, page: Int, perPage: Int) async -> Result<PageAnswer<ListingSummary>, RequestFailure> {
        let client = client
        let result: Result<(Components.Schemas.ListingPage, Bool), RequestFailure>
        switch source {
        case .browse(let query):
            let input = Operations.ListingsBrowse.Input.Query(
                q: query.text.isEmpty ? nil : query.text, businessType: query.businessTypes.isEmpty ? nil : query.businessTypes,
                region: query.region.isEmpty ? nil : query.region, minPrice: query.minPrice, maxPrice: query.maxPrice,
                minRevenue: query.minRevenue, maxRevenue: query.maxRevenue,
                sort: query.text.isEmpty && query.sort == .relevance ? .newest : query.sort, page: page, perPage: perPage
            )
            result = await cached(CacheKey(.browsePage, Self.describe(input))) { etag in
                switch try await client.listingsBrowse(query: input, headers: .init(ifNoneMatch: etag)) {
                case .ok(let ok): return .modified(try ok.body.json, etag: ok.headers.eTag)
                case .notModified: return .notModified
                case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "browsing listings")
                }
            }
        case .mine:
            result = await cached(CacheKey(.myListingsPage, "page=\(page)&per_page=\(perPage)")) { _ in
                switch try await client.listingsMyListings(query: .init(page: page, perPage: perPage)) {
                case .ok(let ok): return .modified(try ok.body.json, etag: nil)
                case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "your listings")
                }
            }
        case .moderation(let queue, let filter):
            let text = filter.text.isEmpty ? nil : filter.text
            let query: Operations.AdminListListings.Input.Query = queue == .newListings
                ? .init(status: .pendingApproval, sellerId: filter.sellerID, q: text, page: page, perPage: perPage)
                : .init(hasPendingEdits: true, sellerId: filter.sellerID, q: text, page: page, perPage: perPage)
            let key = "\(queue.rawValue)&seller_id=\(filter.sellerID?.uuidString ?? "")&q=\(filter.text)&page=\(page)&per_page=\(perPage)"
            result = await cached(CacheKey(.adminListingsPage, key)) { _ in
                switch try await client.adminListListings(query: query) {
                case .ok(let ok): return .modified(try ok.body.json, etag: nil)
                case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "the moderation queue")
                }
            }
        }
        return result.map { page, stale in
            PageAnswer(items: page.items, total: page.total, totalCapped: page.totalCapped ?? false, isStale: stale, receivedAt: Date())
        }
    }

    /// A stable cache key for a browse query.
    static func describe(_ query: Operations.ListingsBrowse.Input.Query) -> String {
        let parts: [String?] = [
            query.q.map { "q=\($0)" }, query.businessType.map { "business_type=" + $0.map(\.rawValue).joined(separator: ",") },
            query.region.map { "region=\($0)" }, query.minPrice.map { "min_price=\($0)" }, query.maxPrice.map { "max_price=\($0)" },
            query.minRevenue.map { "min_revenue=\($0)" }, query.maxRevenue.map { "max_revenue=\($0)" },
            query.sort.map { "sort=\($0.rawValue)" }, query.page.map { "page=\($0)" }, query.perPage.map { "per_page=\($0)" },
        ]
        return parts.compactMap { $0 }.joined(separator: "&")
    }

    func listing(_ id: UUID) async -> Result<DetailAnswer, RequestFailure> {
        let client = client
        let result: Result<(ListingDetail, Bool), RequestFailure> = await cached(CacheKey(.listing, id.uuidString)) { etag in
            switch try await client.listingsGet(path: .init(listingId: id), headers: .init(ifNoneMatch: etag)) {
            case .ok(let ok): return .modified(try ok.body.json, etag: ok.headers.eTag)
            case .notModified: return .notModified
            case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "the listing")
            }
        }
        return result.map { DetailAnswer(listing: $0, isStale: $1) }
    }

    // MARK: writes

    func save(_ id: UUID, notes: String?) async -> Result<Bool, RequestFailure> {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.savedPage, .browsePage])
        return await attempt {
            switch try await client.listingsSave(path: .init(listingId: id), body: .json(.init(notes: notes))) {
            case .ok, .created: return .success(true)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "saving"))
            }
        }
    }

    func unsave(_ id: UUID) async -> Result<Bool, RequestFailure> {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.savedPage, .browsePage])
        return await attempt {
            switch try await client.listingsUnsave(path: .init(listingId: id)) {
            case .noContent: return .success(false)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "unsaving"))
            }
        }
    }

}
