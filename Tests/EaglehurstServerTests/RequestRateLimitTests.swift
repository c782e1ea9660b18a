@testable import EaglehurstServer
import EaglehurstTestSupport
import Foundation
import Vapor
import XCTest

/// The general request limit: token buckets per client address and per user, RateLimit-* headers,
/// 429 problem+json with Retry-After, counted atomically (100 at once take 100 tokens) and shared by
/// every server on one PostgreSQL.
final class RequestRateLimitTests: XCTestCase {
    func forEachDatabase(
        _ customize: @escaping (inout Settings) -> Void, _ body: (TestServer, TestClock) async throws -> Void
    ) async throws {
        for database in TestDatabase.underTest {
            let clock = TestClock()
            let server = try await TestServer.start(database, environment: clock.environment, customize: customize)
            do {
                try await body(server, clock)
            } catch {
                try? await server.stop()
                XCTFail("[\(database)] \(error)")
                throw error
            }
            try await server.stop()
        }
    }

    func burst(_ count: Int, _ send: @escaping @Sendable () async throws -> TestResponse) async throws -> [TestResponse] {
        try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<count { group.addTask { try await send() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func counts(_ responses: [TestResponse]) -> [Int: Int] {
        responses.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }

    func testEveryAnswerTellsTheLimitAndWhatIsLeft() async throws {
        try await forEachDatabase({ _ in }) { server, _ in
            let first = try await server.request(.GET, "/subscriptions/plans")
            XCTAssertEqual(first.status, 200, first.text)
            XCTAssertEqual(first.headers.first(name: "RateLimit-Limit"), "1200", "the default per address")
            XCTAssertEqual(first.headers.first(name: "RateLimit-Remaining"), "1199")
            XCTAssertEqual(first.headers.first(name: "RateLimit-Policy"), "1200;w=60")
            XCTAssertEqual(first.headers.first(name: "RateLimit-Reset"), "1", "one token refills in 60/1200 s")
            let second = try await server.request(.GET, "/listings/\(UUID())")
            XCTAssertEqual(second.status, 404)
            XCTAssertEqual(second.headers.first(name: "RateLimit-Remaining"), "1198", "problems carry the headers too")
        }
    }

    func testAHundredRequestsAtOnceTakeAHundredTokens() async throws {
        try await forEachDatabase({ $0.requestRatePerAddress = .init(requests: 10, seconds: 60) }) { server, clock in
            let answers = try await burst(100) { try await server.request(.GET, "/subscriptions/plans") }
            XCTAssertEqual(counts(answers), [200: 10, 429: 90])
            let refused = try XCTUnwrap(answers.first { $0.status == 429 })
            XCTAssertEqual(refused.headers.first(name: .contentType), "application/problem+json")
            XCTAssertEqual(try refused.json()["type"] as? String, "https://eaglehurst.example/problems/rate-limited")
            XCTAssertEqual(refused.headers.first(name: .retryAfter), "6", "one token per 6 s")
            XCTAssertEqual(refused.headers.first(name: "RateLimit-Remaining"), "0")
            XCTAssertEqual(refused.headers.first(name: "RateLimit-Reset"), "60")

            clock.advance(by: 6)
            await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/plans").status, 200, "one token came back")
            await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/plans").status, 429)
            clock.advance(by: 3600)
            let full = try await burst(12) { try await server.request(.GET, "/subscriptions/plans") }
            XCTAssertEqual(counts(full), [200: 10, 429: 2], "a bucket holds no more than its size")
        }
    }

    func testEachUserHasABucketOfTheirOwn() async throws {
        try await forEachDatabase({
            $0.requestRatePerAddress = nil
            $0.requestRatePerUser = .init(requests: 5, seconds: 60)
        }) { server, _ in
            let ann = try await account(server, .buyer, "ann@example.com")
            let bob = try await account(server, .buyer, "bob@example.com")
            let anns = try await burst(20) { try await server.request(.GET, "/users/profile", bearer: ann.token) }
            XCTAssertEqual(counts(anns), [200: 5, 429: 15])
            let refused = try XCTUnwrap(anns.first { $0.status == 429 })
            XCTAssertTrue((try refused.json()["detail"] as? String ?? "").contains("this account"), refused.text)
            await XCTAssertEqualAsync(try await server.request(.GET, "/users/profile", bearer: bob.token).status, 200, "Bob's bucket is full")
            await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/plans").status, 200, "no limit per address here")
        }
    }

    func testBehindATrustedProxyEachForwardedAddressHasItsBucket() async throws {
        try await forEachDatabase({
            $0.requestRatePerAddress = .init(requests: 3, seconds: 60)
            $0.trustedProxies = ["127.0.0.1"]
        }) { server, _ in
            func from(_ address: String) async throws -> Int {
                try await server.request(.GET, "/subscriptions/plans", headers: ["X-Forwarded-For": "\(address), 127.0.0.1"]).status
            }
            for _ in 0..<3 { await XCTAssertEqualAsync(try await from("203.0.113.7"), 200) }
            await XCTAssertEqualAsync(try await from("203.0.113.7"), 429)
            await XCTAssertEqualAsync(try await from("198.51.100.20"), 200, "another client behind the same proxy")
        }
        try await forEachDatabase({ $0.requestRatePerAddress = .init(requests: 3, seconds: 60) }) { server, _ in
            // Without TRUSTED_PROXIES the header is the client's word and counts for nothing.
            for n in 0..<3 {
                await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/plans", headers: ["X-Forwarded-For": "10.0.0.\(n)"]).status, 200)
            }
            await XCTAssertEqualAsync(try await server.request(.GET, "/subscriptions/plans", headers: ["X-Forwarded-For": "10.0.0.99"]).status, 429)
        }
    }

    func testTheLimitHoldsAcrossTwoServers() async throws {
        try await withTwoServers(customize: { $0.requestRatePerAddress = .init(requests: 10, seconds: 600) }) { a, b in
            let client = a.app.client
            let answers = try await withThrowingTaskGroup(of: Int.self) { group in
                for n in 0..<40 {
                    let base = n % 2 == 0 ? a.baseURL : b.baseURL
                    group.addTask { Int(try await client.get(URI(string: "\(base)/subscriptions/plans")).status.code) }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            XCTAssertEqual(answers, [200: 10, 429: 30], "one bucket for both servers")
        }
    }

    func testTurnedOffWithTheOtherLimits() async throws {
        try await forEachDatabase({
            $0.requestRatePerAddress = .init(requests: 1, seconds: 60)
            $0.rateLimitEnabled = false
        }) { server, _ in
            let answers = try await burst(5) { try await server.request(.GET, "/subscriptions/plans") }
            XCTAssertEqual(counts(answers), [200: 5])
            XCTAssertNil(answers[0].headers.first(name: "RateLimit-Limit"))
        }
    }

    func testSettings() throws {
        let defaults = try Settings.fromEnvironment(["HOME": "/h"])
        XCTAssertEqual(defaults.requestRatePerAddress, .init(requests: 1200, seconds: 60))
        XCTAssertEqual(defaults.requestRatePerUser, .init(requests: 600, seconds: 60))
        XCTAssertEqual(defaults.trustedProxies, [])
        let set = try Settings.fromEnvironment([
            "HOME": "/h", "RATE_LIMIT_PER_ADDRESS": "50/10", "RATE_LIMIT_PER_USER": "off", "TRUSTED_PROXIES": "127.0.0.1, ::1",
        ])
        XCTAssertEqual(set.requestRatePerAddress, .init(requests: 50, seconds: 10))
        XCTAssertNil(set.requestRatePerUser)
        XCTAssertEqual(set.trustedProxies, ["127.0.0.1", "::1"])
        for bad in ["fast", "10", "0/60", "10/0", "-1/5"] {
            XCTAssertThrowsError(try Settings.fromEnvironment(["HOME": "/h", "RATE_LIMIT_PER_ADDRESS": bad]), bad) { error in
                XCTAssertTrue("\(error)".hasPrefix("RATE_LIMIT_PER_ADDRESS is '\(bad)'; write requests/seconds"), "\(error)")
            }
        }
    }
}
