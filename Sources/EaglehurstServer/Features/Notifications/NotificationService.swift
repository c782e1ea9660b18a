import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

/// Creates notifications from the flows and delivers them through the job queue: in-app always,
/// email and push by the user's preferences. Every attempt is logged in `notification_logs`; a
/// delivery failure never fails the action that caused it (the mail job retries with backoff).
struct NotificationService {
    let app: Application
    let db: any Database
    var now: Date { app.serverEnvironment.now() }

    enum Kind: String, CaseIterable, Sendable {
        case connectionRequest = "connection_request", connectionAccepted = "connection_accepted"
        case connectionRejected = "connection_rejected", newMessage = "new_message"
        case listingApproved = "listing_approved", listingRejected = "listing_rejected"
        case listingPendingReview = "listing_pending_review", subscription, serviceRequest = "service_request"
        case account, system

        /// Mail is on by default for what needs an answer, for money (receipts, failed payments) and for
        /// the progress of a paid-for service request; the rest is in-app only until asked for.
        var emailByDefault: Bool {
            switch self {
            case .connectionRequest, .connectionAccepted, .connectionRejected, .newMessage,
                 .listingApproved, .listingRejected, .listingPendingReview, .subscription, .serviceRequest: true
            default: false
            }
        }
    }

    struct Draft: Sendable {
        var kind: Kind
        var title: String
        var message: String
        var actionURL: String?
    }

    /// At most one new-message mail per thread and recipient in this window.
    static let messageMailWindow: TimeInterval = 15 * 60

    /// Queues one notification job per user (see `JobKind.notification`) on this service's database
    /// handle: inside the caller's transaction when it has one, so the notification commits with the
    /// action or not at all. The in-app row, its mail and the push attempt happen in the job.
    func notify(_ userIDs: [UUID], _ draft: Draft) async {
        for userID in userIDs {
            do {
                try await app.jobs.enqueue(.notification, NotificationJob(
                    userID: userID, kind: draft.kind.rawValue, title: draft.title, message: draft.message,
                    actionURL: draft.actionURL, createdAt: now), on: db)
            } catch {
                app.logger.error("notification not queued", metadata: [
                    "user": "\(userID)", "type": "\(draft.kind.rawValue)", "error": "\(LoggedError(error))",
                ])
            }
        }
    }

    func notifyAdmins(_ draft: Draft) async {
        do {
            let admins = try await User.query(on: db).filter(\.$userType == .admin).filter(\.$isSuspended == false).all(\.$id)
            await notify(admins.compactMap { $0 }, draft)
        } catch {
            app.logger.error("could not find admins to notify", metadata: ["error": "\(LoggedError(error))"])
        }
    }

