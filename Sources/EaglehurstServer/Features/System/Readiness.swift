import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Whether this server should get traffic now (`GET /health/ready`): the first reason it should
/// not, or nil. Checked in the order an operator would look: a draining server says so even when its
/// database is down.
struct Readiness {
    enum Reason: String {
        case draining
        case databaseUnreachable = "database unreachable"
        case migrationsPending = "migrations pending"
        case searchIndexLoading = "search index loading"
    }

    let app: Application

    func reason() async -> Reason? {
        if app.isDraining { return .draining }
        let pending: Int
        do {
            try await app.db.sql.raw("SELECT 1").run()
            pending = try await app.migrator.previewPrepareBatch().get().count
        } catch {
            app.logger.warning("readiness: database did not answer", metadata: ["error": "\(LoggedError(error))"])
            return .databaseUnreachable
        }
        if pending > 0 { return .migrationsPending }
        guard app.searchIndexCache.isLoaded else {
            // `serve` starts the load at boot; asking again restarts one that failed (a database that
            // was down then), and is a no-op while one runs.
            app.searchIndexWarmer.warm(app)
            return .searchIndexLoading
        }
        return nil
    }
}

/// Set once `serve` begins to drain (SIGTERM): from then on the server is not ready.
final class Draining: Sendable {
    private let started = NIOLockedValueBox(false)

    func begin() { started.withLockedValue { $0 = true } }
    var isDraining: Bool { started.withLockedValue { $0 } }
}

struct DrainingKey: StorageKey { typealias Value = Draining }

extension Application {
    /// False for an application `RunningServer` did not start (one-shot commands never drain).
    var isDraining: Bool { storage[DrainingKey.self]?.isDraining ?? false }
}
