import Fluent
import Foundation
import Vapor

/// Each buyer's saved listing ids, for a few seconds, so that browsing does not ask the database for
/// the saved flags of every page a buyer turns.
///
/// Dropped at once when this server saves or unsaves for the buyer: after the commit of `save` and
/// `unsave`, and on any create or delete of a `SavedListing` model. A read that started before a
/// drop is not stored (`epoch`). With several servers on one PostgreSQL, a save made through another
/// server is announced when it commits and dropped here at once (`CacheInvalidation`). Buyers with more than `maxSaved` saved listings are asked
/// per page, as before.
final class SavedIDsCache: Sendable {
    static let lifetime: TimeInterval = 10
    static let maxEntries = 10_000
    static let maxSaved = 2_000

    private let entries = ExpiringEntries<UUID, Set<UUID>>(lifetime: lifetime, maxEntries: maxEntries)

    /// Taken before reading what `store` is then given.
    var epoch: UInt64 { entries.epoch }

    func ids(of buyer: UUID, now: Date) -> Set<UUID>? {
        entries.value(for: buyer, now: now)
    }

    func store(_ ids: Set<UUID>, of buyer: UUID, now: Date, readSince epoch: UInt64) {
        entries.store(ids, for: buyer, now: now, readSince: epoch)
    }

    func forget(buyer: UUID) {
        entries.forget(buyer)
    }

    func forgetAll() {
        entries.forget { _ in true }
    }

    /// Which of `ids` the buyer saved: from the cached set when there is one, else from one read of
    /// all the buyer's saved ids (kept), or of just these for a buyer who saved very many.
    func savedIDs(of buyer: UUID, among ids: [UUID], on db: any Database, now: Date) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        if let all = self.ids(of: buyer, now: now) { return all.intersection(ids) }
        let epoch = self.epoch
        let all = try await SavedListing.query(on: db).filter(\.$buyer.$id == buyer).limit(Self.maxSaved + 1).all(\.$listing.$id)
        guard all.count <= Self.maxSaved else {
            return Set(try await SavedListing.query(on: db).filter(\.$buyer.$id == buyer).filter(\.$listing.$id ~~ ids).all(\.$listing.$id))
        }
        let saved = Set(all)
        store(saved, of: buyer, now: now, readSince: epoch)
        return saved.intersection(ids)
    }
}

/// Drops a buyer's cached saved ids when a `SavedListing` of theirs is created or deleted through its model.
struct SavedIDsCacheModelMiddleware: AnyModelMiddleware {
    let cache: SavedIDsCache

    func handle(
        _ event: ModelEvent, _ model: any AnyModel, on db: any Database, chainingTo next: any AnyModelResponder
    ) -> EventLoopFuture<Void> {
        let buyer = (model as? SavedListing)?.$buyer.id
        return next.handle(event, model, on: db).map { [cache] in
            guard let buyer else { return }
            switch event {
            case .create, .delete, .softDelete, .restore: cache.forget(buyer: buyer)
            case .update: break
            }
        }
    }
}

struct SavedIDsCacheKey: StorageKey { typealias Value = SavedIDsCache }

extension Application {
    var savedIDsCache: SavedIDsCache {
        guard let cache = storage[SavedIDsCacheKey.self] else { fatalError("configure(_:settings:) was not called") }
        return cache
    }
}