    /// The notification job's work, on the job's transaction: the in-app row, its mail queued as a
    /// job of its own (by the user's preferences), the push attempt, each logged in `notification_logs`.
    /// Few statements, since the worker runs many of these behind the one SQLite writer: the user and
    /// their preference for the kind in one read, the logs in one insert at the end.
    func record(_ job: NotificationJob) async throws {
        let kind = Kind(rawValue: job.kind) ?? .system
        let draft = Draft(kind: kind, title: job.title, message: job.message, actionURL: job.actionURL)
        let userID = job.userID
        guard let row = try await db.sql.raw("""
            SELECT u.email AS email, u.first_name AS first_name, u.last_name AS last_name,
                   p.email_enabled AS email_enabled, p.push_enabled AS push_enabled
            FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id AND p.type = \(bind: kind.rawValue)
            WHERE u.id = \(bind: userID)
            """).first() else { return }  // the account is gone: nothing to tell
        let recipient = Recipient(
            email: try row.decode(column: "email", as: String.self), firstName: try row.decode(column: "first_name", as: String.self),
            lastName: try row.decode(column: "last_name", as: String.self))
        let emailEnabled = try row.decode(column: "email_enabled", as: Bool?.self) ?? kind.emailByDefault
        let pushEnabled = try row.decode(column: "push_enabled", as: Bool?.self) ?? false

        let notification = Notification()
        let id = UUID()
        notification.id = id
        notification.$user.id = userID
        notification.type = kind.rawValue
        notification.title = draft.title
        notification.message = draft.message
        notification.actionURL = draft.actionURL
        notification.isRead = false
        notification.createdAt = job.createdAt
        // Plain SQL, as the logs below: the worker writes these by the batch, and Fluent's models read
        // their fields through reflection on every create.
        try await db.sql.raw("""
            INSERT INTO notifications (id, user_id, type, title, message, is_read, action_url, created_at)
            VALUES (\(bind: id), \(bind: userID), \(bind: kind.rawValue), \(bind: draft.title), \(bind: draft.message),
                    \(bind: false), \(bind: draft.actionURL), \(bind: job.createdAt))
            """).run()
        var logs = [log(id, "in_app", "delivered", nil)]

        if emailEnabled {
            logs.append(try await email(notification, to: recipient, draft))
        } else {
            logs.append(log(id, "email", "skipped", "email is off for \(kind.rawValue)"))
        }
        if pushEnabled {
            let devices = try await PushDevice.query(on: db).filter(\.$user.$id == userID).filter(\.$isActive == true).count()
            // No push provider is configured on this server: the attempt is logged, never silently dropped.
            logs.append(log(id, "push", "not_sent", devices == 0 ? "no registered device" : "no push provider configured (\(devices) devices)"))
        }
        let insert = db.sql.insert(into: NotificationLog.schema)
            .columns("id", "notification_id", "channel", "delivery_status", "detail", "created_at")
        for log in logs {
            insert.values([log.id ?? UUID(), id, log.channel, log.deliveryStatus, log.detail, log.createdAt])
        }
        try await insert.run()
    }

    /// Who a notification's mail goes to.
    struct Recipient {
        var email: String
        var firstName: String
        var lastName: String
    }

    /// Queues the mail as a job and answers its log row (to be written by the caller), which says
    /// `queued` until the mail job marks it `sent` (or `failed`).
    private func email(_ notification: Notification, to user: Recipient, _ draft: Draft) async throws -> NotificationLog {
        let id = try notification.requireID()
        if draft.kind == .newMessage, let thread = draft.actionURL, try await recentMessageMail(to: notification.$user.id, thread: thread) {
            return log(id, "email", "batched", "a mail about this thread went out in the last 15 minutes")
        }
        guard let template = try await EmailTemplate.query(on: db).filter(\.$templateName == draft.kind.rawValue).first() else {
            return log(id, "email", "failed", "no template \(draft.kind.rawValue)")
        }
        let rendered = template.render([
            "first_name": user.firstName, "title": draft.title, "message": draft.message,
            "action_url": draft.actionURL ?? "/",
        ])
        let mail = MailMessage(
            from: MailAddress(app.settings.mailFrom, name: "Eaglehurst"),
            to: [MailAddress(user.email, name: "\(user.firstName) \(user.lastName)")],
            subject: rendered.subject, body: rendered.body, date: now)
        let logRow = log(id, "email", "queued", nil)
        logRow.id = UUID()
        try await app.jobs.enqueue(.mail, MailJob(mail, notificationLogID: try logRow.requireID()), on: db)
        return logRow
    }

    private func recentMessageMail(to userID: UUID, thread: String) async throws -> Bool {
        let since = now.addingTimeInterval(-Self.messageMailWindow)
        let rows = try await db.sql.raw("""
            SELECT COUNT(*) AS n FROM notification_logs l JOIN notifications n ON n.id = l.notification_id
            WHERE n.user_id = \(bind: userID) AND n.type = 'new_message' AND n.action_url = \(bind: thread)
              AND l.channel = 'email' AND l.delivery_status IN ('queued', 'sent') AND l.created_at > \(bind: since)
            """).first()
        return (try rows?.decode(column: "n", as: Int.self) ?? 0) > 0
    }

    private func log(_ id: UUID, _ channel: String, _ status: String, _ detail: String?) -> NotificationLog {
        NotificationLog(notificationID: id, channel: channel, status: status, detail: detail, at: now)
    }
}

