import EaglehurstAPI
import Fluent
import Vapor

extension APIHandler {
    func listingsService() throws -> ListingsService { ListingsService(app: app, request: try RequestContext.request) }

    func listingsBrowse(_ input: Operations.ListingsBrowse.Input) async throws -> Operations.ListingsBrowse.Output {
        let viewer = try await auth.optionalUser()
        let q = input.query
        let filters = ListingSearch.Filters(
            text: q.q.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 },
            businessTypes: (q.businessType ?? []).map(\.rawValue),
            region: q.region.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 },
            minPrice: q.minPrice, maxPrice: q.maxPrice, minRevenue: q.minRevenue, maxRevenue: q.maxRevenue, sort: q.sort)
        let result = try await listingsService().browse(filters, page: try PageRequest(page: q.page, perPage: q.perPage), viewer: viewer)
        let page = result.page
        // The saved flags are all that is per viewer here: the middleware may give this answer to
        // anyone whose flags on this page are the same.
        let flags = viewer?.userType == .buyer
            ? ListingPageCache.flags(saved: Set(page.items.filter { $0.isSaved == true }.map(\.id))) : ListingPageCache.noFlags
        try RequestContext.request.storage[ListingAnswerNoteKey.self] = .init(
            generation: result.generation, search: result.search, ids: page.items.map(\.id), flags: flags)
        // Every field of a summary comes from its listing row, whose updated_at moves on each change;
        // saved flags and view counts are per viewer and listed too.
        let tag = ETag.fingerprint(["\(page.page)", "\(page.perPage)", "\(page.total)", "\(page.totalCapped ?? false)"]
            + page.items.map { "\($0.id):\($0.updatedAt.timeIntervalSince1970):\($0.isSaved.map(String.init) ?? "-"):\($0.viewCount ?? -1):\($0.status.rawValue)" })
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(page)))
    }

    func listingsCreate(_ input: Operations.ListingsCreate.Input) async throws -> Operations.ListingsCreate.Output {
        let seller = try await auth.user(.verified, is: .seller)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let service = try listingsService()
        let listing = try await service.create(body, seller: seller)
        return .created(.init(body: .json(try await service.detail(listing, viewer: seller))))
    }

    func listingsGet(_ input: Operations.ListingsGet.Input) async throws -> Operations.ListingsGet.Output {
        let viewer = try await auth.optionalUser()
        let service = try listingsService()
        let listing = try await service.visibleListing(input.path.listingId, viewer: viewer)
        try await service.recordView(listing, viewer: viewer)
        let detail = try await service.detail(listing, viewer: viewer)
        let tag = try ETag.of(detail)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(detail)))
    }

    func listingsUpdate(_ input: Operations.ListingsUpdate.Input) async throws -> Operations.ListingsUpdate.Output {
        let seller = try await auth.user(.verified, is: .seller)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let service = try listingsService()
        let listing = try await service.update(input.path.listingId, body, by: seller)
        return .ok(.init(body: .json(try await service.detail(listing, viewer: seller))))
    }

    func listingsDelete(_ input: Operations.ListingsDelete.Input) async throws -> Operations.ListingsDelete.Output {
        let user = try await auth.user(.verified, is: .seller, .admin)
        try await listingsService().delete(input.path.listingId, by: user)
        return .noContent(.init())
    }

    func listingsMyListings(_ input: Operations.ListingsMyListings.Input) async throws -> Operations.ListingsMyListings.Output {
        let seller = try await auth.user(.verified, is: .seller)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let status = input.query.status.map { Listing.Status(rawValue: $0.rawValue)! }
        return .ok(.init(body: .json(try await listingsService().myListings(seller, status: status, page: page))))
    }

    func listingsSave(_ input: Operations.ListingsSave.Input) async throws -> Operations.ListingsSave.Output {
        let buyer = try await auth.user(.verified, is: .buyer)
        var notes: String?
        if case .json(let body) = input.body { notes = body.notes }
        let (created, saved) = try await listingsService().save(input.path.listingId, buyer: buyer, notes: notes)
        return created ? .created(.init(body: .json(saved))) : .ok(.init(body: .json(saved)))
    }

    func listingsUnsave(_ input: Operations.ListingsUnsave.Input) async throws -> Operations.ListingsUnsave.Output {
        let buyer = try await auth.user(.verified, is: .buyer)
        try await listingsService().unsave(input.path.listingId, buyer: buyer)
        return .noContent(.init())
    }

    func listingsSaved(_ input: Operations.ListingsSaved.Input) async throws -> Operations.ListingsSaved.Output {
        let buyer = try await auth.user(.verified, is: .buyer)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await listingsService().saved(buyer, page: page))))
    }

    func listingsAnalytics(_ input: Operations.ListingsAnalytics.Input) async throws -> Operations.ListingsAnalytics.Output {
        let user = try await auth.user(.verified, is: .seller, .admin)
        let days = input.query.period.map { AnalyticsPeriod.named[$0.rawValue]! } ?? input.query.days ?? 30
        let analytics = try await listingsService().analytics(input.path.listingId, by: user, days: days)
        return .ok(.init(body: .json(analytics)))
    }
}
