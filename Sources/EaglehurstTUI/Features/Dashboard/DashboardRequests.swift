import EaglehurstAPI
import EaglehurstClient
import Foundation

extension EffectRunner {
    func runDashboard(_ effect: DashboardEffect) async -> DashboardMessage {
        switch effect {
        case .loadUser(let days):
            return .userLoaded(days: days, await attempt {
                switch try await client.analyticsDashboard(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your dashboard"))
                }
            })
        case .loadActivity(let days):
            return .activityLoaded(days: days, await attempt {
                switch try await client.analyticsBuyerActivity(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your activity"))
                }
            })
        case .loadConnections(let days):
            return .connectionsLoaded(days: days, await attempt {
                switch try await client.analyticsConnections(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your connection figures"))
                }
            })
        case .loadRevenue(let days):
            return .revenueLoaded(days: days, await attempt {
                switch try await client.analyticsRevenue(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your sales figures"))
                }
            })
        case .loadListings(let days):
            return .listingsLoaded(days: days, await attempt {
                switch try await client.analyticsSellerListings(query: .init(days: days, page: 1, perPage: 100)) {
                case .ok(let ok): return .success(try ok.body.json.items)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "your listings' figures"))
                }
            })
        case .loadAdmin:
            return .adminLoaded(await attempt {
                switch try await client.adminDashboard() {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the admin dashboard"))
                }
            })
        case .loadPlatform(let days):
            return .platformLoaded(days: days, await attempt {
                switch try await client.adminPlatformAnalytics(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the platform figures"))
                }
            })
        case .loadAdminRevenue(let days):
            return .adminRevenueLoaded(days: days, await attempt {
                switch try await client.adminRevenueAnalytics(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the revenue"))
                }
            })
        case .loadUsers(let days):
            return .usersLoaded(days: days, await attempt {
                switch try await client.adminUserAnalytics(query: .init(days: days)) {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the user figures"))
                }
            })
        case .checkHealth(let token, let pause):
            if pause > .zero { try? await Task.sleep(for: pause) }
            let clock = ContinuousClock()
            let started = clock.now
            let result: Result<SystemHealth, RequestFailure> = await attempt {
                switch try await client.adminSystemHealth() {
                case .ok(let ok): return .success(try ok.body.json)
                case .default(let statusCode, let problem): return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the system's health"))
                }
            }
            return .healthChecked(token: token, result, roundTrip: clock.now - started)
        }
    }
}
