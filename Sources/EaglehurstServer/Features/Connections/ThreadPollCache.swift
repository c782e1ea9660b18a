import Foundation
import NIOConcurrencyHelpers
import Vapor

/// What the last full answer of `GET /connections/{id}/messages` was, per thread and query, so that
/// a client polling an unchanged thread is answered 304 from memory (`ThreadPollMiddleware`): no
/// database read, no task.
///
/// A thread's entries are dropped once a write that changes its version has committed (a message
/// sent or read: `ConnectionsService` calls `forget` after each such transaction), and after an
/// entry's `lifetime` in any case. A read that started before a drop is not stored (its `Ticket`).
/// Several servers on one PostgreSQL hear each other's writes through the `thread:<id>` announcement
/// (`NotifyThreadChanges`, `CacheInvalidation`).
final class ThreadPollCache: Sendable {
    static let lifetime: TimeInterval = 60
    static let maxThreads = 20_000

    struct Ticket: Sendable {
        fileprivate let epoch: UInt64
        fileprivate let clears: UInt64
    }

    private struct Thread {
        let buyer: UUID
        let seller: UUID
        var tags: [String: String]
        var expires: Date
    }

    private struct State {
        var threads: [UUID: Thread] = [:]
        /// Moves for a thread on every drop of it; kept only for threads dropped since the last clear.
        var epochs: [UUID: UInt64] = [:]
        var clears: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())
    private let answered = NIOLockedValueBox<UInt64>(0)

    /// How many polls were answered from memory (for tests and the operator).
    var answeredFromMemory: UInt64 { answered.withLockedValue { $0 } }

    func countAnswerFromMemory() {
        answered.withLockedValue { $0 &+= 1 }
    }

    /// Taken before reading the thread's version from the database.
    func ticket(for connection: UUID) -> Ticket {
        state.withLockedValue { Ticket(epoch: $0.epochs[connection] ?? 0, clears: $0.clears) }
    }

    /// The tag of the last answer to `query` on the thread, when `user` is one of its two parties.
    func tag(connection: UUID, query: String, user: UUID, now: Date) -> String? {
        state.withLockedValue { state in
            guard let thread = state.threads[connection] else { return nil }
            guard thread.expires > now else {
                state.threads[connection] = nil
                return nil
            }
            guard thread.buyer == user || thread.seller == user else { return nil }
            return thread.tags[query]
        }
    }

    func store(tag: String, connection: UUID, query: String, buyer: UUID, seller: UUID, now: Date, readSince ticket: Ticket) {
        state.withLockedValue { state in
            guard state.clears == ticket.clears, (state.epochs[connection] ?? 0) == ticket.epoch else { return }
            if state.threads.count >= Self.maxThreads || state.epochs.count >= Self.maxThreads {
                state.threads.removeAll()
                state.epochs.removeAll()
                state.clears &+= 1
                return
            }
            var thread = state.threads[connection] ?? Thread(buyer: buyer, seller: seller, tags: [:], expires: now)
            if thread.tags.count >= 16 { thread.tags.removeAll() }
            thread.tags[query] = tag
            thread.expires = now.addingTimeInterval(Self.lifetime)
            state.threads[connection] = thread
        }
    }

    func forget(connection: UUID) {
        state.withLockedValue { state in
            state.epochs[connection, default: 0] &+= 1
            state.threads[connection] = nil
        }
    }

    func forgetAll() {
        state.withLockedValue { state in
            state.threads.removeAll()
            state.epochs.removeAll()
            state.clears &+= 1
        }
    }
}

/// Access tokens this server verified (signature, type, subject), so that a hot path that may not
/// wait (`ThreadPollMiddleware`) can tell who is asking without JWTKit's asynchronous check. Keyed by
/// the whole token; expiry is still checked on every use, and the session through `AuthSessionCache`.
final class VerifiedTokens: Sendable {
    struct Claims: Sendable {
        let user: UUID
        let session: UUID
        let expires: Date
    }

    private let entries = ExpiringEntries<String, Claims>(lifetime: 5 * 60, maxEntries: 20_000)

    func claims(of token: String, now: Date) -> Claims? {
        entries.value(for: token, now: now, isValid: { $0.expires > now })
    }

    func store(_ claims: Claims, for token: String, now: Date) {
        entries.store(claims, for: token, now: now, readSince: entries.epoch)
    }
}

/// Answers `GET /api/v1/connections/{id}/messages` with `If-None-Match` from `ThreadPollCache`
/// when the thread has not changed since its last full answer: the poll of a client waiting in a
/// thread. It checks what the handler would (a live, verified sign-in that is a party of the
/// thread) from memory only; whenever anything is not in memory, the request goes on to the handler.
struct ThreadPollMiddleware: Middleware {
    static let prefix = "/api/v1/connections/"
    static let suffix = "/messages"

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.method == .GET, let response = answerFromMemory(request) else { return next.respond(to: request) }
        return request.eventLoop.makeSucceededFuture(response)
    }

    private func answerFromMemory(_ request: Request) -> Response? {
        guard let ifNoneMatch = request.headers.first(name: .ifNoneMatch),
              let (connection, query) = Self.thread(in: request.url.string),
              let token = request.headers.bearerAuthorization?.token else { return nil }
        let app = request.application
        let now = app.serverEnvironment.now()
        guard let claims = app.verifiedTokens.claims(of: token, now: now),
              let user = try? app.authSessionCache.user(session: claims.session, userID: claims.user, now: now),
              !user.isSuspended, user.emailVerified || !app.settings.emailVerificationRequired,
              let tag = app.threadPollCache.tag(connection: connection, query: query, user: claims.user, now: now),
              ETag.matches(ifNoneMatch.removingPercentEncoding ?? ifNoneMatch, tag) else { return nil }
        app.threadPollCache.countAnswerFromMemory()
        var headers = HTTPHeaders()
        headers.add(name: .eTag, value: ETag.headerValue(tag))
        return Response(status: .notModified, headers: headers)
    }

    /// The thread's id and the raw query of a target `/api/v1/connections/<uuid>/messages[?…]`.
    static func thread(in target: String) -> (UUID, String)? {
        guard target.hasPrefix(prefix) else { return nil }
        let rest = target.utf8.dropFirst(prefix.utf8.count)
        guard rest.count >= 36 + suffix.utf8.count,
              let id = UUID(uuidString: String(decoding: rest.prefix(36), as: UTF8.self)) else { return nil }
        let tail = rest.dropFirst(36)
        guard tail.starts(with: suffix.utf8) else { return nil }
        let after = tail.dropFirst(suffix.utf8.count)
        if after.isEmpty { return (id, "") }
        guard after.first == UInt8(ascii: "?") else { return nil }
        return (id, String(decoding: after.dropFirst(), as: UTF8.self))
    }
}

struct ThreadPollCacheKey: StorageKey { typealias Value = ThreadPollCache }
struct VerifiedTokensKey: StorageKey { typealias Value = VerifiedTokens }

extension Application {
    var threadPollCache: ThreadPollCache {
        guard let cache = storage[ThreadPollCacheKey.self] else { fatalError("configure(_:settings:) was not called") }
        return cache
    }

    var verifiedTokens: VerifiedTokens {
        guard let tokens = storage[VerifiedTokensKey.self] else { fatalError("configure(_:settings:) was not called") }
        return tokens
    }
}
