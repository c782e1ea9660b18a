import EaglehurstAPI
import Vapor

/// The probes of a supervisor and a load balancer; neither is rate limited (`RequestRateLimitMiddleware`).
extension APIHandler {
    func healthLive(_ input: Operations.HealthLive.Input) async throws -> Operations.HealthLive.Output {
        .ok(.init(body: .json(.init(status: .ok))))
    }

    func healthReady(_ input: Operations.HealthReady.Input) async throws -> Operations.HealthReady.Output {
        guard let reason = await Readiness(app: app).reason() else {
            return .ok(.init(body: .json(.init(status: .ready))))
        }
        return .serviceUnavailable(.init(body: .json(.init(status: .notReady, reason: reason.rawValue))))
    }
}
