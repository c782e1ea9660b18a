@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// The durable job queue: mail and notifications leave the request path as rows in `jobs`, commit
/// with the work that caused them, survive a restart, are retried with backoff and end `dead`.
final class JobQueueTests: XCTestCase {
    /// A server on each database, with the worker off unless `worker` is set: the test runs the queue
    /// by hand (`app.jobs.runDue()`), so it can look at the jobs while they wait.
    func forEachDatabase(
        worker: Bool = false, clock: TestClock = TestClock(), customize: @escaping (inout Settings) -> Void = { _ in },
        _ body: (TestServer, TestClock) async throws -> Void
    ) async throws {
        for database in TestDatabase.underTest {
            let clock = TestClock(clock.now)
            let server = try await TestServer.start(database, environment: clock.environment) {
                $0.jobWorker = worker
                customize(&$0)
            }
            do {
                try await body(server, clock)
            } catch {
                try? await server.stop()
                XCTFail("[\(database)] \(error)")
                throw error
            }
            try await server.stop()
        }
    }

    struct JobRow {
        var kind: String, state: String, attempts: Int, runAt: Date, lastError: String?
    }

    func jobs(_ server: TestServer) async throws -> [JobRow] {
        try await server.app.db.sql.raw("""
            SELECT kind, state, attempts, run_at, last_error FROM jobs ORDER BY created_at, kind
            """).all().map {
            JobRow(kind: try $0.decode(column: "kind", as: String.self), state: try $0.decode(column: "state", as: String.self),
                   attempts: try $0.decode(column: "attempts", as: Int.self), runAt: try $0.decode(column: "run_at", as: Date.self),
                   lastError: try $0.decode(column: "last_error", as: String?.self))
        }
    }

    func register(_ server: TestServer, _ email: String) async throws -> TestResponse {
        try await server.request(.POST, "/auth/register", body: json([
            "email": email, "password": "Passw0rdX!", "user_type": "buyer", "first_name": "Ann", "last_name": "Lee",
        ]))
    }

    // MARK: mail leaves the request path

    func testTheVerificationMailIsQueuedWithTheAccountAndSentByTheWorker() async throws {
        try await forEachDatabase { server, _ in
            let response = try await register(server, "q@example.com")
            XCTAssertEqual(response.status, 201, response.text)
            XCTAssertEqual(try server.outbox().count, 0, "the request does not send the mail itself")
            let queued = try await jobs(server)
            XCTAssertEqual(queued.map(\.kind), ["mail"])
            XCTAssertEqual(queued.map(\.state), ["queued"])
            await XCTAssertEqualAsync(try await server.app.jobs.counts().due, 1)

            await XCTAssertEqualAsync(await server.app.jobs.runDue(), 1)
            let mail = try server.outbox()
            XCTAssertEqual(mail.count, 1)
            XCTAssertTrue(mail[0].contains("q@example.com") && mail[0].contains("verification code"), mail[0])
            await XCTAssertEqualAsync(try await jobs(server).count, 0, "a sent mail's job is gone")
            await XCTAssertEqualAsync(try await server.app.jobs.counts(), .init(due: 0, scheduled: 0, running: 0, dead: 0, oldestDueAt: nil))
        }
    }

    func testARefusedRegistrationQueuesNoMail() async throws {
        try await forEachDatabase { server, _ in
            await XCTAssertEqualAsync(try await register(server, "twice@example.com").status, 201)
            let again = try await register(server, "twice@example.com")
            XCTAssertEqual(again.status, 409, again.text)
            await XCTAssertEqualAsync(try await jobs(server).count, 1, "only the first registration's mail")
        }
    }

    // MARK: retries, backoff, dead

