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
            app.storage[DrainingKey.self] = Draining()
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

    /// Loads the listing search index in the background now rather than at the first search;
    /// `GET /health/ready` answers 503 until it is loaded.
    public func warmSearchIndex() {
        app.searchIndexWarmer.warm(app)
    }

    /// Stops as `serve` does on SIGTERM: `GET /health/ready` answers 503 "draining", the listening
    /// socket closes (a new connection is refused), idle keep-alive connections close, and requests in
    /// flight get up to `grace` to finish, their answers saying `Connection: close`; then the
    /// application shuts down. Vapor's server does the quiescing (NIO's `ServerQuiescingHelper`); past
    /// `grace` the connections still open are cut.
    public func drain(grace: Duration) async throws {
        app.storage[DrainingKey.self]?.begin()
        app.logger.notice("draining: no new connections; requests in flight have \(grace) to finish")
        var configuration = app.http.server.configuration
        configuration.shutdownTimeout = .nanoseconds(Int64(grace.components.seconds) * 1_000_000_000 + grace.components.attoseconds / 1_000_000_000)
        app.http.server.configuration = configuration
        await app.server.shutdown()
        try await app.asyncShutdown()
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
