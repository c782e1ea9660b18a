import Crypto
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import JWT
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// The one set-up that production, the embedded server and the tests all call.
public func configure(_ app: Application, settings: Settings, environment: ServerEnvironment = .live()) async throws {
    try FileManager.default.createDirectory(at: settings.dataDirectory, withIntermediateDirectories: true)
    app.storage[SettingsKey.self] = settings
    app.storage[ServerEnvironmentKey.self] = environment
    app.storage[StartedAtKey.self] = environment.now()
    if settings.logFormat == .json {
        let level = app.logger.logLevel
        app.logger = Logger(label: app.logger.label) { JSONLogHandler(label: $0, level: level) }
    }

    try configureDatabase(app, settings: settings)
    let authSessionCache = AuthSessionCache()
    app.storage[AuthSessionCacheKey.self] = authSessionCache
    app.databases.middleware.use(AuthCacheModelMiddleware(cache: authSessionCache))
    let savedIDsCache = SavedIDsCache()
    app.storage[SavedIDsCacheKey.self] = savedIDsCache
    app.databases.middleware.use(SavedIDsCacheModelMiddleware(cache: savedIDsCache))
    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    let secret = try settings.jwtSecret ?? JWTSecretStore.loadOrCreate(in: settings.dataDirectory)
    await app.jwt.keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    app.storage[TokenKeyKey.self] = SymmetricKey(data: SHA256.hash(data: Data("eaglehurst-codes:\(secret)".utf8)))
    app.storage[MailerKey.self] = try environment.mailer ?? makeMailer(settings)
    let fileStore: any FileStore
    if let store = environment.fileStore {
        fileStore = store
    } else {
        fileStore = try await makeFileStore(settings)
    }
    try await EncryptingFileStore.checkKey(settings.encryptionKey, on: fileStore)
    app.storage[FileStoreKey.self] = EncryptingFileStore(base: fileStore, key: settings.encryptionKey)
    app.storage[FileURLSignerKey.self] = FileURLSigner(secret: secret)
    app.storage[UploadSpoolKey.self] = try UploadSpool.prepare(at: settings.dataDirectory.appendingPathComponent("uploads", isDirectory: true))
    app.storage[PaymentGatewayKey.self] = environment.paymentGateway ?? makePaymentGateway(app, settings)

    // Outermost first. Everything inside ProblemMiddleware may throw; everything outside it sees
    // the final answer, problems included, so headers and the log line cover every response.
    app.middleware = Middlewares()
    app.middleware.use(RequestLogMiddleware())
    if settings.metricsEnabled {
        let metrics = ServerMetrics()
        app.storage[ServerMetricsKey.self] = metrics
        app.middleware.use(MetricsMiddleware(metrics: metrics))
    }
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(CORSMiddleware(configuration: .init(
        allowedOrigin: settings.corsAllowedOrigin == "*" ? .all : .custom(settings.corsAllowedOrigin),
        allowedMethods: [.GET, .POST, .PUT, .DELETE, .OPTIONS],
        allowedHeaders: [.accept, .authorization, .contentType, .origin, .ifNoneMatch, .range, .ifRange, "X-Request-ID"],
        exposedHeaders: [.eTag, "X-Request-ID", .retryAfter, "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy",
                         .contentRange, .acceptRanges, .contentDisposition]
    )))
    app.middleware.use(RateLimitHeadersMiddleware())
    app.middleware.use(ProblemMiddleware())
    app.middleware.use(RequestRateLimitMiddleware())
    app.middleware.use(BodyLimitMiddleware(
        jsonLimit: 1 << 20, uploadLimit: 10 << 20, mediaUploadLimit: ListingsService.mediaLimit + (1 << 20)))
    app.middleware.use(ListingAnswerCacheMiddleware())
    app.storage[ThreadPollCacheKey.self] = ThreadPollCache()
    app.storage[VerifiedTokensKey.self] = VerifiedTokens()
    app.middleware.use(ThreadPollMiddleware())
    // Innermost: the one task-hop every handler needs (the request in a task-local value); the
    // middlewares above are written on futures and add none unless they have async work to do.
    app.middleware.use(RequestContextMiddleware())

    Migrations.register(on: app)
    app.storage[SearchLogKey.self] = SearchLog(database: { [unowned app] in app.db(.searchLog) }, logger: app.logger)
    // Four smaller writes a second rather than one large one: a busy server logs thousands of
    // searches a second, and on SQLite one large write was the longest stall searches met.
    app.lifecycle.use(PeriodicFlush(every: .milliseconds(250)) { await $0.searchLog.flush() })
    app.storage[AnalyticsLogKey.self] = AnalyticsLog(database: { [unowned app] in app.db(.searchLog) }, logger: app.logger)
    app.lifecycle.use(PeriodicFlush { await $0.analyticsLog.flush() })
    app.lifecycle.use(PlatformMetricsLifecycle())
    app.storage[PlatformMetricsCacheKey.self] = PlatformMetricsCache()
    app.lifecycle.use(SubscriptionRenewalsLifecycle())
    app.storage[JobsInFlightKey.self] = NIOLockedValueBox(0)
    ImageJobThread.install(on: app)  // before the worker, so it stops after it
    app.lifecycle.use(JobWorkerLifecycle())
    app.storage[SearchIndexWarmerKey.self] = SearchIndexWarmer()
    if case .postgres = settings.database {
        app.storage[RequestBucketsKey.self] = RequestBuckets(shared: true)
    } else {
        app.storage[RequestBucketsKey.self] = RequestBuckets(shared: false)
        app.storage[JobRunGateKey.self] = Dictionary(uniqueKeysWithValues: JobLane.allCases.map { ($0, JobRunGate()) })
    }
    app.lifecycle.use(CacheListenerLifecycle())
    try routes(app)
    metricsRoute(app)
}

