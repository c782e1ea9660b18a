import EaglehurstAPI
import EaglehurstClient
import Foundation
import OpenAPIRuntime

/// The listings and moderation requests, through the model cache: reads revalidate with their ETag
/// and fall back to the last answer when the server cannot be reached; writes invalidate what they touch.
extension EffectRunner {
    func runListings(_ effect: Effect) async -> Message {
        switch effect {
        case .settleSearch(let generation):
            try? await Task.sleep(for: searchPause)
            return .searchSettled(generation: generation)
        case .loadListingPage(let source, let page, let perPage, let generation):
            return .listingPageLoaded(source, page: page, generation: generation, await listingPage(source, page: page, perPage: perPage))
        case .loadSavedPage(let page, let perPage, let generation):
            return .savedPageLoaded(page: page, generation: generation, await savedPage(page: page, perPage: perPage))
        case .loadUsersPage(let filter, let page, let perPage, let generation):
            return .usersPageLoaded(filter, page: page, generation: generation, await usersPage(filter, page: page, perPage: perPage))
        case .loadListing(let id):
            return .listingLoaded(id: id, await listing(id))
        case .saveListing(let id, let notes):
            return .saveChanged(id: id, saved: true, await save(id, notes: notes))
        case .unsaveListing(let id):
            return .saveChanged(id: id, saved: false, await unsave(id))
        case .createListing(let request):
            return .listingWritten(.created, await create(request))
        case .updateListing(let id, let update, let write):
            return .listingWritten(write, await self.update(id, update))
        case .deleteListing(let id):
            return .listingDeleted(id: id, await delete(id))
        case .uploadMedia(let id, let path, let caption, let confidential):
            return .mediaUploaded(listingID: id, await upload(id, path: path, caption: caption, confidential: confidential))
        case .deleteMedia(let listingID, let mediaID):
            return .mediaDeleted(listingID: listingID, mediaID: mediaID, await deleteMedia(listingID, mediaID))
        case .loadAnalytics(let id, let days):
            return .analyticsLoaded(id: id, days: days, await analytics(id, days: days))
        case .approveListing(let id):
            return .listingWritten(.approved, await moderate(id, reason: nil))
        case .rejectListing(let id, let reason):
            return .listingWritten(.rejected, await moderate(id, reason: reason))
        case .verifyUser(let id, let verified, let reason):
            return .userModerated(await verify(id, verified: verified, reason: reason))
        case .suspendUser(let id, let suspended, let reason):
            return .userModerated(await suspend(id, suspended: suspended, reason: reason))
        case .editExternally(let field, _):
            // The UI loop runs the editor itself, since it owns the terminal.
            return .textEdited(field: field, .failure(.unexpected("the editor runs on the UI thread only")))
        default:
            return .inputClosed
        }
    }

    // MARK: reads

    /// A read through the cache: a failed request that reached no server gives the last answer, stale.
    private func cached<Value: Sendable>(
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

    func savedPage(page: Int, perPage: Int) async -> Result<PageAnswer<SavedListing>, RequestFailure> {
        let client = client
        let result: Result<(Components.Schemas.SavedListingPage, Bool), RequestFailure> = await cached(CacheKey(.savedPage, "page=\(page)&per_page=\(perPage)")) { _ in
            switch try await client.listingsSaved(query: .init(page: page, perPage: perPage)) {
            case .ok(let ok): return .modified(try ok.body.json, etag: nil)
            case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "saved listings")
            }
        }
        return result.map { PageAnswer(items: $0.items, total: $0.total, isStale: $1, receivedAt: Date()) }
    }

    func usersPage(_ filter: UserFilter, page: Int, perPage: Int) async -> Result<PageAnswer<Account>, RequestFailure> {
        let client = client
        let query = Operations.AdminListUsers.Input.Query(
            userType: filter.userType, status: filter.status, verificationStatus: filter.verification,
            q: filter.text.isEmpty ? nil : filter.text, page: page, perPage: perPage
        )
        let key = CacheKey(.adminUsersPage, "\(filter.userType?.rawValue ?? "")|\(filter.status?.rawValue ?? "")|\(filter.verification?.rawValue ?? "")|\(filter.text)|\(page)|\(perPage)")
        let result: Result<(Components.Schemas.UserPage, Bool), RequestFailure> = await cached(key) { _ in
            switch try await client.adminListUsers(query: query) {
            case .ok(let ok): return .modified(try ok.body.json, etag: nil)
            case .default(let statusCode, let problem): throw Self.failure(statusCode: statusCode, problem: problem, what: "users")
            }
        }
        return result.map { PageAnswer(items: $0.items, total: $0.total, isStale: $1, receivedAt: Date()) }
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

    func analytics(_ id: UUID, days: Int) async -> Result<Components.Schemas.ListingAnalytics, RequestFailure> {
        await attempt {
            switch try await client.listingsAnalytics(path: .init(listingId: id), query: .init(days: days)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "analytics"))
            }
        }
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

