import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Records what users do (`user_activities`), sellers' profiles seen (`profile_views`) and funnel
/// steps (`conversion_funnel`) off the request path, as `SearchLog` records searches: events are
/// buffered and written once a second (and when the server stops) on the background connections
/// (`DatabaseID.searchLog`), in short transactions.
///
/// A funnel step is written with `ON CONFLICT (user_id, step_name) DO NOTHING`: the unique key, not
/// this process, makes it once per user, whatever number of requests or servers record it at once.
final class AnalyticsLog: Sendable {
    enum Activity: String, Sendable, CaseIterable {
        case signIn = "sign_in", register, emailVerified = "email_verified", search, listingView = "listing_view"
        case save, connectionRequest = "connection_request", connectionAccepted = "connection_accepted"
        case connectionRejected = "connection_rejected", message, purchase
    }

    enum FunnelStep: String, Sendable, CaseIterable {
        case registered, emailVerified = "email_verified", firstSearch = "first_search", firstSave = "first_save"
        case firstRequest = "first_request", accepted, subscribed
    }

    enum ProfileViewSource: String, Sendable {
        case listing, connection
    }

    enum Event: Sendable {
        case activity(userID: UUID, Activity, metadata: [String: String], at: Date)
        case profileView(profileID: UUID, viewerID: UUID, ProfileViewSource, at: Date)
        case funnel(userID: UUID, FunnelStep, at: Date)
    }

    private struct Buffer {
        var events: [Event] = []
        /// Funnel steps already written by this process: skipped without a round trip (bounded).
        var knownSteps: Set<String> = []
    }

    private let buffer = NIOLockedValueBox(Buffer())
    private let lastWrite = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let database: @Sendable () -> any Database
    private let logger: Logger
    static let maxBuffered = 50_000
    static let maxKnownSteps = 100_000

    init(database: @escaping @Sendable () -> any Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    func record(_ event: Event) {
        buffer.withLockedValue { buffer in
            if case .funnel(let user, let step, _) = event, buffer.knownSteps.contains("\(user):\(step.rawValue)") { return }
            if buffer.events.count < Self.maxBuffered { buffer.events.append(event) }
        }
    }

    func activity(_ user: User?, _ activity: Activity, _ metadata: [String: String] = [:], at: Date) {
        guard let id = user?.id else { return }
        record(.activity(userID: id, activity, metadata: metadata, at: at))
    }

    func step(_ user: User?, _ step: FunnelStep, at: Date) {
        guard let id = user?.id else { return }
        record(.funnel(userID: id, step, at: at))
    }

    /// A search by a signed-in user, and a buyer's first search.
    static func searched(_ viewer: User?, _ search: SearchLog.Entry, on app: Application) {
        app.analyticsLog.activity(viewer, .search, ["query": search.text ?? "", "results": "\(search.resultsCount)"], at: search.at)
        if viewer?.userType == .buyer { app.analyticsLog.step(viewer, .firstSearch, at: search.at) }
    }

    /// Events recorded and not written yet: part of the job backlog that system health reports.
    var pending: Int { buffer.withLockedValue { $0.events.count } }

    /// Writes what is buffered, after the writes already under way.
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
        let events = buffer.withLockedValue { buffer -> [Event] in
            defer { buffer.events.removeAll(keepingCapacity: true) }
            return buffer.events
        }
        guard !events.isEmpty else { return }
        var activities: [(UUID, Activity, String, Date)] = []
        var views: [(UUID, UUID, ProfileViewSource, Date)] = []
        var steps: [(UUID, FunnelStep, Date)] = []
        for event in events {
            switch event {
            case .activity(let user, let activity, let metadata, let at):
                activities.append((user, activity, Self.json(metadata), at))
            case .profileView(let profile, let viewer, let source, let at):
                views.append((profile, viewer, source, at))
            case .funnel(let user, let step, let at):
                steps.append((user, step, at))
            }
        }
        let rows: [(table: String, columns: [String], conflict: [String]?, values: [[any Encodable & Sendable]])] = [
            ("user_activities", ["id", "user_id", "activity_type", "metadata", "activity_date", "created_at"], nil,
             activities.map { [TimeOrderedID.next(), $0.0, $0.1.rawValue, $0.2, UTCDay(containing: $0.3).key, $0.3] }),
            ("profile_views", ["id", "profile_id", "viewer_id", "source", "view_date", "viewed_at"],
             ["profile_id", "viewer_id", "source", "view_date"],
             views.map { [TimeOrderedID.next(), $0.0, $0.1, $0.2.rawValue, UTCDay(containing: $0.3).key, $0.3] }),
            ("conversion_funnel", ["id", "user_id", "step_name", "completed_at"], ["user_id", "step_name"],
             steps.map { [TimeOrderedID.next(), $0.0, $0.1.rawValue, $0.2] }),
        ]
        for (table, columns, conflict, values) in rows where !values.isEmpty {
            do {
                try await insert(values, into: table, columns: columns, conflict: conflict)
            } catch {
                // A user deleted since the event was recorded fails the whole batch: write row by row.
                var dropped = 0
                for row in values {
                    do { try await insert([row], into: table, columns: columns, conflict: conflict) } catch { dropped += 1 }
                }
                if dropped > 0 {
                    logger.warning("analytics events dropped", metadata: ["table": "\(table)", "count": "\(dropped)", "error": "\(LoggedError(error))"])
                }
            }
        }
        buffer.withLockedValue { buffer in
            if buffer.knownSteps.count + steps.count > Self.maxKnownSteps { buffer.knownSteps.removeAll() }
            for (user, step, _) in steps { buffer.knownSteps.insert("\(user):\(step.rawValue)") }
        }
    }

    private func insert(_ values: [[any Encodable & Sendable]], into table: String, columns: [String], conflict: [String]?) async throws {
        for batch in stride(from: 0, to: values.count, by: 1000) {
            try await database().transaction { db in
                let sql = db.sql
                if sql.dialect.name == "sqlite" {
                    // `prepareDatabase` sets this on the request connections only.
                    try await sql.raw("PRAGMA busy_timeout=5000").run()
                }
                for start in stride(from: batch, to: min(batch + 1000, values.count), by: 150) {
                    var insert = sql.insert(into: table).columns(columns)
                    for row in values[start..<min(start + 150, values.count)] {
                        insert = insert.values(row.map { SQLBind($0) })
                    }
                    if let conflict { insert = insert.ignoringConflicts(with: conflict) }
                    try await insert.run()
                }
            }
        }
    }

    static func json(_ metadata: [String: String]) -> String {
        guard !metadata.isEmpty, let data = try? JSONSerialization.data(withJSONObject: metadata, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

struct AnalyticsLogKey: StorageKey { typealias Value = AnalyticsLog }

extension Application {
    var analyticsLog: AnalyticsLog {
        guard let log = storage[AnalyticsLogKey.self] else { fatalError("configure(_:settings:) was not called") }
        return log
    }
}
