import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Records searches in `search_queries` without putting a write on every search's path: entries
/// are buffered and written four times a second (and when the server stops), on connections that serve
/// no requests (`DatabaseID.searchLog`), in transactions of up to 1,000 rows so that other writers
/// never wait long for SQLite's write lock. Beyond `maxBuffered` searches between two writes, the
/// rest are not recorded.
final class SearchLog: Sendable {
    struct Entry: Sendable {
        var userID: UUID?
        var text: String?
        var filters: String
        var resultsCount: Int
        var at: Date
    }

    private let buffer = NIOLockedValueBox<[Entry]>([])
    /// The newest write; each waits for the one before, so a finished `flush()` has written everything recorded before it.
    private let lastWrite = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let database: @Sendable () -> any Database
    private let logger: Logger
    static let maxBuffered = 10_000

    init(database: @escaping @Sendable () -> any Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func record(_ entry: Entry) {
        buffer.withLockedValue { entries in
            if entries.count < Self.maxBuffered { entries.append(entry) }
        }
    }

    /// Writes what is buffered, once the writes already under way are done. Safe to call at any
    /// time; a failed batch is logged and dropped.
    func flush() async {
        let write = lastWrite.withLockedValue { last in
            let previous = last
            let write = Task {
                await previous?.value
                await self.writeBuffered()
            }
            last = write
            return write
        }
        await write.value
    }

    private func writeBuffered() async {
        let entries = buffer.withLockedValue { entries -> [Entry] in
            defer { entries.removeAll(keepingCapacity: true) }
            return entries
        }
        guard !entries.isEmpty else { return }
        do {
            for batch in stride(from: 0, to: entries.count, by: 1000) {
                try await database().transaction { db in
                    let sql = db.sql
                    if sql.dialect.name == "sqlite" {
                        // `prepareDatabase` sets this on the request connections only.
                        try await sql.raw("PRAGMA busy_timeout=5000").run()
                    }
                    for start in stride(from: batch, to: min(batch + 1000, entries.count), by: 200) {
                        var insert = sql.insert(into: "search_queries")
                            .columns("id", "user_id", "query_text", "filters", "results_count", "searched_at")
                        for entry in entries[start..<min(start + 200, entries.count)] {
                            insert = insert.values(SQLBind(TimeOrderedID.next()), SQLBind(entry.userID), SQLBind(entry.text),
                                                   SQLBind(entry.filters), SQLBind(entry.resultsCount), SQLBind(entry.at))
                        }
                        try await insert.run()
                    }
                }
            }
        } catch {
            logger.error("could not record searches", metadata: ["count": "\(entries.count)", "error": "\(LoggedError(error))"])
        }
    }
}

struct SearchLogKey: StorageKey { typealias Value = SearchLog }

extension Application {
    var searchLog: SearchLog {
        guard let log = storage[SearchLogKey.self] else { fatalError("configure(_:settings:) was not called") }
        return log
    }
}
