@testable import EaglehurstServer
import Logging
import XCTest

final class SettingsTests: XCTestCase {
    func testDefaultsToSQLiteInTheXDGDataDirectory() throws {
        let settings = try Settings.fromEnvironment(["XDG_DATA_HOME": "/tmp/xdg", "HOME": "/home/x"])
        XCTAssertEqual(settings.dataDirectory.path, "/tmp/xdg/eaglehurst")
        XCTAssertEqual(settings.database, .sqlite(path: "/tmp/xdg/eaglehurst/eaglehurst.sqlite"))
        XCTAssertNil(settings.jwtSecret)
        XCTAssertTrue(settings.rateLimitEnabled)
        XCTAssertTrue(settings.emailVerificationRequired)
    }

    func testExplicitDataDirectoryWinsAndHomeIsTheLastResort() throws {
        XCTAssertEqual(try Settings.fromEnvironment(["EAGLEHURST_DATA_DIR": "/srv/eh", "XDG_DATA_HOME": "/x"]).dataDirectory.path, "/srv/eh")
        XCTAssertEqual(try Settings.fromEnvironment(["HOME": "/home/ann"]).dataDirectory.path, "/home/ann/.local/share/eaglehurst")
    }

    func testStripeSettingsChooseTheGatewayAndDefaultToStripesAPI() throws {
        let local = try Settings.fromEnvironment(["HOME": "/h"])
        XCTAssertNil(local.stripeSecretKey, "no key: the local gateway")
        XCTAssertEqual(local.stripeAPIBase.absoluteString, "https://api.stripe.com")
        XCTAssertEqual(local.renewalInterval, 300)
        let stripe = try Settings.fromEnvironment([
            "HOME": "/h", "STRIPE_SECRET_KEY": "sk_test_abc", "STRIPE_PUBLISHABLE_KEY": "pk_test_abc",
            "STRIPE_WEBHOOK_SECRET": "whsec_abc", "STRIPE_API_BASE": "http://127.0.0.1:8420", "SUBSCRIPTION_RENEWAL_INTERVAL": "0",
        ])
        XCTAssertEqual(stripe.stripeSecretKey, "sk_test_abc")
        XCTAssertEqual(stripe.stripePublishableKey, "pk_test_abc")
        XCTAssertEqual(stripe.stripeWebhookSecret, "whsec_abc")
        XCTAssertEqual(stripe.stripeAPIBase.absoluteString, "http://127.0.0.1:8420")
        XCTAssertEqual(stripe.renewalInterval, 0)
    }

    func testPostgresURLSelectsPostgreSQL() throws {
        let url = "postgres://eh:pw@db.internal:5432/eaglehurst"
        let settings = try Settings.fromEnvironment(["HOME": "/h", "DATABASE_URL": url])
        XCTAssertEqual(settings.database, .postgres(url: url))
        XCTAssertEqual(settings.database.engineName, "postgresql")
    }

    func testMalformedSettingsNameTheVariableAndTheFix() {
        let cases: [([String: String], String)] = [
            (["DATABASE_URL": "mysql://x/y"], "DATABASE_URL uses the scheme 'mysql'"),
            (["DATABASE_URL": "postgres://host"], "DATABASE_URL needs a host and a database name"),
            (["JWT_SECRET_KEY": "short"], "JWT_SECRET_KEY is 5 bytes long"),
            (["SMTP_URL": "http://mail"], "SMTP_URL is not a mail server URL"),
            (["RATE_LIMIT_ENABLED": "maybe"], "RATE_LIMIT_ENABLED is 'maybe'; write true or false"),
            (["EMAIL_VERIFICATION_REQUIRED": "2"], "EMAIL_VERIFICATION_REQUIRED is '2'"),
            (["STRIPE_SECRET_KEY": "pk_test_123"], "STRIPE_SECRET_KEY does not look like a Stripe key"),
            (["STRIPE_PUBLISHABLE_KEY": "sk_test_123"], "STRIPE_PUBLISHABLE_KEY does not look like a Stripe key"),
            (["STRIPE_API_BASE": "ftp://stripe"], "STRIPE_API_BASE is not an http(s) URL"),
            (["SUBSCRIPTION_RENEWAL_INTERVAL": "soon"], "SUBSCRIPTION_RENEWAL_INTERVAL is 'soon'"),
        ]
        for (env, expected) in cases {
            XCTAssertThrowsError(try Settings.fromEnvironment(env.merging(["HOME": "/h"]) { a, _ in a })) { error in
                let line = "\(error)"
                XCTAssertTrue(line.hasPrefix(expected), "\(env): got '\(line)'")
                XCTAssertFalse(line.contains("\n"), "one line only: \(line)")
            }
        }
    }

