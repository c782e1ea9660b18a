import FluentKit
import FluentSQLiteDriver
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Vapor

/// SQLite's writer: connections of their own, on a thread of their own, that only writes use.
///
/// fluent-sqlite-driver keeps one connection per event loop and runs every statement on the shared
/// thread pool. A write transaction then held its event loop's only connection, so every read of
/// that loop's requests waited for the writer to commit, and each of the writer's statements waited
/// in the thread pool behind those reads — the longer the queue of readers, the slower the one
/// writer that all other writers wait for (`SQLiteWriteGate`). Here writes (each transaction and
/// each writing statement outside one, after the gate) take a connection of this pool instead, whose
/// statements run on one thread that nothing else uses; reads keep the application's connections
/// and never wait for a write (WAL: they read the last commit).
final class SQLiteWriter: Sendable {
    private let databases: Databases
    private let threadPool: NIOThreadPool

    init(path: String, eventLoopGroup: any EventLoopGroup) {
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        databases.use(.sqlite(.file(path), sqlLogLevel: .trace), as: .sqlite)
    }

    /// The writer's connection pool on `eventLoop` (one connection per event loop; the gate lets
    /// one writer in at a time).
    func database(on eventLoop: any EventLoop, logger: Logger) -> any Database & SQLDatabase {
        guard let database = databases.database(.sqlite, logger: logger, on: eventLoop) as? any Database & SQLDatabase else {
            preconditionFailure("the SQLite writer's database is not an SQL database")
        }
        return database
    }

    /// Sets each of the writer's connections up as the application's (`prepareDatabase`).
    func prepare(eventLoopGroup: any EventLoopGroup, logger: Logger) async throws {
        for eventLoop in eventLoopGroup.makeIterator() {
            let db = database(on: eventLoop, logger: logger)
            try await db.raw("PRAGMA busy_timeout=5000").run()
            try await db.raw("PRAGMA foreign_keys=ON").run()
            try await db.raw("PRAGMA synchronous=NORMAL").run()
        }
    }

    func shutdown() async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
    }
}

struct SQLiteWriterKey: StorageKey { typealias Value = SQLiteWriter }

/// Closes the writer's connections and thread when the application shuts down.
struct SQLiteWriterLifecycle: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        await application.storage[SQLiteWriterKey.self]?.shutdown()
    }
}
