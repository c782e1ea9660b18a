@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor
import XCTest

/// Reads never wait for a write: while a transaction is open (on SQLite it holds the one writer),
/// a read on the same event loop is answered — from the last commit — instead of queueing for the
/// connection the transaction holds.
final class SQLiteWriterTests: XCTestCase {
    func testAReadOnTheSameEventLoopIsAnsweredWhileAWriteTransactionIsOpen() async throws {
        try await forEachDatabase { server in
            let app = server.app
            let eventLoop = app.eventLoopGroup.next()
            let db = try XCTUnwrap(app.databases.database(logger: app.logger, on: eventLoop))
            let jobsBefore = try await count(db)

            let readWhileOpen = NIOLockedValueBox<Int?>(nil)
            let transaction = Task {
                try await db.transaction { tx in
                    let at = Date()
                    try await tx.sql.raw("""
                        INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
                        VALUES (\(bind: UUID()), 'mail', '{}', 'dead', 5, 5, \(bind: at), \(bind: at), \(bind: at))
                        """).run()
                    // Stays open until the read below has its answer (or 10 s pass: then it failed).
                    for _ in 0..<1000 where readWhileOpen.withLockedValue({ $0 }) == nil {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(100))  // the transaction has begun and written
            let seen = try await count(db)
            readWhileOpen.withLockedValue { $0 = seen }
            try await transaction.value

            XCTAssertEqual(seen, jobsBefore, "the read answered while the transaction was open, from the last commit")
            await XCTAssertEqualAsync(try await count(db), jobsBefore + 1, "and the write committed")
        }
    }

    func count(_ db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM jobs").first()?.decode(column: "n", as: Int.self) ?? -1
    }
}
