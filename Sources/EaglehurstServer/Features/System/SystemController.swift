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

/// The release of the server and the terminal client: the contract's version, so that one number
/// says which programs speak which contract (`VersionTests` holds `openapi.yaml` to it).
public enum EaglehurstVersion {
    public static let current = APIContract.version
    /// What `--version` prints.
    public static let summary = "\(current) (API contract \(APIContract.version), base path /api/v1)"
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
