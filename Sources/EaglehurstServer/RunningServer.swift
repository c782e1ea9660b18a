import Foundation
import Logging
import NIOCore
import Vapor

/// A started Eaglehurst server: what `serve`, the embedded server of the terminal client and
/// the tests all run. It listens until `shutdown()`.
public final class RunningServer: Sendable {
    public let app: Application
    public let hostname: String
    public let port: Int

    public var baseURL: URL { URL(string: "http://\(hostname):\(port)/api/v1")! }

    private init(app: Application, hostname: String, port: Int) {
        self.app = app
        self.hostname = hostname
        self.port = port
    }

    /// Configures, migrates and starts listening. Port 0 picks a free port.
    public static func start(
        settings: Settings,
        hostname: String = "127.0.0.1",
        port: Int = 8000,
        environment: ServerEnvironment = .live(),
        logLevel: Logger.Level = .info
    ) async throws -> RunningServer {
        let app = try await Application.make(Environment(name: "production", arguments: ["eaglehurst-server"]))
        app.logger.logLevel = logLevel
        do {
            try await configure(app, settings: settings, environment: environment)
            try await prepareDatabase(app)
            // Runs the lifecycle handlers' didBoot, as `app.execute()` would: the search log flushes from there.
            try await app.asyncBoot()
            app.http.server.configuration.hostname = hostname
            app.http.server.configuration.port = port
            app.http.server.configuration.serverName = nil
            try await app.server.start(address: .hostname(hostname, port: port))
            let bound = app.http.server.shared.localAddress?.port ?? port
            return RunningServer(app: app, hostname: hostname, port: bound)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    public func shutdown() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

/// Configures and migrates without listening, for one-shot commands (`migrate`, `create-admin`, `seed-demo`).
public func withMigratedApplication<T: Sendable>(
    settings: Settings, logLevel: Logger.Level = .notice,
    _ body: @Sendable (Application) async throws -> T
) async throws -> T {
    let app = try await Application.make(Environment(name: "production", arguments: ["eaglehurst-server"]))
    app.logger.logLevel = logLevel
    do {
        try await configure(app, settings: settings)
        try await prepareDatabase(app)
        let result = try await body(app)
        try await app.asyncShutdown()
        return result
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
}
