import FluentKit
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// Wraps a database configuration so that every write this server makes that may move the search
/// generation marks the generation it holds stale (`SearchGenerationReader.invalidate()`) once the
/// write has committed: a statement outside a transaction when it completes, a transaction when it
/// ends. Writes are Fluent creates, updates and deletes of `listings` and `users`, and raw SQL that
/// is not a `SELECT` and names `listings`, `users` or the generation's own table (the triggers move
/// the generation on those; a column such as `listing_id` of another table does not count).
///
/// On SQLite it is also where writes are put in single file (`SQLiteWriteGate`): every transaction
/// and every writing statement outside one waits for the gate before it takes a connection, and a
/// transaction begins `IMMEDIATE`.
struct SearchGenerationWatch: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let reader: SearchGenerationReader
    /// SQLite's one writer; nil on PostgreSQL, whose writers wait on row locks instead.
    var writeGate: SQLiteWriteGate? = nil
    /// SQLite's writer connections, which writes take after the gate; nil on PostgreSQL.
    var writer: SQLiteWriter? = nil

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        Driver(base: base.makeDriver(for: databases), reader: reader, writeGate: writeGate, writer: writer)
    }

    struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let reader: SearchGenerationReader
        let writeGate: SQLiteWriteGate?
        let writer: SQLiteWriter?

        func makeDatabase(with context: DatabaseContext) -> any Database {
            let database = base.makeDatabase(with: context)
            guard let sql = database as? any Database & SQLDatabase else { return database }
            return WatchedDatabase(base: sql, reader: reader, transactionWrote: nil, writeGate: writeGate, writer: writer)
        }

        func shutdown() { base.shutdown() }
        func shutdownAsync() async { await base.shutdownAsync() }
    }

    /// Whether a Fluent query may move the search generation.
    static func mayMove(_ query: DatabaseQuery) -> Bool {
        switch query.action {
        case .create, .update, .delete: return query.schema == "listings" || query.schema == "users"
        case .read, .aggregate, .custom: return false
        }
    }

    /// Whether a Fluent query writes (and so waits for SQLite's write gate outside a transaction).
    static func writes(_ query: DatabaseQuery) -> Bool {
        switch query.action {
        case .create, .update, .delete, .custom: return true
        case .read, .aggregate: return false
        }
    }

    /// What raw SQL does, read from its text once: whether it writes (anything but a `SELECT`,
    /// `VALUES`, `PRAGMA` or `EXPLAIN`; a `WITH` counts as a write, to be safe) and whether it may
    /// move the search generation (a write about listings, users or the generation's own table; a
    /// column such as `listing_id` of another table does not count).
    struct RawEffect {
        var writes: Bool
        var mayMove: Bool
        static let read = RawEffect(writes: false, mayMove: false)
    }

    static func effect(of expression: any SQLExpression, on database: any SQLDatabase) -> RawEffect {
        switch expression {
        case is SQLSelect, is SQLUnion: return .read
        default: break
        }
        let text = database.serialize(expression).sql.lowercased()
        let verb = text.drop { $0 == " " || $0 == "\n" || $0 == "(" }.prefix(7)
        if verb.hasPrefix("select") || verb.hasPrefix("values") || verb.hasPrefix("pragma") || verb.hasPrefix("explain") { return .read }
        return RawEffect(
            writes: true,
            mayMove: text.contains("listings") || text.contains("users") || text.contains("listing_search_generation"))
    }
}

/// A database whose writes are watched (see `SearchGenerationWatch`). Inside a transaction a write
/// is noted in `transactionWrote` and the generation is marked stale when the transaction ends.
struct WatchedDatabase: Database, SQLDatabase {
    let base: any Database & SQLDatabase
    let reader: SearchGenerationReader
    let transactionWrote: NIOLockedValueBox<Bool>?
    let writeGate: SQLiteWriteGate?
    let writer: SQLiteWriter?
    /// True inside a transaction this type began itself (SQLite's `BEGIN IMMEDIATE`), where `base`
    /// is the transaction's connection but does not know it is in one.
    var ownTransaction = false

    private func wrote<T>(_ future: EventLoopFuture<T>) -> EventLoopFuture<T> {
        if let transactionWrote {
            transactionWrote.withLockedValue { $0 = true }
            return future
        }
        return future.always { [reader] _ in reader.invalidate() }
    }

