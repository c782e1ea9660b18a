import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import SQLKit
import Vapor
import XCTest

/// The behaviour every endpoint shares: problem+json errors, headers, the served contract,
/// health, on SQLite and on PostgreSQL.
final class ServerCoreTests: XCTestCase {
    func assertProblem(
        _ response: TestResponse, status: Int, detailContains: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        XCTAssertEqual(response.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.headers.first(name: .contentType), "application/problem+json", file: file, line: line)
        let body = try response.json()
        XCTAssertEqual(body["status"] as? Int, status, file: file, line: line)
        XCTAssertNotNil(body["type"] as? String, file: file, line: line)
        XCTAssertNotNil(body["title"] as? String, file: file, line: line)
        if let detailContains {
            let detail = body["detail"] as? String ?? ""
            XCTAssertTrue(detail.contains(detailContains), "detail '\(detail)' lacks '\(detailContains)'", file: file, line: line)
        }
        XCTAssertFalse(response.text.contains("Abort"), "no framework internals leak: \(response.text)", file: file, line: line)
    }

    func testHealthReportsTheDatabaseEngine() async throws {
        try await forEachDatabase { server in
            let response = try await server.request(.GET, "/health")
            XCTAssertEqual(response.status, 200, response.text)
            let body = try response.json()
            XCTAssertEqual(body["status"] as? String, "ok")
            XCTAssertEqual(body["database"] as? String, server.sandbox.settings.database.engineName)
            XCTAssertEqual(body["version"] as? String, EaglehurstVersion.current)
            XCTAssertNotNil((body["time"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        }
    }

    func testUnknownPathIsAProblemNamingTheOperation() async throws {
        try await forEachDatabase { server in
            let response = try await server.request(.GET, "/no/such/thing")
            try assertProblem(response, status: 404, detailContains: "GET /api/v1/no/such/thing")
        }
    }

    func testWrongMethodIs405WithAllow() async throws {
        try await forEachDatabase { server in
            let response = try await server.request(.DELETE, "/health")
            try assertProblem(response, status: 405, detailContains: "use GET")
            XCTAssertEqual(response.headers.first(name: .allow), "GET")
        }
    }

    /// Every operation of the contract is built (issue 16 built the last ten), so no route answers 501 now;
    /// the stubs `scripts/stub-unbuilt-operations` writes for operations added later throw this problem.
    func testUnbuiltOperationsAnswer501ProblemNamingTheOperation() throws {
        let problem = Problem.notImplemented(operation: "GET /api/v1/example")
        XCTAssertEqual(problem.status, .notImplemented)
        XCTAssertTrue(problem.detail?.contains("GET /api/v1/example") ?? false, problem.detail ?? "")
        let stubs = try String(contentsOfFile: #filePath.replacingOccurrences(
            of: "Tests/EaglehurstServerTests/ServerCoreTests.swift", with: "Sources/EaglehurstServer/Features/NotBuiltYet.swift"), encoding: .utf8)
        XCTAssertFalse(stubs.contains("func "), "operations not built yet:\n\(stubs)")
    }

    func testMalformedJSONIs400AndWrongTypesAre422NamingTheField() async throws {
        try await forEachDatabase { server in
            let malformed = try await server.request(.POST, "/auth/login", body: "{bad")
            try assertProblem(malformed, status: 400, detailContains: "JSON")
            let wrongType = try await server.request(.POST, "/auth/login", body: #"{"email": 5, "password": "x"}"#)
            try assertProblem(wrongType, status: 422)
            let errors = try wrongType.json()["errors"] as? [String: [String]]
            XCTAssertEqual(errors?["email"], ["must be a string"])
            let missing = try await server.request(.POST, "/auth/login", body: #"{"email": "a@b.co"}"#)
            XCTAssertEqual((try missing.json()["errors"] as? [String: [String]])?["password"], ["is required"])
        }
    }

    func testMalformedUUIDInPathIsAValidationProblem() async throws {
        try await forEachDatabase { server in
            let response = try await server.request(.GET, "/listings/not-a-uuid")
            try assertProblem(response, status: 422)
            XCTAssertEqual((try response.json()["errors"] as? [String: [String]])?["listing_id"], ["must be a UUID"])
        }
    }

    func testOversizeBodyIs413BeforeAnythingReadsIt() async throws {
        try await forEachDatabase { server in
            let big = "{\"pad\":\"" + String(repeating: "x", count: 2 << 20) + "\"}"
            let response = try await server.request(.POST, "/auth/login", body: big)
            try assertProblem(response, status: 413, detailContains: "up to 1048576 bytes")
        }
    }

    func testSecurityHeadersAndRequestIdOnEveryAnswer() async throws {
        try await forEachDatabase { server in
            for path in ["/health", "/missing"] {
                let response = try await server.request(.GET, path, headers: ["X-Request-ID": "trace-123"])
                XCTAssertEqual(response.headers.first(name: "X-Content-Type-Options"), "nosniff")
                XCTAssertEqual(response.headers.first(name: "X-Frame-Options"), "DENY")
                XCTAssertEqual(response.headers.first(name: "X-XSS-Protection"), "1; mode=block")
                XCTAssertEqual(response.headers.first(name: "X-Request-ID"), "trace-123")
            }
            let problem = try await server.request(.GET, "/missing", headers: ["X-Request-ID": "trace-456"]).json()
            XCTAssertEqual(problem["request_id"] as? String, "trace-456")
        }
    }

    func testCORSPreflightIsAnswered() async throws {
        try await forEachDatabase { server in
            let response = try await server.request(.OPTIONS, "/health", headers: [
                "Origin": "https://app.example", "Access-Control-Request-Method": "GET",
            ])
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.headers.first(name: .accessControlAllowOrigin), "*")
        }
    }

    func testServesTheContractItImplements() async throws {
        try await forEachDatabase { server in
            let response = try await server.request(.GET, "/openapi.yaml")
            XCTAssertEqual(response.status, 200)
            XCTAssertTrue(response.headers.first(name: .contentType)?.hasPrefix("application/yaml") ?? false)
            XCTAssertTrue(response.text.hasPrefix("openapi: 3.1"))
            XCTAssertTrue(response.text.contains("operationId: healthGet"))
        }
    }

    func testSQLiteRunsInWALModeWithForeignKeys() async throws {
        let server = try await TestServer.start(.sqlite)
        do {
            let sql = server.app.db.sql
            let mode = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
            XCTAssertEqual(mode, "wal")
            for eventLoop in server.app.eventLoopGroup.makeIterator() {
                let db = server.app.databases.database(logger: server.app.logger, on: eventLoop)!.sql
                let fk = try await db.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                XCTAssertEqual(fk, 1)
                let timeout = try await db.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
                XCTAssertEqual(timeout, 5000)
            }
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    func testMigrationsRevertCleanly() async throws {
        try await forEachDatabase { server in
            let sql = server.app.db.sql
            try await server.app.autoRevert()
            do {
                try await sql.raw("SELECT COUNT(*) AS n FROM users").run()
                XCTFail("users should be gone after reverting")
            } catch {}
            try await server.app.autoMigrate()
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM users").first()?.decode(column: "n", as: Int.self)
            XCTAssertEqual(count, 0)
        }
    }

    func testCreateAdminValidatesAndRefusesDuplicates() async throws {
        try await forEachDatabase { server in
            let outcome = try await AccountBootstrap.createAdmin(on: server.app, email: "Root@Example.com", password: "Sup3rSecret")
            XCTAssertEqual(outcome, .created)
            let again = try await AccountBootstrap.createAdmin(on: server.app, email: "root@example.com", password: "Sup3rSecret")
            XCTAssertEqual(again, .alreadyExists)
            do {
                _ = try await AccountBootstrap.createAdmin(on: server.app, email: "not-an-email", password: "short")
                XCTFail("invalid input must be refused")
            } catch let error as BootstrapError {
                XCTAssertTrue(error.message.contains("email must be an email address"), error.message)
                XCTAssertTrue(error.message.contains("password must be at least 8 characters"), error.message)
            }
        }
    }
}
