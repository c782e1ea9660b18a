@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// The worker records notifications many at a time: one claim and one transaction for a batch of
/// due notification jobs (group commit behind the one SQLite writer), and a job that fails does not
/// take its batch's others down with it.
final class NotificationBatchTests: XCTestCase {
    /// A server on each database with the worker off: the test turns the queue by hand.
    func forEachQueue(_ body: (TestServer, TestClock) async throws -> Void) async throws {
        let clock = TestClock()
        try await forEachDatabase(environment: clock.environment, customize: { $0.jobWorker = false }) { try await body($0, clock) }
    }

    func notifications(_ server: TestServer, _ user: UUID) async throws -> [EaglehurstServer.Notification] {
        try await EaglehurstServer.Notification.query(on: server.app.db).filter(\.$user.$id == user).all()
    }

    func queue(_ server: TestServer, _ count: Int, to user: UUID, at: Date, title: String = "Note") async throws {
        for n in 0..<count {
            try await server.app.jobs.enqueue(.notification, NotificationJob(
                userID: user, kind: "system", title: "\(title) \(n)", message: "Message \(n)", actionURL: nil, createdAt: at),
                on: server.app.db)
        }
    }

    func testOneTurnOfTheWorkerRecordsABatchOfDueNotificationsInOneTransaction() async throws {
        try await forEachQueue { server, clock in
            let user = try await account(server, .buyer, "batch@example.com")
            await server.app.jobs.runDue()  // whatever the account's set-up queued
            let before = try await notifications(server, user.id).count
            try await queue(server, 50, to: user.id, at: clock.now)

            await XCTAssertEqualAsync(await server.app.jobs.runNext(in: .messages), true)
            let recorded = try await notifications(server, user.id)
            XCTAssertEqual(recorded.count - before, 50, "one turn records every due notification of the batch")
            XCTAssertEqual(Set(recorded.map(\.title)).count, recorded.count, "each once")
            let left = try await server.app.db.sql.raw("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'notification'").first()?
                .decode(column: "n", as: Int.self)
            XCTAssertEqual(left, 0, "and their jobs are gone")
            let logs = try await NotificationLog.query(on: server.app.db).filter(\.$channel == "in_app").count()
            XCTAssertGreaterThanOrEqual(logs, 50, "each has its in-app log")
        }
    }

    func testAFailingJobInABatchIsRetriedAloneAndTheOthersAreRecorded() async throws {
        try await forEachQueue { server, clock in
            let user = try await account(server, .buyer, "poison@example.com")
            await server.app.jobs.runDue()
            let before = try await notifications(server, user.id).count
            try await queue(server, 5, to: user.id, at: clock.now, title: "Early")
            let at = clock.now
            try await server.app.db.sql.raw("""
                INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
                VALUES (\(bind: UUID()), 'notification', 'not a notification', 'queued', 0, 5, \(bind: at), \(bind: at), \(bind: at))
                """).run()
            try await queue(server, 5, to: user.id, at: clock.now, title: "Late")

            let ran = await server.app.jobs.runDue()
            XCTAssertEqual(ran, 11, "every job ran once: ten recorded, one failed")
            await XCTAssertEqualAsync(try await notifications(server, user.id).count - before, 10)
            let row = try await server.app.db.sql.raw("SELECT state, attempts, last_error, run_at FROM jobs WHERE kind = 'notification'").all()
            XCTAssertEqual(row.count, 1, "only the bad job is left")
            XCTAssertEqual(try row.first?.decode(column: "state", as: String.self), "queued")
            XCTAssertEqual(try row.first?.decode(column: "attempts", as: Int.self), 1)
            XCTAssertNotNil(try row.first?.decode(column: "last_error", as: String?.self))
            XCTAssertGreaterThan(try XCTUnwrap(row.first?.decode(column: "run_at", as: Date.self)), at, "it waits for its backoff")
        }
    }

    func testWorkersTakingBatchesAtOnceRecordEachNotificationOnce() async throws {
        try await forEachQueue { server, clock in
            let user = try await account(server, .buyer, "many@example.com")
            await server.app.jobs.runDue()
            let before = try await notifications(server, user.id).count
            try await queue(server, 300, to: user.id, at: clock.now)
            let app = server.app
            let ran = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<6 { group.addTask { await app.jobs.runDue() } }
                return await group.reduce(0, +)
            }
            XCTAssertEqual(ran, 300)
            let recorded = try await notifications(server, user.id)
            XCTAssertEqual(recorded.count - before, 300)
            XCTAssertEqual(Set(recorded.map(\.title)).count, 300, "no notification twice")
        }
    }
}
