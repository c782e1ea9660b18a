import Foundation
import Logging

/// Everything the server reads from its environment, read once at start-up.
///
/// Names follow the seed's settings (`DATABASE_URL`, `JWT_SECRET_KEY`, ...). A malformed value
/// stops start-up with one line that names the variable and says what to write instead.
public struct Settings: Sendable {
    public enum Database: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)

        public var engineName: String {
            switch self {
            case .sqlite: "sqlite"
            case .postgres: "postgresql"
            }
        }
    }

    /// A request rate for a token bucket: `requests` is the bucket's size (the burst) and it refills
    /// at `requests` per `seconds`.
    public struct RequestRate: Sendable, Equatable, CustomStringConvertible {
        public var requests: Int
        public var seconds: Int

        public init(requests: Int, seconds: Int) {
            self.requests = requests
            self.seconds = seconds
        }

        public var perSecond: Double { Double(requests) / Double(seconds) }
        public var description: String { "\(requests)/\(seconds)" }
    }

    public var dataDirectory: URL
    public var database: Database
    /// `nil` means: use the secret stored in the data directory, creating it on first start.
    public var jwtSecret: String?
    public var smtpURL: URL?
    public var rateLimitEnabled: Bool
    public var emailVerificationRequired: Bool
    public var corsAllowedOrigin: String
    /// The sender of the server's mail (`MAIL_FROM`).
    public var mailFrom: String
    /// bcrypt work factor for passwords (`BCRYPT_COST`, 4–16).
    public var bcryptCost: Int
    /// Stripe's secret key (`STRIPE_SECRET_KEY`): set, payments go through Stripe; unset, through
    /// the local test gateway.
    public var stripeSecretKey: String?
    /// Stripe's publishable key (`STRIPE_PUBLISHABLE_KEY`), told to clients to tokenize cards.
    public var stripePublishableKey: String?
    /// The secret that webhook events are signed with (`STRIPE_WEBHOOK_SECRET`); unset, webhooks are refused.
    public var stripeWebhookSecret: String?
    /// Where Stripe's API is (`STRIPE_API_BASE`, default https://api.stripe.com), e.g. a localstripe.
    public var stripeAPIBase: URL
    /// Seconds between runs of the subscription renewal job (`SUBSCRIPTION_RENEWAL_INTERVAL`, 0 turns it off).
    public var renewalInterval: Int
    /// Whether `GET /metrics` answers, in Prometheus text format (`METRICS_ENABLED`, default true).
    public var metricsEnabled: Bool
    /// `text` (default) or `json`: one JSON object per log line (`LOG_FORMAT`).
    public var logFormat: LogFormat
    /// Seconds between runs of the daily platform metrics roll-up (`METRICS_ROLLUP_INTERVAL`, 0 turns it off).
    public var metricsRollupInterval: Int
    /// How long the admin analytics share one computation of today's figures
    /// (`ANALYTICS_TODAY_CACHE_MS`, default 1000 from the environment; 0, the default of `init`, computes
    /// them on every read). The counts of now (queues, statuses) are always read fresh.
    public var analyticsTodayCacheMilliseconds: Int

    public enum LogFormat: String, Sendable, Equatable {
        case text, json
    }
    /// Whether this process works the job queue (`JOB_WORKER`, default true). Off, the server only
    /// queues jobs and another process sends its mail.
    public var jobWorker: Bool
    /// The general limit per client address (`RATE_LIMIT_PER_ADDRESS`, e.g. `1200/60`; `off` for none).
    public var requestRatePerAddress: RequestRate?
    /// The general limit per signed-in user (`RATE_LIMIT_PER_USER`, e.g. `600/60`; `off` for none).
    public var requestRatePerUser: RequestRate?
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`, comma-separated addresses,
    /// e.g. `127.0.0.1` behind a local nginx): a request from one of them is counted against the
    /// address it forwarded for.
    public var trustedProxies: [String]
    /// The key that identity (KYC) and service documents are encrypted with at rest
    /// (`ENCRYPTION_KEY`: 32 bytes as 64 hex digits or base64, e.g. `openssl rand -base64 32`);
    /// unset, they are stored as uploaded. See `EncryptingFileStore`.
    public var encryptionKey: FileEncryptionKey?
    /// The most pixels an uploaded image may declare, all frames of a GIF or WebP counted
    /// (`MAX_IMAGE_PIXELS`, default 40 megapixels): read from the header before a pixel is decoded.
    public var maxImagePixels: Int

    /// An S3-compatible bucket for uploaded files (`S3_ENDPOINT`, `S3_BUCKET`, `S3_REGION`,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`); nil keeps them on local disk under the data directory.
    public var s3: S3Settings?
    /// PostgreSQL connections per event loop (`DATABASE_POOL_SIZE`, 1–64, default 8). SQLite keeps
    /// one per event loop and puts writers in single file (`SQLiteWriteGate`).
    public var databasePoolSize = 8

    public struct S3Settings: Sendable, Equatable {
        public var store: S3FileStore.Configuration
        /// Create the bucket at start-up when it is missing (`S3_CREATE_BUCKET`, default false: a
        /// missing bucket stops start-up, as a mistyped name should).
        public var createBucket: Bool

        public init(store: S3FileStore.Configuration, createBucket: Bool = false) {
            self.store = store
            self.createBucket = createBucket
        }
    }

    public static let defaultRequestRatePerAddress = RequestRate(requests: 1200, seconds: 60)
    public static let defaultRequestRatePerUser = RequestRate(requests: 600, seconds: 60)
    public static let defaultMaxImagePixels = 40_000_000

    public init(
        dataDirectory: URL,
        database: Database? = nil,
        jwtSecret: String? = nil,
        smtpURL: URL? = nil,
        rateLimitEnabled: Bool = true,
        emailVerificationRequired: Bool = true,
        corsAllowedOrigin: String = "*",
        mailFrom: String = "no-reply@eaglehurst.local",
        bcryptCost: Int = 12,
        stripeSecretKey: String? = nil,
        stripePublishableKey: String? = nil,
        stripeWebhookSecret: String? = nil,
        stripeAPIBase: URL = URL(string: "https://api.stripe.com")!,
        renewalInterval: Int = 300,
        metricsEnabled: Bool = true,
        logFormat: LogFormat = .text,
        metricsRollupInterval: Int = 3600,
        analyticsTodayCacheMilliseconds: Int = 0,
        jobWorker: Bool = true,
        requestRatePerAddress: RequestRate? = Settings.defaultRequestRatePerAddress,
        requestRatePerUser: RequestRate? = Settings.defaultRequestRatePerUser,
        trustedProxies: [String] = [],
        encryptionKey: FileEncryptionKey? = nil,
        s3: S3Settings? = nil,
        maxImagePixels: Int = Settings.defaultMaxImagePixels
    ) {
        self.dataDirectory = dataDirectory
        self.database = database ?? .sqlite(path: dataDirectory.appendingPathComponent("eaglehurst.sqlite").path)
        self.jwtSecret = jwtSecret
        self.smtpURL = smtpURL
        self.rateLimitEnabled = rateLimitEnabled
        self.emailVerificationRequired = emailVerificationRequired
        self.corsAllowedOrigin = corsAllowedOrigin
        self.mailFrom = mailFrom
        self.bcryptCost = bcryptCost
        self.stripeSecretKey = stripeSecretKey
        self.stripePublishableKey = stripePublishableKey
        self.stripeWebhookSecret = stripeWebhookSecret
        self.stripeAPIBase = stripeAPIBase
        self.renewalInterval = renewalInterval
        self.metricsEnabled = metricsEnabled
        self.logFormat = logFormat
        self.metricsRollupInterval = metricsRollupInterval
        self.analyticsTodayCacheMilliseconds = analyticsTodayCacheMilliseconds
        self.jobWorker = jobWorker
        self.requestRatePerAddress = requestRatePerAddress
        self.requestRatePerUser = requestRatePerUser
        self.trustedProxies = trustedProxies
        self.encryptionKey = encryptionKey
        self.s3 = s3
        self.maxImagePixels = maxImagePixels
    }

    /// Reads the settings from environment variables.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let dataDirectory = try dataDirectory(env)
        var database: Database?
        if let url = nonEmpty(env["DATABASE_URL"]) {
            database = try parseDatabaseURL(url)
        }
        var jwtSecret: String?
        if let secret = env["JWT_SECRET_KEY"] {
            guard secret.utf8.count >= 32 else {
                throw SettingsError(variable: "JWT_SECRET_KEY", problem: "is \(secret.utf8.count) bytes long; it must be at least 32 bytes (or unset it to use a generated key)")
            }
            jwtSecret = secret
        }
        var smtpURL: URL?
        if let raw = nonEmpty(env["SMTP_URL"]) {
            guard let url = URL(string: raw), ["smtp", "smtps"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw SettingsError(variable: "SMTP_URL", problem: "is not a mail server URL; write smtp://user:password@host:port or smtps://…")
            }
            smtpURL = url
        }
        var settings = Settings(
            dataDirectory: dataDirectory,
            database: database,
            jwtSecret: jwtSecret,
            smtpURL: smtpURL,
            rateLimitEnabled: try bool(env, "RATE_LIMIT_ENABLED", default: true),
            emailVerificationRequired: try bool(env, "EMAIL_VERIFICATION_REQUIRED", default: true),
            corsAllowedOrigin: nonEmpty(env["CORS_ALLOWED_ORIGIN"]) ?? "*",
            mailFrom: try mailFrom(env),
            bcryptCost: try bcryptCost(env),
            stripeSecretKey: try stripeKey(env, "STRIPE_SECRET_KEY", prefixes: ["sk_", "rk_"]),
            stripePublishableKey: try stripeKey(env, "STRIPE_PUBLISHABLE_KEY", prefixes: ["pk_"]),
            stripeWebhookSecret: nonEmpty(env["STRIPE_WEBHOOK_SECRET"]),
            stripeAPIBase: try stripeAPIBase(env),
            renewalInterval: try renewalInterval(env),
            metricsEnabled: try bool(env, "METRICS_ENABLED", default: true),
            logFormat: try logFormat(env),
            metricsRollupInterval: try metricsRollupInterval(env),
            analyticsTodayCacheMilliseconds: try analyticsTodayCacheMilliseconds(env),
            jobWorker: try bool(env, "JOB_WORKER", default: true),
            requestRatePerAddress: try requestRate(env, "RATE_LIMIT_PER_ADDRESS", default: defaultRequestRatePerAddress),
            requestRatePerUser: try requestRate(env, "RATE_LIMIT_PER_USER", default: defaultRequestRatePerUser),
            trustedProxies: (nonEmpty(env["TRUSTED_PROXIES"]) ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            encryptionKey: try encryptionKey(env),
            s3: try s3(env),
            maxImagePixels: try maxImagePixels(env)
        )
        settings.databasePoolSize = try databasePoolSize(env)
        return settings
    }

    static func databasePoolSize(_ env: [String: String]) throws -> Int {
        guard let raw = nonEmpty(env["DATABASE_POOL_SIZE"]) else { return 8 }
        guard let size = Int(raw), (1...64).contains(size) else {
            throw SettingsError(variable: "DATABASE_POOL_SIZE", problem: "is '\(raw)'; write a whole number of connections per event loop from 1 to 64 (8 is a good default)")
        }
        return size
    }

    static func maxImagePixels(_ env: [String: String]) throws -> Int {
        guard let raw = nonEmpty(env["MAX_IMAGE_PIXELS"]) else { return defaultMaxImagePixels }
        guard let pixels = Int(raw), (1...1_000_000_000).contains(pixels) else {
            throw SettingsError(variable: "MAX_IMAGE_PIXELS", problem: "is '\(raw)'; write a whole number of pixels from 1 to 1000000000, e.g. 40000000 for 40 megapixels (the default)")
        }
        return pixels
    }

    static func encryptionKey(_ env: [String: String]) throws -> FileEncryptionKey? {
        guard let raw = nonEmpty(env["ENCRYPTION_KEY"]) else { return nil }
        guard let key = FileEncryptionKey(text: raw) else {
            throw SettingsError(variable: "ENCRYPTION_KEY", problem: "is not a 32-byte key; write it as 64 hex digits or in base64 (make one with `openssl rand -base64 32`)")
        }
        return key
    }

    /// The S3 store's settings: none of `S3_ENDPOINT` and `S3_BUCKET` set means the local store;
    /// either set means all of the endpoint, bucket and key pair are needed.
    static func s3(_ env: [String: String]) throws -> S3Settings? {
        let endpointText = nonEmpty(env["S3_ENDPOINT"]), bucketText = nonEmpty(env["S3_BUCKET"])
        guard endpointText != nil || bucketText != nil else { return nil }
        guard let endpointText else {
            throw SettingsError(variable: "S3_ENDPOINT", problem: "is unset while S3_BUCKET is set; write the S3 endpoint, e.g. https://s3.eu-west-2.amazonaws.com or http://127.0.0.1:9000")
        }
        guard let endpoint = URL(string: endpointText), ["http", "https"].contains(endpoint.scheme?.lowercased() ?? ""),
              endpoint.host != nil, endpoint.query == nil, endpoint.user == nil else {
            throw SettingsError(variable: "S3_ENDPOINT", problem: "is not an http(s) URL without credentials or query; write e.g. https://s3.eu-west-2.amazonaws.com")
        }
        guard let bucket = bucketText else {
            throw SettingsError(variable: "S3_BUCKET", problem: "is unset while S3_ENDPOINT is set; write the bucket's name")
        }
        guard (3...63).contains(bucket.count),
              bucket.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }),
              bucket.first != "-", bucket.first != ".", bucket.last != "-", bucket.last != "." else {
            throw SettingsError(variable: "S3_BUCKET", problem: "is '\(bucket)'; a bucket name is 3 to 63 lower-case letters, digits, '-' or '.', starting and ending with a letter or digit")
        }
        let region = nonEmpty(env["S3_REGION"]) ?? "us-east-1"
        guard region.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else {
            throw SettingsError(variable: "S3_REGION", problem: "is '\(region)'; write a region such as eu-west-2 (us-east-1 when unset)")
        }
        guard let accessKey = nonEmpty(env["AWS_ACCESS_KEY_ID"]) else {
            throw SettingsError(variable: "AWS_ACCESS_KEY_ID", problem: "is unset while S3_BUCKET is set; write the access key id of the bucket's credentials")
        }
        guard let secret = nonEmpty(env["AWS_SECRET_ACCESS_KEY"]) else {
            throw SettingsError(variable: "AWS_SECRET_ACCESS_KEY", problem: "is unset while S3_BUCKET is set; write the secret of the bucket's credentials")
        }
        return S3Settings(
            store: S3FileStore.Configuration(endpoint: endpoint, bucket: bucket, region: region, accessKeyID: accessKey, secretAccessKey: secret),
            createBucket: try bool(env, "S3_CREATE_BUCKET", default: false))
    }

    static func stripeKey(_ env: [String: String], _ name: String, prefixes: [String]) throws -> String? {
        guard let raw = nonEmpty(env[name]) else { return nil }
        guard prefixes.contains(where: raw.hasPrefix) else {
            throw SettingsError(variable: name, problem: "does not look like a Stripe key; it starts with \(prefixes.joined(separator: " or ")) (find it in Stripe's dashboard under Developers → API keys)")
        }
        return raw
    }

    static func stripeAPIBase(_ env: [String: String]) throws -> URL {
        guard let raw = nonEmpty(env["STRIPE_API_BASE"]) else { return URL(string: "https://api.stripe.com")! }
        guard let url = URL(string: raw), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw SettingsError(variable: "STRIPE_API_BASE", problem: "is not an http(s) URL; write https://api.stripe.com or e.g. http://127.0.0.1:8420 for localstripe")
        }
        return url
    }

    static func renewalInterval(_ env: [String: String]) throws -> Int {
        guard let raw = nonEmpty(env["SUBSCRIPTION_RENEWAL_INTERVAL"]) else { return 300 }
        guard let seconds = Int(raw), (0...86_400).contains(seconds) else {
            throw SettingsError(variable: "SUBSCRIPTION_RENEWAL_INTERVAL", problem: "is '\(raw)'; write seconds from 0 (off) to 86400")
        }
        return seconds
    }

    static func logFormat(_ env: [String: String]) throws -> LogFormat {
        guard let raw = nonEmpty(env["LOG_FORMAT"]) else { return .text }
        guard let format = LogFormat(rawValue: raw.lowercased()) else {
            throw SettingsError(variable: "LOG_FORMAT", problem: "is '\(raw)'; write text or json")
        }
        return format
    }

    static func metricsRollupInterval(_ env: [String: String]) throws -> Int {
        guard let raw = nonEmpty(env["METRICS_ROLLUP_INTERVAL"]) else { return 3600 }
        guard let seconds = Int(raw), (0...86_400).contains(seconds) else {
            throw SettingsError(variable: "METRICS_ROLLUP_INTERVAL", problem: "is '\(raw)'; write seconds from 0 (off) to 86400")
        }
        return seconds
    }

    static func analyticsTodayCacheMilliseconds(_ env: [String: String]) throws -> Int {
        guard let raw = nonEmpty(env["ANALYTICS_TODAY_CACHE_MS"]) else { return 1000 }
        guard let milliseconds = Int(raw), (0...60_000).contains(milliseconds) else {
            throw SettingsError(variable: "ANALYTICS_TODAY_CACHE_MS", problem: "is '\(raw)'; write milliseconds from 0 (off) to 60000")
        }
        return milliseconds
    }

    static func requestRate(_ env: [String: String], _ name: String, default value: RequestRate) throws -> RequestRate? {
        guard let raw = nonEmpty(env[name])?.trimmingCharacters(in: .whitespaces) else { return value }
        if ["off", "0", "none"].contains(raw.lowercased()) { return nil }
        let parts = raw.split(separator: "/")
        guard parts.count == 2, let requests = Int(parts[0]), let seconds = Int(parts[1]),
              (1...1_000_000).contains(requests), (1...86_400).contains(seconds) else {
            throw SettingsError(variable: name, problem: "is '\(raw)'; write requests/seconds, e.g. \(value) (\(value.requests) requests at once, refilled over \(value.seconds) s), or off")
        }
        return RequestRate(requests: requests, seconds: seconds)
    }

    static func dataDirectory(_ env: [String: String]) throws -> URL {
        if let dir = nonEmpty(env["EAGLEHURST_DATA_DIR"]) {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        if let xdg = nonEmpty(env["XDG_DATA_HOME"]) {
            return URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("eaglehurst", isDirectory: true)
        }
        guard let home = nonEmpty(env["HOME"]) else {
            throw SettingsError(variable: "EAGLEHURST_DATA_DIR", problem: "is unset and so are XDG_DATA_HOME and HOME; set it to a directory for the database and files")
        }
        return URL(fileURLWithPath: home, isDirectory: true)
            .appendingPathComponent(".local/share/eaglehurst", isDirectory: true)
    }

    static func parseDatabaseURL(_ raw: String) throws -> Database {
        guard let url = URL(string: raw), let scheme = url.scheme?.lowercased() else {
            throw SettingsError(variable: "DATABASE_URL", problem: "is not a URL; write postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite")
        }
        switch scheme {
        case "postgres", "postgresql":
            guard url.host != nil, !url.path.isEmpty, url.path != "/" else {
                throw SettingsError(variable: "DATABASE_URL", problem: "needs a host and a database name, as in postgres://user:password@localhost:5432/eaglehurst")
            }
            return .postgres(url: raw)
        case "sqlite":
            guard !url.path.isEmpty else {
                throw SettingsError(variable: "DATABASE_URL", problem: "needs a file path, as in sqlite:///var/lib/eaglehurst/db.sqlite")
            }
            return .sqlite(path: url.path)
        default:
            throw SettingsError(variable: "DATABASE_URL", problem: "uses the scheme '\(scheme)'; only postgres:// and sqlite:// are supported")
        }
    }

    static func mailFrom(_ env: [String: String]) throws -> String {
        guard let raw = nonEmpty(env["MAIL_FROM"]) else { return "no-reply@eaglehurst.local" }
        let parts = raw.split(separator: "@")
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !raw.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
            throw SettingsError(variable: "MAIL_FROM", problem: "is not an email address; write it like no-reply@example.com")
        }
        return raw
    }

    static func bcryptCost(_ env: [String: String]) throws -> Int {
        guard let raw = nonEmpty(env["BCRYPT_COST"]) else { return 12 }
        guard let cost = Int(raw), (4...16).contains(cost) else {
            throw SettingsError(variable: "BCRYPT_COST", problem: "is '\(raw)'; write a whole number from 4 to 16 (12 is a good default)")
        }
        return cost
    }

    static func bool(_ env: [String: String], _ name: String, default value: Bool) throws -> Bool {
        guard let raw = nonEmpty(env[name]) else { return value }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw SettingsError(variable: name, problem: "is '\(raw)'; write true or false")
        }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }
}