    func create(_ request: Components.Schemas.ListingCreate) async -> Result<ListingDetail, RequestFailure> {
        await cache.invalidate(kinds: [.myListingsPage, .adminListingsPage])
        return await attempt {
            switch try await client.listingsCreate(body: .json(request)) {
            case .created(let created):
                let listing = try created.body.json
                await cache.store(listing, for: CacheKey(.listing, listing.id.uuidString))
                return .success(listing)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "creating a listing"))
            }
        }
    }

    func update(_ id: UUID, _ update: Components.Schemas.ListingUpdate) async -> Result<ListingDetail, RequestFailure> {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.myListingsPage, .adminListingsPage, .browsePage])
        return await attempt {
            switch try await client.listingsUpdate(path: .init(listingId: id), body: .json(update)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "saving the listing"))
            }
        }
    }

    func delete(_ id: UUID) async -> RequestFailure? {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.myListingsPage, .adminListingsPage, .browsePage, .savedPage])
        let result: Result<Void, RequestFailure> = await attempt {
            switch try await client.listingsDelete(path: .init(listingId: id)) {
            case .noContent: return .success(())
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "deleting the listing"))
            }
        }
        if case .failure(let failure) = result { return failure }
        return nil
    }

    func upload(_ id: UUID, path: String, caption: String?, confidential: Bool) async -> Result<Components.Schemas.ListingMedia, RequestFailure> {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.myListingsPage, .browsePage])
        return await attempt {
            let file = try Self.readFile(path).get()
            var parts: [Operations.ListingsUploadMedia.Input.Body.MultipartFormPayload] = [
                .file(.init(payload: .init(body: HTTPBody(file.data)), filename: file.name)),
                .isConfidential(.init(payload: .init(body: HTTPBody(confidential ? "true" : "false")))),
            ]
            if let caption { parts.append(.caption(.init(payload: .init(body: HTTPBody(caption))))) }
            switch try await client.listingsUploadMedia(path: .init(listingId: id), body: .multipartForm(MultipartBody(parts))) {
            case .created(let created): return .success(try created.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "uploading"))
            }
        }
    }

    func deleteMedia(_ listingID: UUID, _ mediaID: UUID) async -> RequestFailure? {
        await cache.invalidate(CacheKey(.listing, listingID.uuidString))
        await cache.invalidate(kinds: [.myListingsPage, .browsePage])
        let result: Result<Void, RequestFailure> = await attempt {
            switch try await client.listingsDeleteMedia(path: .init(listingId: listingID, mediaId: mediaID)) {
            case .noContent: return .success(())
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "deleting the media"))
            }
        }
        if case .failure(let failure) = result { return failure }
        return nil
    }

    /// Approves, or with a reason rejects, a listing or its pending edits.
    func moderate(_ id: UUID, reason: String?) async -> Result<ListingDetail, RequestFailure> {
        await cache.invalidate(CacheKey(.listing, id.uuidString))
        await cache.invalidate(kinds: [.adminListingsPage, .browsePage, .myListingsPage])
        return await attempt {
            if let reason {
                switch try await client.adminRejectListing(path: .init(id: id), body: .json(.init(reason: reason))) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "rejecting"))
                }
            }
            switch try await client.adminApproveListing(path: .init(id: id)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "approving"))
            }
        }
    }

    func verify(_ id: UUID, verified: Bool, reason: String?) async -> Result<Account, RequestFailure> {
        await cache.invalidate(kinds: [.adminUsersPage])
        return await attempt {
            switch try await client.adminVerifyUser(path: .init(userId: id), body: .json(.init(verified: verified, reason: reason))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "verifying"))
            }
        }
    }

    func suspend(_ id: UUID, suspended: Bool, reason: String?) async -> Result<Account, RequestFailure> {
        // A suspended seller's listings leave browse.
        await cache.invalidate(kinds: [.adminUsersPage, .browsePage])
        return await attempt {
            switch try await client.adminSuspendUser(path: .init(userId: id), body: .json(.init(suspended: suspended, reason: reason))) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "suspending"))
            }
        }
    }
}
