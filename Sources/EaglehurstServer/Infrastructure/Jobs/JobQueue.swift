import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What a job does. Each kind has one handler in `JobQueue.perform`.
enum JobKind: String, Sendable, CaseIterable {
    /// Sends one mail (`MailJob`); at least once: a crash after the SMTP server took it and before
    /// the job is removed sends it again.
    case mail
    /// Records one in-app notification for one user and queues its mail (`NotificationJob`); exactly
    /// once: its writes and the job's removal commit together.
    case notification
    /// Makes the card and view thumbnails of one listing photo (`ThumbnailJob`, `ListingThumbnails`);
    /// a second run, or one for media deleted meanwhile, does nothing.
    case thumbnails
    /// Makes a reset token or a new verification code for an email, if it has an account, and
    /// queues its mail (`AccountMailJob`); exactly once, like a notification.
    case accountMail = "account_mail"

    var maxAttempts: Int {
        switch self {
        case .mail: 8
        case .notification, .thumbnails, .accountMail: 5
        }
    }

    var lane: JobLane {
        switch self {
        case .mail, .notification, .accountMail: .messages
        case .thumbnails: .images
        }
    }
}

/// Jobs run in lanes, each worked by its own worker (and on SQLite behind its own one-at-a-time
/// gate), so a slow job holds up only its own lane. A thumbnail is seconds of libvips; a
/// verification code queued behind one arrived 11.9 s late before thumbnails had a lane.
enum JobLane: String, Sendable, CaseIterable {
    /// Mail and notification fan-out: quick, and people wait for them.
    case messages
    /// Thumbnails: seconds of CPU each, and nobody waits on them.
    case images

    var kinds: [JobKind] { JobKind.allCases.filter { $0.lane == self } }
}

/// The durable job queue in the `jobs` table (see `CreateJobs`).
///
/// - Enqueue with `enqueue(_:_:on:)` on the same database handle as the work that causes the job —
///   inside that work's transaction when there is one — so the job commits with it or not at all.
/// - Claiming is one conditional UPDATE of the oldest due row of a lane (`JobLane`): on PostgreSQL
///   its sub-select takes the row `FOR UPDATE SKIP LOCKED`, so workers of several servers never take
///   the same job and never wait for one another; on SQLite writes are serialized anyway and one job
///   per lane runs at a time (`JobRunGate`).
/// - A failed job is retried with exponential backoff (`backoff(afterAttempt:)`) until its kind's
///   `maxAttempts`, then it is `dead` and stays for an operator (`counts()` shows it).
/// - A claim is a lease: a worker that dies mid-job leaves the job `running` until `locked_until`,
///   then any worker claims it again (the attempt counts).
struct JobQueue {
    let app: Application
    var now: Date { app.serverEnvironment.now() }

    /// How long a claimed job belongs to its worker before another may take it again.
    static let lease: TimeInterval = 5 * 60
    /// The first retry waits this long; each next one twice as long, up to `maxBackoff`.
    static let baseBackoff: TimeInterval = 30
    static let maxBackoff: TimeInterval = 3600

    static func backoff(afterAttempt attempt: Int) -> TimeInterval {
        min(maxBackoff, baseBackoff * pow(2, Double(max(0, attempt - 1))))
    }

    // MARK: enqueue

    /// Adds a job, due now or after `delay`. Call it on the transaction of the work that causes it.
    @discardableResult
    func enqueue<Payload: Encodable>(
        _ kind: JobKind, _ payload: Payload, on db: any Database, after delay: TimeInterval = 0
    ) async throws -> UUID {
        let id = UUID()
        let text = String(decoding: try Self.encoder.encode(payload), as: UTF8.self)
        let at = now
        try await db.sql.raw("""
            INSERT INTO jobs (id, kind, payload, state, attempts, max_attempts, run_at, created_at, updated_at)
            VALUES (\(bind: id), \(bind: kind.rawValue), \(bind: text), 'queued', 0, \(bind: kind.maxAttempts),
                    \(bind: at.addingTimeInterval(delay)), \(bind: at), \(bind: at))
            """).run()
        return id
    }

    // MARK: counts for the health panel

    struct Counts: Sendable, Equatable {
        /// Waiting jobs that are due now.
        var due: Int
        /// Waiting jobs not due yet (retries in their backoff).
        var scheduled: Int
        /// Claimed by a worker right now.
        var running: Int
        /// Failed every attempt; kept for an operator.
        var dead: Int
        /// When the oldest due job became due, nil when none is due: how far behind the workers are.
        var oldestDueAt: Date?

        /// Everything not finished and not dead.
        var backlog: Int { due + scheduled + running }
    }