    private func wrap(_ database: any Database, in transaction: NIOLockedValueBox<Bool>?) -> any Database {
        guard let sql = database as? any Database & SQLDatabase else { return database }
        return WatchedDatabase(base: sql, reader: reader, transactionWrote: transaction, writeGate: writeGate, writer: writer, ownTransaction: ownTransaction)
    }

    /// The gate a statement outside a transaction waits for, when it writes on SQLite.
    private var gateOutsideTransaction: SQLiteWriteGate? {
        inTransaction ? nil : writeGate
    }

    /// Runs `work` on this database, or — for a write outside a transaction on SQLite — after the
    /// gate on the writer's connection (`SQLiteWriter`).
    private func gated<T>(
        _ writes: Bool, _ work: @escaping @Sendable (any Database & SQLDatabase) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        guard writes, let gate = gateOutsideTransaction else { return work(base) }
        let target = writerDatabase
        return gate.withGate(on: eventLoop) { work(target) }
    }

    /// Where SQLite's writes go: the writer's connection on this event loop (this database itself
    /// without a writer).
    private var writerDatabase: any Database & SQLDatabase {
        writer?.database(on: eventLoop, logger: logger) ?? base
    }

    // MARK: Database

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { ownTransaction || base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        let future = gated(SearchGenerationWatch.writes(query)) { $0.execute(query: query, onOutput: onOutput) }
        return SearchGenerationWatch.mayMove(query) ? wrote(future) : future
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        gated(true) { $0.execute(schema: schema) }
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        gated(true) { $0.execute(enum: `enum`) }
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if ownTransaction { return closure(self) }
        if transactionWrote != nil { return base.transaction { closure(wrap($0, in: transactionWrote)) } }
        let box = NIOLockedValueBox(false)
        let done: EventLoopFuture<T>
        if let writeGate, !base.inTransaction {
            done = writeGate.withGate(on: eventLoop) { [self] in immediateTransaction(box, closure) }
        } else {
            done = base.transaction { closure(wrap($0, in: box)) }
        }
        return done.always { [reader] _ in if box.withLockedValue({ $0 }) { reader.invalidate() } }
    }

    /// SQLite's transaction, begun `IMMEDIATE` on one connection: it holds the write lock from its
    /// first statement, so it never upgrades a read to a write half-way (FluentSQLiteDriver's own
    /// transactions begin deferred).
    private func immediateTransaction<T>(
        _ box: NIOLockedValueBox<Bool>, _ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        writerDatabase.withConnection { [self] connection in
            guard let sql = connection as? any Database & SQLDatabase else { return closure(connection) }
            let inside = WatchedDatabase(base: sql, reader: reader, transactionWrote: box, writeGate: writeGate, writer: writer, ownTransaction: true)
            return sql.raw("BEGIN IMMEDIATE TRANSACTION").run()
                .flatMap { closure(inside) }
                .flatMap { result in sql.raw("COMMIT TRANSACTION").run().map { result } }
                .flatMapError { error in
                    sql.raw("ROLLBACK TRANSACTION").run().flatMapErrorThrowing { _ in () }.flatMapThrowing { throw error }
                }
        }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if ownTransaction { return closure(self) }
        return base.withConnection { closure(wrap($0, in: transactionWrote)) }
    }

    // MARK: SQLDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let effect = SearchGenerationWatch.effect(of: query, on: base)
        let future = gated(effect.writes) { $0.execute(sql: query, onRow) }
        return effect.mayMove ? wrote(future) : future
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let effect = SearchGenerationWatch.effect(of: query, on: base)
        if effect.writes, let gate = gateOutsideTransaction {
            let target = writerDatabase
            try await gate.withGate(on: eventLoop) { try await executeWatched(sql: query, on: target, mayMove: effect.mayMove, onRow) }
        } else {
            try await executeWatched(sql: query, on: base, mayMove: effect.mayMove, onRow)
        }
    }

    private func executeWatched(
        sql query: any SQLExpression, on target: any Database & SQLDatabase, mayMove: Bool,
        _ onRow: @escaping @Sendable (any SQLRow) -> Void
    ) async throws {
        guard mayMove else { return try await target.execute(sql: query, onRow) }
        if let transactionWrote {
            transactionWrote.withLockedValue { $0 = true }
            return try await target.execute(sql: query, onRow)
        }
        defer { reader.invalidate() }
        try await target.execute(sql: query, onRow)
    }

    /// A session's statements are not watched one by one: it is marked stale when the session ends.
    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        defer { reader.invalidate() }
        return try await base.withSession(closure)
    }
}
