@testable import EaglehurstServer
import EaglehurstTestSupport
import SQLKit
import XCTest

/// `GET /health/live` and `GET /health/ready`, the probes of a supervisor and a load balancer, on
/// SQLite and PostgreSQL.
final class HealthProbeTests: XCTestCase {
    func forEachDatabase(
        _ customize: @escaping (inout Settings) -> Void = { _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        for database in TestDatabase.underTest {
            let server = try await TestServer.start(database, customize: customize)
            do {
                try await body(server)
            } catch {
                XCTFail("\(database): \(error)")
            }
            try await server.stop()
        }
    }

    func assertReady(_ response: TestResponse, _ reason: String?, file: StaticString = #filePath, line: UInt = #line) throws {
        let body = try response.json()
        if let reason {
            XCTAssertEqual(response.status, 503, response.text, file: file, line: line)
            XCTAssertEqual(body["status"] as? String, "not_ready", file: file, line: line)
            XCTAssertEqual(body["reason"] as? String, reason, file: file, line: line)
        } else {
            XCTAssertEqual(response.status, 200, response.text, file: file, line: line)
            XCTAssertEqual(body["status"] as? String, "ready", file: file, line: line)
        }
    }

    func assertLive(_ server: TestServer, file: StaticString = #filePath, line: UInt = #line) async throws {
        let live = try await server.request(.GET, "/health/live")
        XCTAssertEqual(live.status, 200, live.text, file: file, line: line)
        XCTAssertEqual(try live.json()["status"] as? String, "ok", file: file, line: line)
    }

    func testReadyWaitsForTheSearchIndexWhileLiveAnswersThroughout() async throws {
        try await forEachDatabase { server in
            let loading = Latch(), release = Latch()
            server.app.searchIndexWarmer.beforeLoad.withLockedValue { $0 = { await loading.open(); await release.wait() } }
            try await assertLive(server)
            try assertReady(try await server.request(.GET, "/health/ready"), "search index loading")
            let held = await loading.wait(atMost: .seconds(10))
            XCTAssertTrue(held, "asking for readiness starts the index load")
            try assertReady(try await server.request(.GET, "/health/ready"), "search index loading")
            try await assertLive(server)

            await release.open()
            var ready = try await server.request(.GET, "/health/ready")
            let deadline = ContinuousClock.now + .seconds(30)
            while ready.status != 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                ready = try await server.request(.GET, "/health/ready")
            }
            try assertReady(ready, nil)
            try await assertLive(server)
        }
    }

    func testReadyNamesPendingMigrations() async throws {
        try await forEachDatabase { server in
            let sql = server.app.db.sql
            let last = try await sql.raw("SELECT name FROM _fluent_migrations ORDER BY batch DESC, name DESC").first()!
                .decode(column: "name", as: String.self)
            try await sql.raw("DELETE FROM _fluent_migrations WHERE name = \(bind: last)").run()
            try assertReady(try await server.request(.GET, "/health/ready"), "migrations pending")
            try await assertLive(server)
        }
    }

    func testReadySaysDrainingOnceTheServerDrains() async throws {
        try await forEachDatabase { server in
            _ = try await server.app.searchIndexCache.catchUp(on: server.app.db.sql)
            try assertReady(try await server.request(.GET, "/health/ready"), nil)
            server.app.storage[DrainingKey.self]?.begin()
            try assertReady(try await server.request(.GET, "/health/ready"), "draining")
            try await assertLive(server)
        }
    }

    /// A load balancer checks every few seconds from one address: its checks must not be refused
    /// for the clients' request rate, nor spend their tokens.
    func testProbesAreNotRateLimited() async throws {
        try await forEachDatabase({ $0.requestRatePerAddress = .init(requests: 2, seconds: 600) }) { server in
            for _ in 0..<6 {
                let ready = try await server.request(.GET, "/health/ready").status
                let live = try await server.request(.GET, "/health/live").status
                XCTAssertNotEqual(ready, 429)
                XCTAssertEqual(live, 200)
            }
            var health: [Int] = []
            for _ in 0..<3 { health.append(try await server.request(.GET, "/health").status) }
            XCTAssertEqual(health, [200, 200, 429], "the probes spent none of the address's two tokens, and the limit still holds")
        }
    }
}
