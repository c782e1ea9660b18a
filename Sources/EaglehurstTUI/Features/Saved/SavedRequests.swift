import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    func runSaved(_ effect: SavedEffect) async -> SavedMessage {
        switch effect {
        case .loadSavedPage(let page, let perPage, let generation):
            .savedPageLoaded(page: page, generation: generation, await savedPage(page: page, perPage: perPage))
        }
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
}