    /// The numbers the admin health panel shows: backlog (due, scheduled, running) and dead jobs.
    func counts() async throws -> Counts {
        let at = now
        let rows = try await app.db.sql.raw("""
            SELECT state, due, COUNT(*) AS n, MIN(run_at) AS oldest
            FROM (SELECT state, run_at, CASE WHEN run_at <= \(bind: at) THEN 1 ELSE 0 END AS due FROM jobs) j
            GROUP BY state, due
            """).all()
        var counts = Counts(due: 0, scheduled: 0, running: 0, dead: 0, oldestDueAt: nil)
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            let isDue = try row.decode(column: "due", as: Int.self) == 1
            switch try row.decode(column: "state", as: String.self) {
            case "queued" where isDue:
                counts.due += n
                counts.oldestDueAt = try row.decode(column: "oldest", as: Date?.self)
            case "queued": counts.scheduled += n
            case "running": counts.running += n
            case "dead": counts.dead += n
            default: break
            }
        }
        return counts
    }

    /// Puts a dead job back in the queue, due now, with its attempts reset. False if no such dead job.
    @discardableResult
    func retryDead(_ id: UUID) async throws -> Bool {
        let at = now
        return try await !app.db.sql.raw("""
            UPDATE jobs SET state = 'queued', attempts = 0, run_at = \(bind: at), updated_at = \(bind: at)
            WHERE id = \(bind: id) AND state = 'dead' RETURNING id
            """).all().isEmpty
    }

    // MARK: claim and run

    struct Claimed: Sendable {
        let id: UUID
        let kind: String
        let payload: String
        let attempt: Int
        let maxAttempts: Int
        let claim: UUID
    }

    /// Claims the oldest due job of any lane (or one whose worker's lease ran out) and runs it, or
    /// a batch of due notifications (`runNotificationBatch`). Returns false when no job was due.
    func runNext() async -> Bool {
        await runTurn() > 0
    }

    /// One turn of the first lane that has due work; how many jobs ran.
    private func runTurn() async -> Int {
        for lane in JobLane.allCases {
            let ran = await runTurn(in: lane)
            if ran > 0 { return ran }
        }
        return 0
    }

    /// Claims the oldest due job of `lane` (or a batch of due notifications) and runs it. Returns
    /// false when none was due.
    func runNext(in lane: JobLane) async -> Bool {
        await runTurn(in: lane) > 0
    }

    /// One turn of a lane's worker: on the messages lane a batch of due notifications, recorded in
    /// one transaction; else (or when none is due) the lane's oldest due job. How many jobs ran.
    func runTurn(in lane: JobLane) async -> Int {
        // SQLite: one job of a lane at a time in this process (its worker, a test's drain), since
        // SQLite has one writer anyway and two jobs would only wait on each other's locks. The lanes
        // do not wait for each other: a thumbnail's long part (libvips) holds no lock.
        let gate = app.storage[JobRunGateKey.self]?[lane]
        await gate?.acquire()
        var ran = 0
        if lane == .messages { ran = await runNotificationBatch() }
        if ran == 0, await claimAndRun(in: lane) { ran = 1 }
        await gate?.release()
        return ran
    }

    func claimAndRun(in lane: JobLane) async -> Bool {
        let job: Claimed
        do {
            guard let claimed = try await claimNext(in: lane) else { return false }
            job = claimed
        } catch {
            app.logger.error("could not claim a job", metadata: ["error": "\(LoggedError(error))"])
            return false
        }
        app.jobsInFlight.withLockedValue { $0 += 1 }
        defer { app.jobsInFlight.withLockedValue { $0 -= 1 } }
        do {
            try await perform(job)
        } catch {
            await fail(job, error)
        }
        return true
    }

    /// Runs due jobs until none is due; returns how many ran.
    @discardableResult
    func runDue() async -> Int {
        var ran = 0
        while true {
            let turn = await runTurn()
            if turn == 0 { return ran }
            ran += turn
        }
    }

    /// Runs what is due and waits for jobs other workers of this process are running, until the
    /// queue has nothing due and nothing in flight here (or `timeout` passed: a database that keeps
    /// refusing the claim must not hang the caller). Tests call it to see the effects of a request.
    func drain(timeout: Duration = .seconds(30)) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await runNext() { continue }
            if app.jobsInFlight.withLockedValue({ $0 }) == 0, !(await hasDueJob(in: JobLane.allCases)) { return }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func hasDueJob(in lanes: [JobLane]) async -> Bool {
        await hasDueJob(kinds: lanes.flatMap(\.kinds))
    }

    func hasDueJob(kinds: [JobKind]) async -> Bool {
        let at = now
        let rows = try? await app.db.sql.raw("""
            SELECT id FROM jobs WHERE ((state = 'queued' AND run_at <= \(bind: at))
                OR (state = 'running' AND locked_until <= \(bind: at))) AND kind IN (\(binds: kinds.map(\.rawValue))) LIMIT 1
            """).all()
        return !(rows ?? []).isEmpty
    }

    /// Claims up to `limit` of the oldest due jobs of `kinds` (or whose worker's lease ran out) for
    /// `claim`, on `sql` (a transaction's, for a batch), and answers their rows. On PostgreSQL the
    /// rows are taken `FOR UPDATE SKIP LOCKED`, so workers of several servers never take the same job.
    func claim(
        _ kinds: [JobKind], limit: Int, as claim: UUID, on sql: any SQLDatabase
    ) async throws -> [any SQLRow] {
        let at = now
        let lock = sql.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
        return try await sql.raw("""
            UPDATE jobs SET state = 'running', attempts = attempts + 1, claim = \(bind: claim),
                locked_until = \(bind: at.addingTimeInterval(Self.lease)), updated_at = \(bind: at)
            WHERE id IN (SELECT id FROM jobs
                         WHERE ((state = 'queued' AND run_at <= \(bind: at)) OR (state = 'running' AND locked_until <= \(bind: at)))
                             AND kind IN (\(binds: kinds.map(\.rawValue)))
                         ORDER BY run_at LIMIT \(unsafeRaw: String(limit)) \(unsafeRaw: lock))
            RETURNING id, kind, payload, attempts, max_attempts, run_at
            """).all()
    }

    private func claimNext(in lane: JobLane) async throws -> Claimed? {
        // A plain read first: an idle queue costs one indexed SELECT, not a write lock (SQLite).
        guard await hasDueJob(in: [lane]) else { return nil }
        let claim = UUID()
        let rows = try await self.claim(lane.kinds, limit: 1, as: claim, on: app.db.sql)
        guard let row = rows.first else { return nil }
        return Claimed(
            id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
            payload: try row.decode(column: "payload", as: String.self), attempt: try row.decode(column: "attempts", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self), claim: claim)
    }

    private func perform(_ job: Claimed) async throws {
        guard let kind = JobKind(rawValue: job.kind) else {
            throw JobError("no handler for job kind '\(job.kind)' on this server")
        }
        let payload = Data(job.payload.utf8)
        switch kind {
        case .mail:
            let mail = try Self.decoder.decode(MailJob.self, from: payload)
            try await app.mailer.send(mail.message)
            try await app.db.transaction { db in
                try await finish(job, on: db)
                if let logID = mail.notificationLogID {
                    try await NotificationLog.query(on: db).filter(\.$id == logID)
                        .set(\.$deliveryStatus, to: "sent").set(\.$detail, to: nil).update()
                }
            }
        case .notification:
            let notification = try Self.decoder.decode(NotificationJob.self, from: payload)
            try await app.db.transaction { db in
                // A write first: SQLite then takes its write lock at the start of the transaction
                // (waiting its busy timeout) instead of failing to upgrade a read lock later.
                try await hold(job, on: db)
                try await app.notifications(on: db).record(notification)
                try await finish(job, on: db)
            }
        case .accountMail:
            let account = try Self.decoder.decode(AccountMailJob.self, from: payload)
            try await app.db.transaction { db in
                try await hold(job, on: db)
                try await account.run(app: app, on: db)
                try await finish(job, on: db)
            }
        case .thumbnails:
            let thumbnails = try Self.decoder.decode(ThumbnailJob.self, from: payload)
            try await ListingThumbnails(app: app).make(mediaID: thumbnails.mediaID) { db in
                try await finish(job, on: db)
            }
        }
    }

    /// Touches the job's row if this worker still holds its claim; else the transaction rolls back.
    private func hold(_ job: Claimed, on db: any Database) async throws {
        let held = try await db.sql.raw("""
            UPDATE jobs SET updated_at = \(bind: now) WHERE id = \(bind: job.id) AND claim = \(bind: job.claim) RETURNING id
            """).all()
        guard !held.isEmpty else { throw JobError("the claim on job \(job.id) ran out before it started") }
    }

    /// Removes a finished job, if this worker still holds its claim; else the transaction rolls back.
    private func finish(_ job: Claimed, on db: any Database) async throws {
        let removed = try await db.sql.raw("""
            DELETE FROM jobs WHERE id = \(bind: job.id) AND claim = \(bind: job.claim) RETURNING id
            """).all()
        guard !removed.isEmpty else { throw JobError("the claim on job \(job.id) ran out before it finished") }
    }

    func fail(_ job: Claimed, _ error: any Error) async {
        let at = now
        let dead = job.attempt >= job.maxAttempts
        let message = String(LoggedError(error).description.prefix(2000))
        do {
            try await app.db.sql.raw("""
                UPDATE jobs SET state = \(bind: dead ? "dead" : "queued"), claim = NULL, locked_until = NULL,
                    run_at = \(bind: at.addingTimeInterval(dead ? 0 : Self.backoff(afterAttempt: job.attempt))),
                    last_error = \(bind: message), updated_at = \(bind: at)
                WHERE id = \(bind: job.id) AND claim = \(bind: job.claim)
                """).run()
            if dead, job.kind == JobKind.mail.rawValue,
               let mail = try? Self.decoder.decode(MailJob.self, from: Data(job.payload.utf8)), let logID = mail.notificationLogID {
                try await NotificationLog.query(on: app.db).filter(\.$id == logID)
                    .set(\.$deliveryStatus, to: "failed").set(\.$detail, to: message).update()
            }
        } catch {
            app.logger.error("could not record a job's failure", metadata: ["job": "\(job.id)", "error": "\(LoggedError(error))"])
        }
        app.logger.log(level: dead ? .error : .warning, dead ? "job is dead" : "job failed; will retry", metadata: [
            "job": "\(job.id)", "kind": "\(job.kind)", "attempt": "\(job.attempt)/\(job.maxAttempts)", "error": "\(message)",
        ])
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970  // sub-second: the outbox sorts mails by their time
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()
}