    func testAFailingMailIsRetriedWithExponentialBackoffAndThenDead() async throws {
        try await forEachDatabase(customize: { $0.smtpURL = URL(string: "smtp://127.0.0.1:9")! }) { server, clock in
            await XCTAssertEqualAsync(try await register(server, "down@example.com").status, 201)
            var expectedDelay: TimeInterval = 30
            for attempt in 1...JobKind.mail.maxAttempts {
                await XCTAssertEqualAsync(await server.app.jobs.runDue(), 1, "attempt \(attempt) runs when due")
                await XCTAssertEqualAsync(await server.app.jobs.runDue(), 0, "and not again before its backoff")
                let job = try await XCTUnwrapAsync(try await jobs(server).first)
                XCTAssertEqual(job.attempts, attempt)
                XCTAssertNotNil(job.lastError)
                if attempt < JobKind.mail.maxAttempts {
                    XCTAssertEqual(job.state, "queued")
                    XCTAssertEqual(job.runAt.timeIntervalSince(clock.now), expectedDelay, accuracy: 0.01, "attempt \(attempt)")
                    clock.advance(by: expectedDelay)
                    expectedDelay = min(expectedDelay * 2, JobQueue.maxBackoff)
                } else {
                    XCTAssertEqual(job.state, "dead")
                }
            }
            clock.advance(by: 86_400)
            await XCTAssertEqualAsync(await server.app.jobs.runDue(), 0, "a dead job is not run again")
            let counts = try await server.app.jobs.counts()
            XCTAssertEqual(counts.dead, 1)
            XCTAssertEqual(counts.backlog, 0)
        }
    }

    func testADeadJobCanBeRetriedByHand() async throws {
        try await forEachDatabase { server, _ in
            let id = try await server.app.jobs.enqueue(.mail, MailJob(MailMessage(
                from: MailAddress("no-reply@eaglehurst.local"), to: [MailAddress("x@example.com")], subject: "Hello", body: "Hi")),
                on: server.app.db)
            try await server.app.db.sql.raw("UPDATE jobs SET state = 'dead', attempts = 8 WHERE id = \(bind: id)").run()
            await XCTAssertEqualAsync(await server.app.jobs.runDue(), 0)
            await XCTAssertEqualAsync(try await server.app.jobs.retryDead(id), true)
            await XCTAssertEqualAsync(await server.app.jobs.runDue(), 1)
            XCTAssertEqual(try server.outbox().count, 1)
        }
    }

    // MARK: claims

    func testAJobWhoseWorkerDiedIsClaimedAgainAfterItsLease() async throws {
        try await forEachDatabase { server, clock in
            let id = try await server.app.jobs.enqueue(.mail, MailJob(MailMessage(
                from: MailAddress("no-reply@eaglehurst.local"), to: [MailAddress("lease@example.com")], subject: "Lease", body: "Hi")),
                on: server.app.db)
            // What a worker killed mid-job leaves behind: the job claimed, its lease running.
            try await server.app.db.sql.raw("""
                UPDATE jobs SET state = 'running', attempts = 1, claim = \(bind: UUID()),
                    locked_until = \(bind: clock.now.addingTimeInterval(JobQueue.lease)) WHERE id = \(bind: id)
                """).run()
            await XCTAssertEqualAsync(await server.app.jobs.runDue(), 0, "another worker's job is left alone while its lease runs")
            await XCTAssertEqualAsync(try await server.app.jobs.counts().running, 1)
            clock.advance(by: JobQueue.lease + 1)
            await XCTAssertEqualAsync(await server.app.jobs.runDue(), 1)
            XCTAssertEqual(try server.outbox().filter { $0.contains("lease@example.com") }.count, 1)
            await XCTAssertEqualAsync(try await jobs(server).count, 0)
        }
    }

    func testWorkersRunningAtOnceRunEachJobOnce() async throws {
        try await forEachDatabase { server, _ in
            for n in 0..<60 {
                try await server.app.jobs.enqueue(.mail, MailJob(MailMessage(
                    from: MailAddress("no-reply@eaglehurst.local"), to: [MailAddress("n\(n)@example.com")], subject: "Job \(n)", body: "Hi")),
                    on: server.app.db)
            }
            let app = server.app
            let ran = await withTaskGroup(of: Int.self) { group in
                for _ in 0..<6 { group.addTask { await app.jobs.runDue() } }
                return await group.reduce(0, +)
            }
            XCTAssertEqual(ran, 60)
            let mail = try server.outbox()
            XCTAssertEqual(mail.count, 60)
            for n in 0..<60 {
                XCTAssertEqual(mail.filter { $0.contains("n\(n)@example.com") }.count, 1, "job \(n)")
            }
        }
    }

