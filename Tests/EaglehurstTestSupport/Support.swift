import EaglehurstServer
import Foundation
import Logging
import NIOCore
import Vapor

/// The databases every server test runs against: SQLite always, PostgreSQL when
/// `EAGLEHURST_TEST_POSTGRES_URL` names a server (`./scripts/test` starts a throwaway cluster and
/// sets it; under CI its absence is an error, never a silent skip).
public enum TestDatabase: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    public static var postgresAdminURL: String? {
        ProcessInfo.processInfo.environment["EAGLEHURST_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var underTest: [TestDatabase] {
        if postgresAdminURL != nil { return [.sqlite, .postgres] }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            fatalError("EAGLEHURST_TEST_POSTGRES_URL is not set: run the tests through ./scripts/test, which starts PostgreSQL")
        }
        FileHandle.standardError.write(Data("note: EAGLEHURST_TEST_POSTGRES_URL unset; server tests run on SQLite only (./scripts/test runs both)\n".utf8))
        return [.sqlite]
    }
}

/// A fresh, empty database and data directory for one test.
public final class TestSandbox: Sendable {
    public let directory: URL
    public let database: TestDatabase
    public let settings: Settings
    private let postgresName: String?

    public init(_ database: TestDatabase, customize: (inout Settings) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.database = database
        // bcrypt cost 4 keeps the many sign-ups of the suite quick; the production default is 12.
        var settings = Settings(dataDirectory: directory, jwtSecret: String(repeating: "test-secret-", count: 4), bcryptCost: 4)
        switch database {
        case .sqlite:
            postgresName = nil
        case .postgres:
            guard let admin = TestDatabase.postgresAdminURL else {
                throw TestSupportError("EAGLEHURST_TEST_POSTGRES_URL is not set")
            }
            let name = "eh_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
            try Self.psql(admin, "CREATE DATABASE \(name)")
            postgresName = name
            settings.database = .postgres(url: Self.replacingDatabase(in: admin, with: name))
        }
        customize(&settings)
        self.settings = settings
    }

    public func remove() {
        if let postgresName, let admin = TestDatabase.postgresAdminURL {
            try? Self.psql(admin, "DROP DATABASE IF EXISTS \(postgresName) WITH (FORCE)")
        }
        try? FileManager.default.removeItem(at: directory)
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/\(name)"
        return components.string!
    }

    static func psql(_ url: String, _ sql: String) throws {
        var components = URLComponents(string: url)!
        components.queryItems = nil
        let (status, output) = try ChildProcess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", components.string!, "-c", sql])
        guard status == 0 else { throw TestSupportError("psql failed for '\(sql)': \(output)") }
    }
}

/// The real server listening on a free loopback port, on a fresh database.
public final class TestServer: Sendable {
    public let sandbox: TestSandbox
    public let server: RunningServer

    public var baseURL: URL { server.baseURL }
    public var app: Application { server.app }

    private init(sandbox: TestSandbox, server: RunningServer) {
        self.sandbox = sandbox
        self.server = server
    }

    public static func start(
        _ database: TestDatabase = .sqlite,
        environment: ServerEnvironment = .live(),
        customize: (inout Settings) -> Void = { _ in }
    ) async throws -> TestServer {
        TestLogging.bootstrapOnce()
        let sandbox = try TestSandbox(database, customize: customize)
        do {
            let server = try await RunningServer.start(
                settings: sandbox.settings, hostname: "127.0.0.1", port: 0, environment: environment, logLevel: .warning)
            return TestServer(sandbox: sandbox, server: server)
        } catch {
            sandbox.remove()
            throw error
        }
    }

    public func stop() async throws {
        defer { sandbox.remove() }
        try await server.shutdown()
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum TestLogging {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
    }()

    public static func bootstrapOnce() { _ = once }
}

/// A decoded answer of the server, for assertions.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: Data

    public init(status: Int, headers: HTTPHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw TestSupportError("body is not a JSON object: \(text)")
        }
        return object
    }
}

extension TestServer {
    /// How long a test waits for an answer: a request the server never answers fails its test
    /// instead of holding up the whole run.
    public static let requestTimeout = TimeAmount.seconds(120)

    /// Sends a real HTTP request over loopback. `path` is relative to `/api/v1` unless it starts with `//`.
    ///
    /// Mail and notifications go through the job queue, off the request path. So that a test sees
    /// what its requests caused, the queue is drained (due jobs run, running ones awaited) before
    /// the request and after its answer — unless the server runs without a job worker.
    public func request(
        _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: String? = nil,
        bodyData: Data? = nil, bearer: String? = nil
    ) async throws -> TestResponse {
        let url = path.hasPrefix("//") ? "http://\(server.hostname):\(server.port)\(path.dropFirst())"
            : "\(baseURL.absoluteString)\(path)"
        var headers = headers
        if let bearer { headers.replaceOrAdd(name: .authorization, value: "Bearer \(bearer)") }
        if body != nil, headers.first(name: .contentType) == nil {
            headers.replaceOrAdd(name: .contentType, value: "application/json")
        }
        let drains = app.settings.jobWorker
        if drains { await app.drainJobQueue() }
        let response = try await app.client.send(method, headers: headers, to: URI(string: url)) { request in
            request.timeout = TestServer.requestTimeout
            if let body { request.body = ByteBuffer(string: body) }
            if let bodyData { request.body = ByteBuffer(data: bodyData) }
        }
        if drains { await app.drainJobQueue() }
        let data = response.body.map { Data($0.readableBytesView) } ?? Data()
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: data)
    }
}

/// A clock the tests move by hand, to reach expiry times without waiting.
public final class TestClock: @unchecked Sendable {
    // `lock` guards `current`.
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date()) {
        current = start
    }

    public var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    public func advance(by seconds: TimeInterval) {
        lock.lock()
        defer { lock.unlock() }
        current = current.addingTimeInterval(seconds)
    }

    /// Sets the time, e.g. back to the real time at the start of each database's run of a test.
    public func set(_ date: Date) {
        lock.lock()
        defer { lock.unlock() }
        current = date
    }

    public var environment: ServerEnvironment {
        ServerEnvironment(now: { [self] in now })
    }
}

extension TestServer {
    /// The mails written to the outbox (the default mailer when SMTP_URL is unset), oldest first.
    public func outbox() throws -> [String] {
        let dir = sandbox.directory.appendingPathComponent("outbox")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return try names.filter { $0.hasSuffix(".eml") }.sorted()
            .map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }
    }
}