/// Stripe when a secret key is set, else the local test gateway.
func makePaymentGateway(_ app: Application, _ settings: Settings) -> any PaymentGateway {
    if let key = settings.stripeSecretKey {
        return StripePaymentGateway(
            client: app.client, secretKey: key, publishableKey: settings.stripePublishableKey,
            apiBase: settings.stripeAPIBase, logger: app.logger)
    }
    return LocalPaymentGateway(database: { [unowned app] in app.db })
}

/// The S3 store when `S3_BUCKET` is set (its bucket checked first, so wrong credentials or a
/// missing bucket stop start-up with one clear line), else files on local disk.
func makeFileStore(_ settings: Settings) async throws -> any FileStore {
    guard let s3 = settings.s3 else {
        return LocalFileStore(root: settings.dataDirectory.appendingPathComponent("files", isDirectory: true))
    }
    let store = S3FileStore(s3.store)
    try await store.checkBucket(create: s3.createBucket)
    return store
}

func makeMailer(_ settings: Settings) throws -> any Mailer {
    if let url = settings.smtpURL {
        return SMTPMailer(sender: try SMTPSender(url: url))
    }
    return OutboxMailer(directory: settings.dataDirectory.appendingPathComponent("outbox", isDirectory: true))
}

/// Opens the configured database. SQLite gets WAL, foreign keys and a busy timeout.
///
/// The search log, the analytics log and the metrics roll-up write through connections of their
/// own (`DatabaseID.searchLog`, the same database): each pool holds one connection per event loop, and a batch of searches written
/// on a request connection would hold up every request of that event loop until it is done.
func configureDatabase(_ app: Application, settings: Settings) throws {
    // This server's writes mark the search generation it holds stale once they commit.
    let reader = app.searchIndexCache.generationReader
    func watched(
        _ factory: DatabaseConfigurationFactory, writeGate: SQLiteWriteGate? = nil, writer: SQLiteWriter? = nil
    ) -> any DatabaseConfiguration {
        SearchGenerationWatch(base: factory.make(), reader: reader, writeGate: writeGate, writer: writer)
    }
    switch settings.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        // One gate for both pools: the logs' batches queue behind the same writer as requests.
        // And one writer (`SQLiteWriter`): writes after the gate take its connections, reads keep these.
        let gate = SQLiteWriteGate()
        let writer = SQLiteWriter(path: path, eventLoopGroup: app.eventLoopGroup)
        app.storage[SQLiteWriterKey.self] = writer
        app.lifecycle.use(SQLiteWriterLifecycle())
        app.databases.use(watched(.sqlite(.file(path), sqlLogLevel: .trace), writeGate: gate, writer: writer), as: .sqlite)
        app.databases.use(watched(.sqlite(.file(path), sqlLogLevel: .trace), writeGate: gate, writer: writer), as: .searchLog, isDefault: false)
    case .postgres(let url):
        var configuration = try SQLPostgresConfiguration(url: url)
        configuration.searchPath = nil
        // Several connections per event loop: a transaction waiting on a row lock holds one, and the
        // event loop's other requests go on with the rest.
        app.databases.use(watched(.postgres(
            configuration: configuration, maxConnectionsPerEventLoop: settings.databasePoolSize,
            encodingContext: .default, decodingContext: .default, sqlLogLevel: .trace)), as: .psql)
        app.databases.use(watched(.postgres(
            configuration: configuration, maxConnectionsPerEventLoop: 2,
            encodingContext: .default, decodingContext: .default, sqlLogLevel: .trace)), as: .searchLog, isDefault: false)
    }
}

