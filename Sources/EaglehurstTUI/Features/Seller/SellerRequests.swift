import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    /// A new listing answers as a listing write, which the seller's screen shares with the admin queue.
    func runSeller(_ effect: SellerEffect) async -> Message {
        switch effect {
        case .createListing(let request):
            .listings(.listingWritten(.created, await create(request)))
        case .deleteListing(let id):
            .seller(.listingDeleted(id: id, await delete(id)))
        case .uploadMedia(let id, let path, let caption, let confidential):
            .seller(.mediaUploaded(listingID: id, await upload(id, path: path, caption: caption, confidential: confidential)))
        case .deleteMedia(let listingID, let mediaID):
            .seller(.mediaDeleted(listingID: listingID, mediaID: mediaID, await deleteMedia(listingID, mediaID)))
        case .loadAnalytics(let id, let days):
            .seller(.analyticsLoaded(id: id, days: days, await analytics(id, days: days)))
        }
    }

    func analytics(_ id: UUID, days: Int) async -> Result<Components.Schemas.ListingAnalytics, RequestFailure> {
        await attempt {
            switch try await client.listingsAnalytics(path: .init(listingId: id), query: .init(days: days)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "analytics"))
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
}
