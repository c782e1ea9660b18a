import EaglehurstAPI
import Vapor

extension APIHandler {
    func notificationService() throws -> NotificationService { app.notifications(on: try RequestContext.request.db) }

    func notificationsList(_ input: Operations.NotificationsList.Input) async throws -> Operations.NotificationsList.Output {
        let user = try await auth.user(.verified)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        let body = try await notificationService().page(for: user, unreadOnly: input.query.unreadOnly == true, type: input.query._type, page: page)
        let tag = try ETag.of(body)
        if ETag.matches(input.headers.ifNoneMatch, tag) { return .notModified(.init(headers: .init(eTag: tag))) }
        return .ok(.init(headers: .init(eTag: tag), body: .json(body)))
    }

    func notificationsMarkRead(_ input: Operations.NotificationsMarkRead.Input) async throws -> Operations.NotificationsMarkRead.Output {
        let user = try await auth.user(.verified)
        return .ok(.init(body: .json(try await notificationService().markRead(input.path.notificationId, of: user).toDTO())))
    }

    func notificationsMarkAllRead(_ input: Operations.NotificationsMarkAllRead.Input) async throws -> Operations.NotificationsMarkAllRead.Output {
        let user = try await auth.user(.verified)
        return .ok(.init(body: .json(.init(updated: try await notificationService().markAllRead(of: user)))))
    }

    func notificationsGetPreferences(_ input: Operations.NotificationsGetPreferences.Input) async throws -> Operations.NotificationsGetPreferences.Output {
        let user = try await auth.user(.verified)
        return .ok(.init(body: .json(try await notificationService().preferences(of: user))))
    }

    func notificationsUpdatePreferences(_ input: Operations.NotificationsUpdatePreferences.Input) async throws -> Operations.NotificationsUpdatePreferences.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        return .ok(.init(body: .json(try await notificationService().updatePreferences(of: user, body.preferences))))
    }

    func notificationsRegisterDevice(_ input: Operations.NotificationsRegisterDevice.Input) async throws -> Operations.NotificationsRegisterDevice.Output {
        let user = try await auth.user(.verified)
        guard case .json(let body) = input.body else { throw Problem.unsupportedBody }
        let device = try await notificationService().registerDevice(for: user, token: body.deviceToken, platform: body.platform)
        return .created(.init(body: .json(try device.toDTO())))
    }

    func notificationsUnregisterDevice(_ input: Operations.NotificationsUnregisterDevice.Input) async throws -> Operations.NotificationsUnregisterDevice.Output {
        let user = try await auth.user(.verified)
        try await notificationService().unregisterDevice(input.path.deviceId, of: user)
        return .noContent(.init())
    }
}