struct JobError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A mail as it waits in the queue. The Message-ID is fixed when it is queued, so a resend after a
/// crash is recognisably the same message.
struct MailJob: Codable, Sendable {
    struct Address: Codable, Sendable {
        var address: String
        var name: String?
    }

    var from: Address
    var to: [Address]
    var subject: String
    var body: String
    var date: Date
    var messageID: String
    /// The `notification_logs` row to mark `sent` (or `failed` when the job dies).
    var notificationLogID: UUID?

    init(_ message: MailMessage, notificationLogID: UUID? = nil) {
        from = Address(address: message.from.address, name: message.from.name)
        to = message.to.map { Address(address: $0.address, name: $0.name) }
        subject = message.subject
        body = message.body
        date = message.date
        messageID = message.messageID
        self.notificationLogID = notificationLogID
    }

    var message: MailMessage {
        MailMessage(
            from: MailAddress(from.address, name: from.name), to: to.map { MailAddress($0.address, name: $0.name) },
            subject: subject, body: body, date: date, messageID: messageID)
    }
}

/// One notification for one user, as it waits in the queue.
struct NotificationJob: Codable, Sendable {
    var userID: UUID
    var kind: String
    var title: String
    var message: String
    var actionURL: String?
    var createdAt: Date
}

// MARK: the worker

