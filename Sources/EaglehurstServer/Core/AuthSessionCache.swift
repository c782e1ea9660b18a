import Fluent
import Foundation
import Vapor

/// Sign-ins this server checked in the last few seconds, so a request with an access token does
/// not read its session row and its user row again.
///
/// An entry holds the user's row as the database returned it and makes a fresh `User` from it for
/// each request, exactly as a read would. It answers for at most `lifetime` and is dropped at once
/// when this server ends the sign-in or changes the user:
/// - every save or delete of a `User` or `AuthSession` model (suspension, verification, sign-out,
///   refresh-token reuse; `AuthCacheModelMiddleware`);
/// - after the commit of every transaction that changes either, and after bulk updates that
///   bypass the models (password reset ends every session): a request that read the old row
///   between the write and the commit could otherwise put it back.
/// A read that started before a drop is not stored (`epoch`).
///
/// Several servers on one PostgreSQL tell each other: triggers announce every change of a user or
/// session row when it commits and `CacheInvalidation` drops the entries here at once.
final class AuthSessionCache: Sendable {
    static let lifetime: TimeInterval = 30
    static let maxEntries = 10_000

    private struct Entry: Sendable {
        let userID: UUID
        let userRow: any DatabaseOutput
    }

    private let entries = ExpiringEntries<UUID, Entry>(lifetime: lifetime, maxEntries: maxEntries)

    /// The user of a live session checked less than `lifetime` ago, read afresh from its cached row.
    func user(session: UUID, userID: UUID, now: Date) throws -> User? {
        guard let entry = entries.value(for: session, now: now, isValid: { $0.userID == userID }) else { return nil }
        let user = User()
        try user.output(from: entry.userRow)
        return user
    }

    /// Taken before reading the rows that `store` is then given.
    var epoch: UInt64 { entries.epoch }

    /// Keeps a checked session unless something was dropped since `epoch` was taken.
    func store(session: UUID, userID: UUID, userRow: any DatabaseOutput, now: Date, readSince epoch: UInt64) {
        entries.store(Entry(userID: userID, userRow: userRow), for: session, now: now, readSince: epoch)
    }

    func forget(session: UUID) {
        entries.forget(session)
    }

    func forget(user: UUID) {
        entries.forget { $0.userID == user }
    }

    func forgetAll() {
        entries.forget { _ in true }
    }
}

/// Drops cached sign-ins when a `User` or an `AuthSession` is saved or deleted through its model.
struct AuthCacheModelMiddleware: AnyModelMiddleware {
    let cache: AuthSessionCache

    func handle(
        _ event: ModelEvent, _ model: any AnyModel, on db: any Database, chainingTo next: any AnyModelResponder
    ) -> EventLoopFuture<Void> {
        let user = (model as? User)?.id, session = (model as? AuthSession)?.id
        return next.handle(event, model, on: db).map { [cache] in
            switch event {
            case .update, .delete, .softDelete, .restore:
                if let user { cache.forget(user: user) }
                if let session { cache.forget(session: session) }
            case .create:
                break
            }
        }
    }
}

struct AuthSessionCacheKey: StorageKey { typealias Value = AuthSessionCache }

extension Application {
    var authSessionCache: AuthSessionCache {
        guard let cache = storage[AuthSessionCacheKey.self] else { fatalError("configure(_:settings:) was not called") }
        return cache
    }
}
