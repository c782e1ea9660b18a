import EaglehurstAPI
import Vapor

extension APIHandler {
    func analyticsService(_ user: User) throws -> AnalyticsService {
        AnalyticsService(app: app, db: try RequestContext.request.db, user: user)
    }

    func analyticsPeriod(_ period: Components.Parameters.Period?, days: Int?) throws -> AnalyticsPeriod {
        try AnalyticsPeriod(period: period?.rawValue, days: days, now: app.serverEnvironment.now())
    }

    func analyticsDashboard(_ input: Operations.AnalyticsDashboard.Input) async throws -> Operations.AnalyticsDashboard.Output {
        let user = try await auth.user(.verified)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await analyticsService(user).dashboard(period))))
    }

    func analyticsSellerListings(_ input: Operations.AnalyticsSellerListings.Input) async throws -> Operations.AnalyticsSellerListings.Output {
        let seller = try await auth.user(.verified, is: .seller)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        let page = try PageRequest(page: input.query.page, perPage: input.query.perPage)
        return .ok(.init(body: .json(try await analyticsService(seller).sellerListings(period, page: page))))
    }

    func analyticsBuyerActivity(_ input: Operations.AnalyticsBuyerActivity.Input) async throws -> Operations.AnalyticsBuyerActivity.Output {
        let buyer = try await auth.user(.verified, is: .buyer)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await analyticsService(buyer).buyerActivity(period))))
    }

    func analyticsConnections(_ input: Operations.AnalyticsConnections.Input) async throws -> Operations.AnalyticsConnections.Output {
        let user = try await auth.user(.verified, is: .buyer, .seller)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await analyticsService(user).connections(period))))
    }

    func analyticsRevenue(_ input: Operations.AnalyticsRevenue.Input) async throws -> Operations.AnalyticsRevenue.Output {
        let seller = try await auth.user(.verified, is: .seller)
        let period = try analyticsPeriod(input.query.period, days: input.query.days)
        return .ok(.init(body: .json(try await analyticsService(seller).revenue(period))))
    }
}
