@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Vapor
import XCTest

/// Two servers on one PostgreSQL: what one changes, the other's caches drop at once (LISTEN/NOTIFY),
/// not when their entries expire. (SQLite is one process; there is no second server to tell.)
final class CrossServerCacheTests: XCTestCase {
    /// A request to server B, sent with A's HTTP client.
    func request(
        _ a: TestServer, _ b: RunningServer, _ method: HTTPMethod, _ path: String, body: String? = nil, bearer: String? = nil
    ) async throws -> TestResponse {
        var headers = HTTPHeaders()
        if let bearer { headers.add(name: .authorization, value: "Bearer \(bearer)") }
        if body != nil { headers.add(name: .contentType, value: "application/json") }
        let response = try await a.app.client.send(method, headers: headers, to: URI(string: "\(b.baseURL.absoluteString)\(path)")) { request in
            if let body { request.body = ByteBuffer(string: body) }
        }
        return TestResponse(status: Int(response.status.code), headers: response.headers,
                            body: response.body.map { Data($0.readableBytesView) } ?? Data())
    }

    func testAUserSuspendedThroughOneServerIsRefusedByTheOtherOnTheNextRequest() async throws {
        try await withTwoServers { a, b in
            let admin = try await account(a, .admin, "admin@example.com")
            let buyer = try await account(a, .buyer, "buyer@example.com")
            for _ in 0..<3 {
                let me = try await request(a, b, .GET, "/users/profile", bearer: buyer.token)
                XCTAssertEqual(me.status, 200, "B knows the session and keeps it in its cache: \(me.text)")
            }
            let suspended = try await a.request(.PUT, "/admin/users/\(buyer.id)/suspend",
                                                body: json(["suspended": true, "reason": "fraud review"]), bearer: admin.token)
            XCTAssertEqual(suspended.status, 200, suspended.text)
            let refused = try await request(a, b, .GET, "/users/profile", bearer: buyer.token)
            XCTAssertEqual(refused.status, 403, "B refuses the suspended user at once: \(refused.text)")
            XCTAssertEqual(try refused.json()["type"] as? String, "https://eaglehurst.example/problems/account-suspended")
        }
    }

    func testASignOutThroughOneServerEndsTheSessionOnTheOther() async throws {
        try await withTwoServers { a, b in
            _ = try await AccountBootstrap.createUser(on: a.app, email: "buyer@example.com", password: "Passw0rdX", kind: .buyer, firstName: "B", lastName: "Y")
            let login = try await a.request(.POST, "/auth/login", body: json(["email": "buyer@example.com", "password": "Passw0rdX"])).json()
            let token = try XCTUnwrap(login["access_token"] as? String)
            let refresh = try XCTUnwrap(login["refresh_token"] as? String)
            await XCTAssertEqualAsync(try await request(a, b, .GET, "/users/profile", bearer: token).status, 200)
            await XCTAssertEqualAsync(try await request(a, b, .GET, "/users/profile", bearer: token).status, 200)
            let out = try await a.request(.POST, "/auth/logout", body: json(["refresh_token": refresh]))
            XCTAssertEqual(out.status, 204, out.text)
            await XCTAssertEqualAsync(try await request(a, b, .GET, "/users/profile", bearer: token).status, 401)
        }
    }

    func testASaveThroughOneServerShowsInTheOthersBrowseAtOnce() async throws {
        try await withTwoServers { a, b in
            let seller = try await account(a, .seller, "seller@example.com")
            let buyer = try await account(a, .buyer, "buyer@example.com")
            let listing = try await published(a, seller: seller, title: "Pharmacy in Leeds")
            func savedOnB() async throws -> Bool? {
                let page = try await request(a, b, .GET, "/listings", bearer: buyer.token)
                let items = try XCTUnwrap(try page.json()["items"] as? [[String: Any]], page.text)
                return items.first { $0["id"] as? String == listing.uuidString }?["is_saved"] as? Bool
            }
            await XCTAssertEqualAsync(try await savedOnB(), false)
            await XCTAssertEqualAsync(try await savedOnB(), false, "B holds the buyer's saved ids now")
            let saved = try await a.request(.POST, "/listings/\(listing)/save", body: "{}", bearer: buyer.token)
            XCTAssertTrue([200, 201].contains(saved.status), saved.text)
            await XCTAssertEqualAsync(try await savedOnB(), true)
            let unsaved = try await a.request(.DELETE, "/listings/\(listing)/save", bearer: buyer.token)
            XCTAssertTrue([200, 204].contains(unsaved.status), unsaved.text)
            await XCTAssertEqualAsync(try await savedOnB(), false)
        }
    }

    func testAListingPublishedThroughOneServerIsFoundByTheOther() async throws {
        try await withTwoServers { a, b in
            let seller = try await account(a, .seller, "seller@example.com")
            func titlesOnB() async throws -> [String] {
                let page = try await request(a, b, .GET, "/listings?q=dental")
                return (try page.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            }
            await XCTAssertEqualAsync(try await titlesOnB(), [])
            let admin = try await account(a, .admin, "admin@example.com")
            let draft = try await a.request(.POST, "/listings", body: json([
                "title": "Dental practice in York", "description": "Four surgeries, NHS and private patients.",
                "business_type": "dental_practice", "location": "York", "region": "Yorkshire", "asking_price": 900_000, "status": "draft",
            ]), bearer: seller.token)
            XCTAssertEqual(draft.status, 201, draft.text)
            let id = try XCTUnwrap(try draft.json()["id"] as? String)
            let submitted = try await a.request(.PUT, "/listings/\(id)", body: json(["status": "pending_approval"]), bearer: seller.token)
            XCTAssertEqual(submitted.status, 200, submitted.text)
            await XCTAssertEqualAsync(try await titlesOnB(), [])
            let approved = try await a.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token)
            XCTAssertEqual(approved.status, 200, approved.text)
            await XCTAssertEqualAsync(try await titlesOnB(), ["Dental practice in York"])
        }
    }
}

extension XCTestCase {
    /// Server A (a `TestServer` on a fresh PostgreSQL database) and server B on the same database.
    /// `customize` sets both servers' settings.
    func withTwoServers(
        customize: @escaping (inout Settings) -> Void = { _ in }, _ body: (TestServer, RunningServer) async throws -> Void
    ) async throws {
        _ = try XCTUnwrap(TestDatabase.postgresAdminURL, "two servers need PostgreSQL: run through ./scripts/test")
        let a = try await TestServer.start(.postgres, customize: customize)
        let b: RunningServer
        do {
            b = try await RunningServer.start(settings: a.sandbox.settings, port: 0, logLevel: .warning)
        } catch {
            try? await a.stop()
            throw error
        }
        do {
            try await body(a, b)
        } catch {
            try? await b.shutdown()
            try? await a.stop()
            throw error
        }
        try await b.shutdown()
        try await a.stop()
    }
}