extension DatabaseID {
    static let searchLog = DatabaseID(string: "search-log")
}

/// Runs pending migrations and prepares every pooled SQLite connection.
///
/// fluent-sqlite-driver keeps exactly one connection per event loop and offers no hook when it
/// opens one, so the per-connection pragmas are applied here, once per event loop, right after start.
public func prepareDatabase(_ app: Application) async throws {
    let settings = app.settings
    if case .sqlite = settings.database {
        try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
        for eventLoop in app.eventLoopGroup.makeIterator() {
            let db = app.databases.database(logger: app.logger, on: eventLoop)!.sql
            try await db.raw("PRAGMA busy_timeout=5000").run()
            try await db.raw("PRAGMA foreign_keys=ON").run()
            try await db.raw("PRAGMA synchronous=NORMAL").run()
        }
        try await app.storage[SQLiteWriterKey.self]?.prepare(eventLoopGroup: app.eventLoopGroup, logger: app.logger)
    }
    try await app.autoMigrate()
}

struct SettingsKey: StorageKey { typealias Value = Settings }
struct ServerEnvironmentKey: StorageKey { typealias Value = ServerEnvironment }

extension Application {
    public var settings: Settings {
        guard let settings = storage[SettingsKey.self] else { fatalError("configure(_:settings:) was not called") }
        return settings
    }

    var serverEnvironment: ServerEnvironment {
        storage[ServerEnvironmentKey.self] ?? .live()
    }
}

/// What the server takes from outside that tests replace: the clock, the mailer, the file store
/// and the payment gateway.
public struct ServerEnvironment: Sendable {
    public var now: @Sendable () -> Date
    /// nil: chosen from the settings (SMTP with `SMTP_URL`, else the outbox folder).
    public var mailer: (any Mailer)?
    /// nil: chosen from the settings (`S3FileStore` with `S3_BUCKET`, else `LocalFileStore` under `<data dir>/files/`).
    public var fileStore: (any FileStore)?
    /// nil: chosen from the settings (Stripe with `STRIPE_SECRET_KEY`, else the local gateway).
    var paymentGateway: (any PaymentGateway)?

    public init(now: @escaping @Sendable () -> Date, mailer: (any Mailer)? = nil, fileStore: (any FileStore)? = nil) {
        self.now = now
        self.mailer = mailer
        self.fileStore = fileStore
    }

    public static func live() -> ServerEnvironment {
        ServerEnvironment(now: { Date() })
    }
}

struct MailerKey: StorageKey { typealias Value = any Mailer }
struct TokenKeyKey: StorageKey { typealias Value = SymmetricKey }

extension Application {
    var mailer: any Mailer {
        guard let mailer = storage[MailerKey.self] else { fatalError("configure(_:settings:) was not called") }
        return mailer
    }

    /// The key that codes such as email OTPs are stored under (derived from the signing secret).
    var codeKey: SymmetricKey {
        guard let key = storage[TokenKeyKey.self] else { fatalError("configure(_:settings:) was not called") }
        return key
    }
}

/// The development signing key: generated once, 64 random bytes, kept in the data directory (0600).
enum JWTSecretStore {
    static func loadOrCreate(in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("jwt-secret")
        if let existing = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
           existing.utf8.count >= 32 {
            return existing
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<64).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let secret = Data(bytes).base64EncodedString()
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        return secret
    }
}
