import EaglehurstClient
import OpenAPIRuntime
import EaglehurstAPI
import Foundation

extension EffectRunner {
    func runStatus(_ effect: StatusEffect) async -> StatusMessage {
        switch effect {
        case .checkHealth: .healthChecked(await checkHealth())
        }
    }

    func checkHealth() async -> Result<HealthReport, RequestFailure> {
        let clock = ContinuousClock()
        let started = clock.now
        return await attempt {
            switch try await client.healthGet() {
            case .ok(let ok):
                let health = try ok.body.json
                return .success(HealthReport(
                    status: health.status.rawValue, version: health.version, database: health.database,
                    serverTime: health.time, roundTrip: clock.now - started
                ))
            case .default(let statusCode, let problem):
                return .failure(Self.failure(statusCode: statusCode, problem: problem, what: "the health check"))
            }
        }
    }
}