    // MARK: notification fan-out

    func testNotificationsAreFannedOutAsJobsAndTheirMailLogged() async throws {
        try await forEachDatabase { server, _ in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            await server.app.jobs.runDue()  // whatever the accounts' set-up queued
            let listing = try await published(server, seller: seller, title: "Pharmacy in Leeds")
            let asked = try await server.request(.POST, "/connections", body: json([
                "listing_id": listing.uuidString, "message": "Is the lease long?",
            ]), bearer: buyer.token)
            XCTAssertEqual(asked.status, 201, asked.text)
            await XCTAssertEqualAsync(try await EaglehurstServer.Notification.query(on: server.app.db).filter(\.$user.$id == seller.id).count(), 0,
                                      "the request only queues the notification")
            await XCTAssertEqualAsync(try await jobs(server).map(\.kind), ["notification"])

            await XCTAssertEqualAsync(await server.app.jobs.runNext(), true)
            let note = try await XCTUnwrapAsync(try await EaglehurstServer.Notification.query(on: server.app.db).filter(\.$user.$id == seller.id).first())
            XCTAssertEqual(note.type, "connection_request")
            await XCTAssertEqualAsync(try await jobs(server).map(\.kind), ["mail"], "its mail is a job of its own")
            await XCTAssertEqualAsync(try await logs(server, note), ["email=queued", "in_app=delivered"])

            await server.app.jobs.runDue()
            XCTAssertEqual(try server.outbox().filter { $0.contains("seller@example.com") }.count, 1)
            await XCTAssertEqualAsync(try await logs(server, note), ["email=sent", "in_app=delivered"])
        }
    }

    func logs(_ server: TestServer, _ note: EaglehurstServer.Notification) async throws -> [String] {
        try await NotificationLog.query(on: server.app.db).filter(\.$notification.$id == note.requireID()).all()
            .map { "\($0.channel)=\($0.deliveryStatus)" }.sorted()
    }

    // MARK: restart

    /// The mail is queued by a server that stops before sending it; a server started again on the
    /// same database sends it to a real SMTP server.
    func testUnsentMailSurvivesARestart() async throws {
        let smtp = try LocalSMTPServer.start()
        defer { smtp.stop() }
        TestLogging.bootstrapOnce()
        for database in TestDatabase.underTest {
            let sandbox = try TestSandbox(database) {
                $0.smtpURL = smtp.url
                $0.jobWorker = false
            }
            defer { sandbox.remove() }
            let before = try smtp.receivedMail().count
            let first = try await RunningServer.start(settings: sandbox.settings, port: 0, logLevel: .warning)
            let email = "restart-\(database)@example.com"
            let response = try await first.app.client.post(URI(string: "\(first.baseURL)/auth/register")) { request in
                try request.content.encode([
                    "email": email, "password": "Passw0rdX!", "user_type": "buyer", "first_name": "Ann", "last_name": "Lee",
                ], as: .json)
            }
            XCTAssertEqual(response.status, .created, "[\(database)]")
            try await first.shutdown()
            XCTAssertEqual(try smtp.receivedMail().count, before, "[\(database)] nothing was sent before the stop")

            var settings = sandbox.settings
            settings.jobWorker = true
            let second = try await RunningServer.start(settings: settings, port: 0, logLevel: .warning)
            let deadline = Date().addingTimeInterval(15)
            while try smtp.receivedMail().count == before, Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let received = try smtp.receivedMail().dropFirst(before)
            XCTAssertEqual(received.map(\.recipients), [[email]], "[\(database)]")
            XCTAssertTrue(received.first?.subject.hasPrefix("Your Eaglehurst verification code: ") ?? false, "[\(database)]")
            await second.app.drainJobQueue()  // the SMTP server has the mail; let the worker finish its job
            await XCTAssertEqualAsync(try await second.app.jobs.counts().backlog, 0, "[\(database)]")
            try await second.shutdown()
        }
    }
}
