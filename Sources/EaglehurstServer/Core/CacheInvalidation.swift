import FluentPostgresDriver
import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import Vapor

/// Hears, over PostgreSQL `LISTEN eaglehurst_cache`, what any server changed, and drops what this
/// server's caches hold of it — at once, not when an entry expires. The announcements come from
/// triggers (`NotifyCacheChanges`), so they are sent only when the change commits, whichever server
/// (or `psql`) made it; this server hears its own changes too, which costs one more drop.
///
/// `apply(_:)` is the one place every announcement lands. A lost connection is retried with backoff,
/// and every cache is dropped on each (re)connect, since announcements sent while deaf are gone.
/// On SQLite there is one process and nothing to hear: no listener runs.
struct CacheInvalidation {
    let app: Application

    /// What one announcement says changed.
    enum Change: Equatable {
        case user(UUID), session(UUID), saved(buyer: UUID), listing(UUID), thread(UUID)

        init?(_ payload: String) {
            let parts = payload.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let id = UUID(uuidString: String(parts[1])) else { return nil }
            switch parts[0] {
            case "user": self = .user(id)
            case "session": self = .session(id)
            case "saved": self = .saved(buyer: id)
            case "listing": self = .listing(id)
            case "thread": self = .thread(id)
            default: return nil
            }
        }
    }

    /// Announced when the search generation moved for something no listing row says (premium placement).
    static let searchPayload = "search:"

    func apply(_ payload: String) {
        if payload == Self.searchPayload {
            app.searchIndexCache.generationReader.invalidate()
            if app.searchIndexCache.isLoaded { app.searchIndexWarmer.warm(app) }
            return
        }
        guard let change = Change(payload) else {
            app.logger.warning("unknown cache announcement", metadata: ["payload": "\(payload)"])
            return
        }
        switch change {
        case .user(let id):
            app.authSessionCache.forget(user: id)
            // A seller's suspension hides their listings: the search generation moved too.
            app.searchIndexCache.generationReader.invalidate()
        case .session(let id): app.authSessionCache.forget(session: id)
        case .saved(let buyer): app.savedIDsCache.forget(buyer: buyer)
        case .listing(let id): listingChanged(id)
        case .thread(let id): app.threadPollCache.forget(connection: id)
        }
    }

    /// Where a change to a listing that browse or search shows lands (a seller's suspension moves
    /// each of their published listings' rows through the search generation too).
    ///
    /// The browse page cache and the search index are keyed by the database's search generation,
    /// which this server holds in memory between announcements (`SearchGenerationReader`): the next
    /// search reads it again, so it never serves a stale page; this also brings the index to the new
    /// generation now (in place: the listings the change log names are read again), so that the next
    /// search here does not wait for it.
    func listingChanged(_ id: UUID) {
        app.searchIndexCache.generationReader.invalidate()
        guard app.searchIndexCache.isLoaded else { return }  // nobody searched here yet: nothing to warm
        app.searchIndexWarmer.warm(app)
    }

    /// After a (re)connect: whatever was announced while this server was deaf is unknown.
    func forgetEverything() {
        app.searchIndexCache.generationReader.invalidate()
        app.authSessionCache.forgetAll()
        app.savedIDsCache.forgetAll()
        app.threadPollCache.forgetAll()
    }
}

/// Loads the search index for the newest generation in the background, one load at a time; changes
/// announced while a load runs are covered by one more load after it.
final class SearchIndexWarmer: Sendable {
    private struct State {
        var running = false
        var again = false
    }

    private let state = NIOLockedValueBox(State())
    /// Awaited before each load this warmer runs: a test holds the load with it to see the server
    /// while its index is loading (`GET /health/ready` then answers 503).
    let beforeLoad = NIOLockedValueBox<(@Sendable () async -> Void)?>(nil)

