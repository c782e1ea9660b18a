import EaglehurstAPI
import Foundation
import NIOCore
import NIOPosix
import SQLKit
import Vapor

/// What `GET /admin/system/health` and `GET /metrics` report of this server: its database (reachable,
/// latency), the disk under the data directory, mail (the outbox folder, or whether the SMTP server
/// accepts a connection), the job backlog, the search index's age, version and uptime.
struct SystemHealth {
    let app: Application

    struct Measurement: Sendable {
        var databaseReachable: Bool
        var databaseLatencyMS: Double?
        var diskFreeBytes: Int64?
        var mailTransport: String
        var mailReachable: Bool
        var mailOutboxPending: Int?
        var jobBacklog: Int
        var jobsDead: Int?
        var searchIndexAgeSeconds: Int?
        var uptimeSeconds: Int
        var startedAt: Date
    }

    func measure() async -> Measurement {
        let now = app.serverEnvironment.now()
        let clock = ContinuousClock()
        var latency: Double?
        do {
            let elapsed = try await clock.measure { try await app.db.sql.raw("SELECT 1").run() }
            latency = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        } catch {
            app.logger.warning("health check: database did not answer", metadata: ["error": "\(LoggedError(error))"])
        }
        let settings = app.settings
        let disk = (try? FileManager.default.attributesOfFileSystem(forPath: settings.dataDirectory.path))?[.systemFreeSize]
            .flatMap { ($0 as? NSNumber)?.int64Value }
        var mail = (transport: "outbox", reachable: false, pending: Int?.none)
        if let url = settings.smtpURL, let host = url.host {
            mail.transport = "smtp"
            mail.reachable = await Self.accepts(host: host, port: url.port ?? (url.scheme?.lowercased() == "smtps" ? 465 : 25), on: app.eventLoopGroup)
        } else {
            let outbox = settings.dataDirectory.appendingPathComponent("outbox", isDirectory: true)
            try? FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
            mail.reachable = FileManager.default.isWritableFile(atPath: outbox.path)
            mail.pending = (try? FileManager.default.contentsOfDirectory(atPath: outbox.path))?.filter { $0.hasSuffix(".eml") }.count
        }
        let backlog = latency == nil ? 0 : ((try? await JobBacklog.count(app)) ?? 0)
        let dead = latency == nil ? nil : try? await app.jobs.counts().dead
        let started = app.startedAt
        return Measurement(
            databaseReachable: latency != nil, databaseLatencyMS: latency, diskFreeBytes: disk,
            mailTransport: mail.transport, mailReachable: mail.reachable, mailOutboxPending: mail.pending,
            jobBacklog: backlog, jobsDead: dead,
            searchIndexAgeSeconds: app.searchIndexCache.snapshot().map { max(0, Int(Date().timeIntervalSince($0.loadedAt))) },
            uptimeSeconds: max(0, Int(now.timeIntervalSince(started))), startedAt: started)
    }

    func report() async -> Components.Schemas.Health {
        let m = await measure()
        let healthy = m.databaseReachable && m.mailReachable
        return .init(
            status: healthy ? .ok : .degraded, version: EaglehurstVersion.current, database: app.settings.database.engineName,
            time: app.serverEnvironment.now(), databaseReachable: m.databaseReachable, databaseLatencyMs: m.databaseLatencyMS,
            diskFreeBytes: m.diskFreeBytes, mailTransport: .init(rawValue: m.mailTransport), mailReachable: m.mailReachable,
            mailOutboxPending: m.mailOutboxPending, jobBacklog: m.jobBacklog, jobsDead: m.jobsDead, searchIndexAgeSeconds: m.searchIndexAgeSeconds,
            uptimeSeconds: m.uptimeSeconds, startedAt: m.startedAt)
    }

    /// Whether something accepts a TCP connection at host:port within two seconds.
    static func accepts(host: String, port: Int, on group: any EventLoopGroup) async -> Bool {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(.seconds(2))
                .connect(host: host, port: port).get()
            try? await channel.close()
            return true
        } catch {
            return false
        }
    }
}

/// Background work that is due and not done yet: the one place the job backlog is counted.
///
/// The durable job queue's due and running jobs (mail, notification fan-out), subscription renewals
/// past their period's end, and analytics events buffered in memory; `GET /admin/system/health` and
/// `GET /metrics` both read this.
enum JobBacklog {
    static func count(_ app: Application) async throws -> Int {
        let sql = app.db.sql
        let now = app.serverEnvironment.now()
        let renewals = try await AnalyticsSQL.count("""
            SELECT COUNT(*) AS n FROM user_subscriptions
            WHERE status IN ('active', 'past_due') AND cancel_at_period_end = \(bind: false) AND current_period_end <= \(bind: now)
            """, on: sql)
        let jobs = try await app.jobs.counts()
        return jobs.due + jobs.running + renewals + app.analyticsLog.pending
    }
}

struct StartedAtKey: StorageKey { typealias Value = Date }

extension Application {
    /// When `configure` ran: the start of uptime.
    var startedAt: Date { storage[StartedAtKey.self] ?? Date() }
}
