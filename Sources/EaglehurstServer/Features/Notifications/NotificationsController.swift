import EaglehurstAPI
import Fluent
import SQLKit
import Vapor

extension Notification {
    func toDTO() throws -> Components.Schemas.Notification {
        .init(
            id: try requireID(), userId: $user.id, _type: .init(rawValue: type) ?? .system, title: title, message: message,
            isRead: isRead, actionUrl: actionURL, readAt: readAt, createdAt: createdAt)
    }
}

extension APIHandler {
    func notificationsList(_ input: Operations.NotificationsList.Input) async throws -> Operations.NotificationsList.Output {
        let user = try await auth.user(.verified)
        let db = try RequestContext.request.db
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let userID = try user.requireID()
        let query = Notification.query(on: db).filter(\.$user.$id == userID)
        if input.query.unreadOnly == true { query.filter(\.$isRead == false) }
        if let type = input.query._type { query.filter(\.$type == type.rawValue) }
        let total = try await query.copy().count()
        // Unread first, newest first within each.
        let rows = try await query.sort(\.$isRead, .ascending).sort(\.$createdAt, .descending).sort(\.$id)
            .range(page.offset..<(page.offset + page.perPage)).all()
        let unread = try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false).count()
        let body = Components.Schemas.NotificationPage(
            items: try rows.map { try $0.toDTO() }, page: page.page, perPage: page.perPage, total: total, unreadCount: unread)
        let tag = try ETag.of(body)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(body)))
    }

    func notificationsMarkRead(_ input: Operations.NotificationsMarkRead.Input) async throws -> Operations.NotificationsMarkRead.Output {
        let user = try await auth.user(.verified)
        let db = try RequestContext.request.db
        guard let notification = try await Notification.query(on: db).filter(\.$id == input.path.notificationId)
            .filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("Notification \(input.path.notificationId)")
        }
        if !notification.isRead {
            notification.isRead = true
            notification.readAt = app.serverEnvironment.now()
            try await notification.save(on: db)
        }
        return .ok(.init(body: .json(try notification.toDTO())))
    }

    func notificationsMarkAllRead(_ input: Operations.NotificationsMarkAllRead.Input) async throws -> Operations.NotificationsMarkAllRead.Output {
        let user = try await auth.user(.verified)
        let db = try RequestContext.request.db
        let userID = try user.requireID()
        let unread = try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false).count()
        try await Notification.query(on: db).filter(\.$user.$id == userID).filter(\.$isRead == false)
            .set(\.$isRead, to: true).set(\.$readAt, to: app.serverEnvironment.now()).update()
        return .ok(.init(body: .json(.init(updated: unread))))
    }

    func notificationsGetPreferences(_ input: Operations.NotificationsGetPreferences.Input) async throws -> Operations.NotificationsGetPreferences.Output {
        let user = try await auth.user(.verified)
        return .ok(.init(body: .json(try await preferences(of: user, on: try RequestContext.request.db))))
    }

    func notificationsUpdatePreferences(_ input: Operations.NotificationsUpdatePreferences.Input) async throws -> Operations.NotificationsUpdatePreferences.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let db = try RequestContext.request.db
        let userID = try user.requireID()
        try await db.transaction { db in
            for change in body.preferences {
                let kind = NotificationService.Kind(rawValue: change._type.rawValue) ?? .system
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
        return .ok(.init(body: .json(try await preferences(of: user, on: db))))
    }

    func preferences(of user: User, on db: any Database) async throws -> Components.Schemas.NotificationPreferences {
        let stored = try await NotificationPreference.query(on: db).filter(\.$user.$id == user.requireID()).all()
        let byType = Dictionary(stored.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
        return .init(preferences: NotificationService.Kind.allCases.map { kind in
            .init(_type: .init(rawValue: kind.rawValue)!, inApp: true,
                  emailEnabled: byType[kind.rawValue]?.emailEnabled ?? kind.emailByDefault,
                  pushEnabled: byType[kind.rawValue]?.pushEnabled ?? false)
        })
    }

    func notificationsRegisterDevice(_ input: Operations.NotificationsRegisterDevice.Input) async throws -> Operations.NotificationsRegisterDevice.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let token = body.deviceToken.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (8...4096).contains(token.count) else { throw Problem.validation(["device_token": ["must be 8 to 4096 characters"]]) }
        let db = try RequestContext.request.db
        let userID = try user.requireID()
        let hash = Secrets.sha256(token)
        let device = try await PushDevice.query(on: db).filter(\.$user.$id == userID).filter(\.$tokenHash == hash).first() ?? PushDevice()
        device.$user.id = userID
        device.tokenHash = hash
        device.platform = body.platform.rawValue
        device.isActive = true
        device.lastUsedAt = app.serverEnvironment.now()
        try await device.save(on: db)
        return .created(.init(body: .json(.init(
            id: try device.requireID(), platform: body.platform, isActive: true,
            createdAt: device.createdAt ?? app.serverEnvironment.now(), lastUsedAt: device.lastUsedAt))))
    }

    func notificationsUnregisterDevice(_ input: Operations.NotificationsUnregisterDevice.Input) async throws -> Operations.NotificationsUnregisterDevice.Output {
        let user = try await auth.user(.verified)
        let db = try RequestContext.request.db
        guard let device = try await PushDevice.query(on: db).filter(\.$id == input.path.deviceId)
            .filter(\.$user.$id == user.requireID()).first() else {
            throw Problem.notFound("Device \(input.path.deviceId)")
        }
        try await device.delete(on: db)
        return .noContent(.init())
    }
}