    func testBooleanSpellings() throws {
        XCTAssertFalse(try Settings.fromEnvironment(["HOME": "/h", "RATE_LIMIT_ENABLED": "off"]).rateLimitEnabled)
        XCTAssertFalse(try Settings.fromEnvironment(["HOME": "/h", "EMAIL_VERIFICATION_REQUIRED": "false"]).emailVerificationRequired)
        XCTAssertTrue(try Settings.fromEnvironment(["HOME": "/h", "RATE_LIMIT_ENABLED": "YES"]).rateLimitEnabled)
    }

    func testGeneratedSigningKeyIsStoredPrivatelyAndReused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eh-secret-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try JWTSecretStore.loadOrCreate(in: dir)
        XCTAssertGreaterThanOrEqual(first.utf8.count, 32)
        XCTAssertEqual(try JWTSecretStore.loadOrCreate(in: dir), first)
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("jwt-secret").path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }

    // MARK: - serve's HOST, PORT, LOG_LEVEL and SHUTDOWN_GRACE_SECONDS

    func testServeListensOnLoopbackPort8000AtInfoByDefault() throws {
        let serving = try ServeSettings.fromEnvironment([:])
        XCTAssertEqual(serving.hostname, "127.0.0.1")
        XCTAssertEqual(serving.port, 8000)
        XCTAssertEqual(serving.logLevel, .info)
        XCTAssertEqual(serving.shutdownGraceSeconds, 25)
    }

    func testServeTakesHostPortAndLogLevelFromTheEnvironment() throws {
        let serving = try ServeSettings.fromEnvironment([
            "HOST": "0.0.0.0", "PORT": "8080", "LOG_LEVEL": "Warning", "SHUTDOWN_GRACE_SECONDS": "5",
        ])
        XCTAssertEqual(serving.hostname, "0.0.0.0")
        XCTAssertEqual(serving.port, 8080)
        XCTAssertEqual(serving.logLevel, .warning)
        XCTAssertEqual(serving.shutdownGraceSeconds, 5)
    }

    func testAFlagWinsOverItsVariable() throws {
        let serving = try ServeSettings.fromEnvironment(
            ["HOST": "0.0.0.0", "PORT": "8080", "LOG_LEVEL": "debug"], hostname: "::1", port: 0, logLevel: .error)
        XCTAssertEqual(serving.hostname, "::1")
        XCTAssertEqual(serving.port, 0)
        XCTAssertEqual(serving.logLevel, .error)
    }

    func testMalformedServeSettingsNameTheVariableAndTheFix() {
        let cases: [([String: String], String)] = [
            (["PORT": "abc"], "PORT is 'abc'; write a port number from 0 to 65535."),
            (["PORT": "70000"], "PORT is '70000'; write a port number from 0 to 65535."),
            (["LOG_LEVEL": "loud"], "LOG_LEVEL is 'loud'; write one of trace, debug, info, notice, warning, error, critical."),
            (["HOST": "my host"], "HOST is 'my host'; write an address to listen on"),
            (["SHUTDOWN_GRACE_SECONDS": "-1"], "SHUTDOWN_GRACE_SECONDS is '-1'; write whole seconds from 0 to 3600"),
        ]
        for (env, expected) in cases {
            XCTAssertThrowsError(try ServeSettings.fromEnvironment(env)) { error in
                XCTAssertTrue("\(error)".hasPrefix(expected), "\(env): \(error)")
            }
        }
    }
}
