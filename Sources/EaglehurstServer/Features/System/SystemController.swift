import EaglehurstAPI
import Fluent
import Foundation
import SQLKit
import Vapor

extension APIHandler {
    func healthGet(_ input: Operations.HealthGet.Input) async throws -> Operations.HealthGet.Output {
        .ok(.init(body: .json(try await SystemService(app: app).health())))
    }
}

public enum EaglehurstVersion {
    public static let current = "0.1.0"
}

struct SystemService {
    let app: Application

    /// Liveness: the server answers and its database answers a trivial query.
    func health() async throws -> Components.Schemas.Health {
        let databaseOK: Bool
        do {
            try await app.db.sql.raw("SELECT 1").run()
            databaseOK = true
        } catch {
            app.logger.warning("health check: database did not answer", metadata: ["error": "\(LoggedError(error))"])
            databaseOK = false
        }
        return .init(
            status: databaseOK ? .ok : .degraded,
            version: EaglehurstVersion.current,
            database: app.settings.database.engineName,
            time: app.serverEnvironment.now())
    }
}
