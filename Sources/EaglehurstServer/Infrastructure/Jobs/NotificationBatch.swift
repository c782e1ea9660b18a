import Fluent
import NIOConcurrencyHelpers
import Foundation
import SQLKit
import Vapor

/// Notification jobs are the queue's busiest kind (one per message, request and answer) and each
/// is a few small writes. Run one at a time, each paid for a claim, a transaction and its commit of
/// its own, all behind the one SQLite writer (`SQLiteWriteGate`) that requests wait at too. So the
/// worker takes them in batches: one transaction claims up to `notificationBatchSize` due
/// notification jobs, records each (`NotificationService.record`), deletes them and commits once
/// (group commit). On PostgreSQL the claim skips rows another worker holds, so several servers
/// take distinct batches.
///
/// A job that fails rolls its batch back, as if it had never been claimed; the batch's jobs then
/// run one at a time through the usual path, which counts each one's attempt and backoff alone.
extension JobQueue {
    static let notificationBatchSize = 64

    /// Records a batch of due notifications; how many jobs ran (0 when none was due).
    func runNotificationBatch() async -> Int {
        guard await hasDueJob(kinds: [.notification]) else { return 0 }
        let claim = UUID()
        let claimed = NIOLockedValueBox(0)
        do {
            try await app.db.transaction { db in
                let sql = db.sql
                let rows = try await self.claim([.notification], limit: Self.notificationBatchSize, as: claim, on: sql)
                claimed.withLockedValue { $0 = rows.count }
                guard !rows.isEmpty else { return }
                app.jobsInFlight.withLockedValue { $0 += rows.count }
                defer { app.jobsInFlight.withLockedValue { $0 -= rows.count } }
                let jobs = try rows
                    .map { (try $0.decode(column: "run_at", as: Date.self), try $0.decode(column: "payload", as: String.self)) }
                    .sorted { $0.0 < $1.0 }
                    .map { try Self.decoder.decode(NotificationJob.self, from: Data($0.1.utf8)) }
                let notifications = app.notifications(on: db)
                for job in jobs {
                    try await notifications.record(job)
                }
                let removed = try await sql.raw("DELETE FROM jobs WHERE claim = \(bind: claim) RETURNING id").all()
                guard removed.count == rows.count else {
                    throw JobError("the claim on \(rows.count - removed.count) notification jobs ran out before they finished")
                }
            }
        } catch {
            let count = claimed.withLockedValue { $0 }
            app.logger.warning("a notification batch was rolled back; its jobs run one at a time", metadata: [
                "jobs": "\(count)", "error": "\(LoggedError(error))",
            ])
            // One at a time: each failure is counted against its own job only.
            var ran = 0
            for _ in 0..<max(count, 1) {
                guard await claimAndRun(in: .messages) else { break }
                ran += 1
            }
            return ran
        }
        return claimed.withLockedValue { $0 }
    }
}