/// How `serve` listens, logs and stops: `HOST`, `PORT`, `LOG_LEVEL` and `SHUTDOWN_GRACE_SECONDS`.
/// Only `serve` reads them (the terminal client's embedded server always takes a free loopback port),
/// and its flags `--hostname`, `--port` and `--log-level` win over the variables.
public struct ServeSettings: Sendable, Equatable {
    public var hostname = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 8000
    public var logLevel = Logger.Level.info
    /// How long a stopping server waits for the requests it holds (`SHUTDOWN_GRACE_SECONDS`, default 25:
    /// under the 30 s a container runtime or systemd gives before SIGKILL).
    public var shutdownGraceSeconds = 25

    public init() {}

    /// The variables, with each flag that was given (non-nil) taking its variable's place.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment,
        hostname: String? = nil, port: Int? = nil, logLevel: Logger.Level? = nil
    ) throws -> ServeSettings {
        var settings = ServeSettings()
        if let hostname {
            settings.hostname = hostname
        } else if let raw = env["HOST"], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard !raw.contains(where: \.isWhitespace) else {
                throw SettingsError(variable: "HOST", problem: "is '\(raw)'; write an address to listen on, e.g. 127.0.0.1 or 0.0.0.0 for every interface")
            }
            settings.hostname = raw
        }
        if let port {
            settings.port = port
        } else if let raw = env["PORT"], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = Int(raw), (0...65_535).contains(value) else {
                throw SettingsError(variable: "PORT", problem: "is '\(raw)'; write a port number from 0 to 65535")
            }
            settings.port = value
        }
        if let logLevel {
            settings.logLevel = logLevel
        } else if let raw = env["LOG_LEVEL"], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = Logger.Level(rawValue: raw.lowercased()) else {
                throw SettingsError(variable: "LOG_LEVEL", problem: "is '\(raw)'; write one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            settings.logLevel = value
        }
        if let raw = env["SHUTDOWN_GRACE_SECONDS"], !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let seconds = Int(raw), (0...3_600).contains(seconds) else {
                throw SettingsError(variable: "SHUTDOWN_GRACE_SECONDS", problem: "is '\(raw)'; write whole seconds from 0 to 3600 (25 by default)")
            }
            settings.shutdownGraceSeconds = seconds
        }
        return settings
    }
}

/// A setting that cannot be used. Its description is the one line printed before start-up stops.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let problem: String
    public var description: String { "\(variable) \(problem)." }
}