/// One worker per lane per server: claims and runs the lane's due jobs, and polls the table when
/// there are none. Off with `JOB_WORKER=false` (a server that only takes requests; another process
/// works the queue).
struct JobWorkerLifecycle: LifecycleHandler {
    static let idlePoll: Duration = .milliseconds(250)

    func didBootAsync(_ application: Application) async throws {
        guard application.settings.jobWorker else { return }
        let queue = application.jobs
        application.storage[JobWorkerTasksKey.self] = JobLane.allCases.map { lane in
            Task {
                while !Task.isCancelled {
                    if await queue.runNext(in: lane) { continue }
                    try? await Task.sleep(for: Self.idlePoll)
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let tasks = application.storage[JobWorkerTasksKey.self] ?? []
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}

/// Lets one job run at a time (SQLite).
actor JobRunGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

/// One gate per lane (SQLite).
struct JobRunGateKey: StorageKey { typealias Value = [JobLane: JobRunGate] }
struct JobWorkerTasksKey: StorageKey { typealias Value = [Task<Void, Never>] }
struct JobsInFlightKey: StorageKey { typealias Value = NIOLockedValueBox<Int> }

extension Application {
    /// The job queue: `app.jobs.enqueue(…)`, `app.jobs.counts()`.
    var jobs: JobQueue { JobQueue(app: self) }

    var jobsInFlight: NIOLockedValueBox<Int> {
        guard let box = storage[JobsInFlightKey.self] else { fatalError("configure(_:settings:) was not called") }
        return box
    }

    /// Runs every due job and waits for those in flight in this process, so that what a request
    /// queued (mail, notifications) has happened. For tests and one-shot commands.
    public func drainJobQueue() async {
        await jobs.drain()
    }
}
