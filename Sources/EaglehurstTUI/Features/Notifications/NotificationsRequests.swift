import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    func markNotificationRead(_ id: UUID) async -> Result<AppNotification, RequestFailure> {
        await attempt {
            switch try await client.notificationsMarkRead(path: .init(notificationId: id)) {
            case .ok(let ok): return .success(try ok.body.json)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "marking read"))
            }
        }
    }

    func markAllNotificationsRead() async -> Result<Int, RequestFailure> {
        await attempt {
            switch try await client.notificationsMarkAllRead() {
            case .ok(let ok): return .success(try ok.body.json.updated)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "marking all read"))
            }
        }
    }

    func preferences() async -> Result<[NotificationPreference], RequestFailure> {
        await attempt {
            switch try await client.notificationsGetPreferences() {
            case .ok(let ok): return .success(try ok.body.json.preferences)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "preferences"))
            }
        }
    }

    func setPreference(_ type: Components.Schemas.NotificationType, email: Bool?, push: Bool?) async -> Result<[NotificationPreference], RequestFailure> {
        await attempt {
            let change = Components.Schemas.NotificationPreferenceChange(_type: type, emailEnabled: email, pushEnabled: push)
            switch try await client.notificationsUpdatePreferences(body: .json(.init(preferences: [change]))) {
            case .ok(let ok): return .success(try ok.body.json.preferences)
            case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "saving preferences"))
            }
        }
    }
}