extension Application {
    func notifications(on db: any Database) -> NotificationService { NotificationService(app: self, db: db) }
}

// MARK: the user's inbox, preferences and devices

extension NotificationService {
    /// Unread first, newest first within each; `unread_count` counts every unread one, whatever the filter.
    func page(
        for user: User, unreadOnly: Bool, type: Components.Schemas.NotificationType?, page: PageRequest
    ) async throws -> Components.Schemas.NotificationPage {
        let userID = try user.requireID()
        let query = Notification.query(on: db).filter(\.$user.$id == userID)
        if unreadOnly { query.filter(\.$isRead == false) }
        if let type { query.filter(\.$type == type.rawValue) }
        let total = try await query.copy().count()
        let rows = try await query.sort(\.$isRead, .ascending).sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let unread = try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false).count()
        return .init(items: try rows.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: total, unreadCount: unread)
    }

    func markRead(_ id: UUID, of user: User) async throws -> Notification {
        guard let notification = try await Notification.query(on: db).filter(\.$id == id)
            .filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("Notification \(id)")
        }
        if !notification.isRead {
            notification.isRead = true
            notification.readAt = now
            try await notification.save(on: db)
        }
        return notification
    }

    /// How many were unread.
    func markAllRead(of user: User) async throws -> Int {
        let userID = try user.requireID()
        let unread = try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false).count()
        try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false)
            .set(\.$isRead, to: true).set(\.$readAt, to: now).update()
        return unread
    }

    /// Every kind, with the stored choice or the kind's default.
    func preferences(of user: User) async throws -> Components.Schemas.NotificationPreferences {
        let stored = try await NotificationPreference.query(on: db).filter(\.$user.$id == user.requireID()).all()
        let byType = Dictionary(stored.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
        return .init(preferences: Kind.allCases.map { kind in
            .init(_type: .init(rawValue: kind.rawValue)!, inApp: true,
                  emailEnabled: byType[kind.rawValue]?.emailEnabled ?? kind.emailByDefault,
                  pushEnabled: byType[kind.rawValue]?.pushEnabled ?? false)
        })
    }

    func updatePreferences(
        of user: User, _ changes: [Components.Schemas.NotificationPreferenceChange]
    ) async throws -> Components.Schemas.NotificationPreferences {
        let userID = try user.requireID()
        try await db.transaction { db in
            for change in changes {
                let kind = Kind(rawValue: change._type.rawValue) ?? .system
                let row = try await NotificationPreference.query(on: db).filter(\.$user.$id == userID).filter(\.$type == kind.rawValue).first()
                    ?? {
                        let fresh = NotificationPreference()
                        fresh.$user.id = userID
                        fresh.type = kind.rawValue
                        fresh.emailEnabled = kind.emailByDefault
                        fresh.pushEnabled = false
                        return fresh
                    }()
                if let email = change.emailEnabled { row.emailEnabled = email }
                if let push = change.pushEnabled { row.pushEnabled = push }
                try await row.save(on: db)
            }
        }
        return try await preferences(of: user)
    }

    /// Registers a device by the hash of its token; the same token again reactivates the same row.
    func registerDevice(for user: User, token rawToken: String, platform: Components.Schemas.DevicePlatform) async throws -> PushDevice {
        let token = rawToken.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (8...4096).contains(token.count) else { throw Problem.validation(["device_token": ["must be 8 to 4096 characters"]]) }
        let userID = try user.requireID()
        let hash = Secrets.sha256(token)
        let device = try await PushDevice.query(on: db).filter(\.$user.$id == userID).filter(\.$tokenHash == hash).first() ?? PushDevice()
        device.$user.id = userID
        device.tokenHash = hash
        device.platform = platform.rawValue
        device.isActive = true
        device.lastUsedAt = now
        try await device.save(on: db)
        return device
    }

    func unregisterDevice(_ id: UUID, of user: User) async throws {
        guard let device = try await PushDevice.query(on: db).filter(\.$id == id)
            .filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("Device \(id)")
        }
        try await device.delete(on: db)
    }
}
