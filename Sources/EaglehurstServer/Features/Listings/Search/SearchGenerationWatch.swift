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
struct SearchGenerationWatch: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let reader: SearchGenerationReader

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        Driver(base: base.makeDriver(for: databases), reader: reader)
    }

    struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let reader: SearchGenerationReader

        func makeDatabase(with context: DatabaseContext) -> any Database {
            let database = base.makeDatabase(with: context)
            guard let sql = database as? any Database & SQLDatabase else { return database }
            return WatchedDatabase(base: sql, reader: reader, transactionWrote: nil)
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

    /// Whether raw SQL may move the search generation: not a read, and about listings or users.
    static func mayMove(_ expression: any SQLExpression, on database: any SQLDatabase) -> Bool {
        switch expression {
        case is SQLSelect, is SQLUnion: return false
        default: break
        }
        let text = database.serialize(expression).sql.lowercased()
        let verb = text.drop { $0 == " " || $0 == "\n" || $0 == "(" }.prefix(7)
        if verb.hasPrefix("select") || verb.hasPrefix("pragma") || verb.hasPrefix("explain") { return false }
        return text.contains("listings") || text.contains("users") || text.contains("listing_search_generation")
    }
}

/// A database whose writes are watched (see `SearchGenerationWatch`). Inside a transaction a write
/// is noted in `transactionWrote` and the generation is marked stale when the transaction ends.
struct WatchedDatabase: Database, SQLDatabase {
    let base: any Database & SQLDatabase
    let reader: SearchGenerationReader
    let transactionWrote: NIOLockedValueBox<Bool>?

    private func wrote<T>(_ future: EventLoopFuture<T>) -> EventLoopFuture<T> {
        if let transactionWrote {
            transactionWrote.withLockedValue { $0 = true }
            return future
        }
        return future.always { [reader] _ in reader.invalidate() }
    }

    private func wrap(_ database: any Database, in transaction: NIOLockedValueBox<Bool>?) -> any Database {
        guard let sql = database as? any Database & SQLDatabase else { return database }
        return WatchedDatabase(base: sql, reader: reader, transactionWrote: transaction)
    }

    // MARK: Database

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        let future = base.execute(query: query, onOutput: onOutput)
        return SearchGenerationWatch.mayMove(query) ? wrote(future) : future
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        base.execute(schema: schema)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        base.execute(enum: `enum`)
    }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if transactionWrote != nil { return base.transaction { closure(wrap($0, in: transactionWrote)) } }
        let box = NIOLockedValueBox(false)
        return base.transaction { closure(wrap($0, in: box)) }
            .always { [reader] _ in if box.withLockedValue({ $0 }) { reader.invalidate() } }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection { closure(wrap($0, in: transactionWrote)) }
    }

    // MARK: SQLDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let future = base.execute(sql: query, onRow)
        return SearchGenerationWatch.mayMove(query, on: base) ? wrote(future) : future
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        guard SearchGenerationWatch.mayMove(query, on: base) else { return try await base.execute(sql: query, onRow) }
        if let transactionWrote {
            transactionWrote.withLockedValue { $0 = true }
            return try await base.execute(sql: query, onRow)
        }
        defer { reader.invalidate() }
        try await base.execute(sql: query, onRow)
    }

    /// A session's statements are not watched one by one: it is marked stale when the session ends.
    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        defer { reader.invalidate() }
        return try await base.withSession(closure)
    }
}
