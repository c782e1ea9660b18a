import EaglehurstAPI
import Vapor

extension APIHandler {
    func adminAnalytics() throws -> AdminAnalyticsService {
        AdminAnalyticsService(app: app, db: try RequestContext.request.db)
    }

    func adminDashboard(_ input: Operations.AdminDashboard.Input) async throws -> Operations.AdminDashboard.Output {
        _ = try await auth.user(.verified, is: .admin)
        let period = try analyticsPeriod(input.query.period, days: nil)
        return .ok(.init(body: .json(try await adminAnalytics().dashboard(period))))
    }

    func adminPlatformAnalytics(_ input: Operations.AdminPlatformAnalytics.Input) async throws -> Operations.AdminPlatformAnalytics.Output {
        _ = try await auth.user(.verified, is: .admin)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await adminAnalytics().platform(period))))
    }

    func adminRevenueAnalytics(_ input: Operations.AdminRevenueAnalytics.Input) async throws -> Operations.AdminRevenueAnalytics.Output {
        _ = try await auth.user(.verified, is: .admin)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await adminAnalytics().revenue(period))))
    }

    func adminUserAnalytics(_ input: Operations.AdminUserAnalytics.Input) async throws -> Operations.AdminUserAnalytics.Output {
        _ = try await auth.user(.verified, is: .admin)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await adminAnalytics().users(period))))
    }

    func adminSystemHealth(_ input: Operations.AdminSystemHealth.Input) async throws -> Operations.AdminSystemHealth.Output {
        _ = try await auth.user(.verified, is: .admin)
        return .ok(.init(body: .json(await SystemHealth(app: app).report())))
    }
}
