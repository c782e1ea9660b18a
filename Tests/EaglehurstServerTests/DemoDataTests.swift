@testable import EaglehurstServer
import Foundation
import XCTest

/// `eaglehurst --demo` keeps to a directory of its own and to default settings, so its published
/// accounts never reach the data or the services of a real server.
final class DemoDataTests: XCTestCase {
    func testTheDemoDirectoryIsDemoInsideTheUsualDataDirectory() throws {
        let cases: [([String: String], String)] = [
            (["EAGLEHURST_DATA_DIR": "/srv/eaglehurst", "XDG_DATA_HOME": "/x", "HOME": "/home/ann"], "/srv/eaglehurst/demo"),
            (["XDG_DATA_HOME": "/x", "HOME": "/home/ann"], "/x/eaglehurst/demo"),
            (["HOME": "/home/ann"], "/home/ann/.local/share/eaglehurst/demo"),
        ]
        for (environment, expected) in cases {
            let demo = try DemoData.directory(environment: environment)
            XCTAssertEqual(demo.path, expected, "\(environment)")
            let normal = try Settings.fromEnvironment(environment)
            XCTAssertEqual(demo.deletingLastPathComponent().path, normal.dataDirectory.path, "beside the normal server's files")
            XCTAssertNotEqual(normal.database, try DemoData.settings(environment: environment).database)
        }
        XCTAssertThrowsError(try DemoData.directory(environment: [:]), "nowhere to put it")
    }

    func testTheDemoIgnoresTheSettingsOfARealDeployment() throws {
        let real = [
            "HOME": "/home/ann",
            "DATABASE_URL": "postgres://eaglehurst@db.example.com:5432/eaglehurst",
            "SMTP_URL": "smtps://mailer:secret@mail.example.com:465",
            "S3_ENDPOINT": "https://s3.example.com", "S3_BUCKET": "eaglehurst-files", "S3_REGION": "eu-west-2",
            "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
            "STRIPE_SECRET_KEY": "sk_live_example", "STRIPE_PUBLISHABLE_KEY": "pk_live_example",
            "JWT_SECRET_KEY": String(repeating: "k", count: 40),
        ]
        let normal = try Settings.fromEnvironment(real)
        XCTAssertEqual(normal.database, .postgres(url: real["DATABASE_URL"]!), "the test would prove nothing otherwise")
        XCTAssertNotNil(normal.smtpURL)
        XCTAssertNotNil(normal.s3)
        XCTAssertNotNil(normal.stripeSecretKey)

        let demo = try DemoData.settings(environment: real)
        XCTAssertEqual(demo.dataDirectory.path, "/home/ann/.local/share/eaglehurst/demo")
        XCTAssertEqual(demo.database, .sqlite(path: "/home/ann/.local/share/eaglehurst/demo/eaglehurst.sqlite"))
        XCTAssertNil(demo.smtpURL, "mail stays in the demo's outbox")
        XCTAssertNil(demo.s3, "files stay in the demo directory")
        XCTAssertNil(demo.stripeSecretKey, "payments go through the local gateway")
        XCTAssertNil(demo.jwtSecret, "the demo signs with a key of its own")
    }

    func testResetEmptiesTheDemoDirectoryAndKeepsIt() throws {
        let demo = FileManager.default.temporaryDirectory.appendingPathComponent("demo-reset-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: demo) }
        try FileManager.default.createDirectory(at: demo.appendingPathComponent("files/ab"), withIntermediateDirectories: true)
        try Data("db".utf8).write(to: demo.appendingPathComponent("eaglehurst.sqlite"))
        try Data("photo".utf8).write(to: demo.appendingPathComponent("files/ab/photo.jpg"))
        try Data("hidden".utf8).write(to: demo.appendingPathComponent(".jwt-secret"))

        try DemoData.reset(demo)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: demo.path), [])

        try FileManager.default.removeItem(at: demo)
        XCTAssertNoThrow(try DemoData.reset(demo), "a demo never started has nothing to reset")
    }
}