    func warm(_ app: Application) {
        let start = state.withLockedValue { state -> Bool in
            if state.running { state.again = true; return false }
            state.running = true
            return true
        }
        guard start else { return }
        Task.detached { [weak app] in
            while let app, !app.didShutdown {
                do {
                    await self.beforeLoad.withLockedValue({ $0 })?()
                    let sql = app.db.sql
                    try await app.searchIndexCache.catchUp(on: sql)
                } catch {
                    app.logger.debug("search index warm-up failed", metadata: ["error": "\(LoggedError(error))"])
                }
                let again = self.state.withLockedValue { state -> Bool in
                    if state.again { state.again = false; return true }
                    state.running = false
                    return false
                }
                if !again { return }
            }
            self.state.withLockedValue { $0.running = false }
        }
    }
}

struct SearchIndexWarmerKey: StorageKey { typealias Value = SearchIndexWarmer }

extension Application {
    var searchIndexWarmer: SearchIndexWarmer {
        guard let warmer = storage[SearchIndexWarmerKey.self] else { fatalError("configure(_:settings:) was not called") }
        return warmer
    }
}

/// The `LISTEN` connection of this server (PostgreSQL only), opened before the server takes requests.
struct CacheListenerLifecycle: LifecycleHandler {
    final class Listener: Sendable {
        let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
        let connection = NIOLockedValueBox<PostgresConnection?>(nil)
        let stopping = NIOLockedValueBox(false)
    }

    func didBootAsync(_ application: Application) async throws {
        guard case .postgres(let url) = application.settings.database else { return }
        let configuration = try SQLPostgresConfiguration(url: url).coreConfiguration
        let listener = Listener()
        application.storage[CacheListenerKey.self] = listener
        // Until LISTEN holds, another server's change would go unheard: read the generation every time.
        let generation = application.searchIndexCache.generationReader
        generation.setHeard(false)
        let invalidation = CacheInvalidation(app: application)
        let logger = application.logger
        let eventLoop = application.eventLoopGroup.any()
        // The first LISTEN is awaited: a server must not answer from caches it cannot hear about.
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let task = Task {
            var delay: Duration = .milliseconds(100)
            var signalled = false
            while !listener.stopping.withLockedValue({ $0 }) {
                do {
                    let connection = try await PostgresConnection.connect(
                        on: eventLoop, configuration: configuration, id: 1, logger: logger)
                    listener.connection.withLockedValue { $0 = connection }
                    if listener.stopping.withLockedValue({ $0 }) { try? await connection.close(); break }
                    try await connection.listen(on: NotifyCacheChanges.channel) { notifications in
                        invalidation.forgetEverything()
                        generation.setHeard(true)
                        delay = .milliseconds(100)
                        if !signalled { signalled = true; readyContinuation.finish() }
                        for try await notification in notifications {
                            invalidation.apply(notification.payload)
                        }
                    }
                    try? await connection.close()
                } catch {
                    if listener.stopping.withLockedValue({ $0 }) { break }
                    // Start anyway: the caches then hold entries for their lifetime, as on one server.
                    if !signalled { signalled = true; readyContinuation.finish() }
                    logger.warning("cache announcements: connection lost; retrying", metadata: ["error": "\(LoggedError(error))"])
                }
                // Deaf until the next LISTEN: forget now, too, so nothing stale is served meanwhile.
                generation.setHeard(false)
                invalidation.forgetEverything()
                if listener.stopping.withLockedValue({ $0 }) { break }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
            if !signalled { readyContinuation.finish() }
        }
        listener.task.withLockedValue { $0 = task }
        for await _ in ready {}
    }

    func shutdownAsync(_ application: Application) async {
        guard let listener = application.storage[CacheListenerKey.self] else { return }
        listener.stopping.withLockedValue { $0 = true }
        if let connection = listener.connection.withLockedValue({ $0 }) { try? await connection.close() }
        await listener.task.withLockedValue({ $0 })?.value
    }
}

struct CacheListenerKey: StorageKey { typealias Value = CacheListenerLifecycle.Listener }
