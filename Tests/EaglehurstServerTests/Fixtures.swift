@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import XCTest

/// A verified account made directly in the database and signed in through the API.
struct Account {
    let id: UUID
    let token: String
}

extension XCTestCase {
    /// Runs `body` against a fresh server on every database under test, stopping it whatever happens.
    func forEachDatabase(
        environment: ServerEnvironment = .live(), customize: @escaping (inout Settings) -> Void = { _ in },
        _ body: (TestServer) async throws -> Void
    ) async throws {
        for database in TestDatabase.underTest {
            let server = try await TestServer.start(database, environment: environment, customize: customize)
            do {
                try await body(server)
            } catch {
                try? await server.stop()
                XCTFail("[\(database)] \(error)")
                throw error
            }
            try await server.stop()
        }
    }

    func account(_ server: TestServer, _ kind: User.Kind, _ email: String) async throws -> Account {
        _ = try await AccountBootstrap.createUser(on: server.app, email: email, password: "Passw0rdX", kind: kind, firstName: "Test", lastName: kind.rawValue)
        return try await signIn(server, email)
    }

    /// A fresh sign-in of an account made by `account(_:_:_:)`, e.g. after the test clock moved past its token.
    func signIn(_ server: TestServer, _ email: String) async throws -> Account {
        let response = try await server.request(.POST, "/auth/login", body: json(["email": email, "password": "Passw0rdX"]))
        XCTAssertEqual(response.status, 200, response.text)
        let body = try response.json()
        let id = try XCTUnwrap(UUID(uuidString: (body["user"] as? [String: Any])?["id"] as? String ?? ""))
        return Account(id: id, token: try XCTUnwrap(body["access_token"] as? String))
    }

    /// Inserts a published listing directly, for tests that need listings to exist.
    @discardableResult
    func published(
        _ server: TestServer, seller: Account, title: String, type: String = "pharmacy", region: String = "London",
        price: Int64 = 500_000, revenue: Int64? = nil, description: String = "A well-run medical business with loyal patients.",
        publishedAt: Date = Date(), exactAddress: String? = nil
    ) async throws -> UUID {
        let listing = Listing()
        listing.fields = .init(
            title: title, description: description, businessType: type, location: "Town", region: region,
            askingPrice: price, annualRevenue: revenue, exactAddress: exactAddress)
        listing.status = .published
        listing.publishedAt = publishedAt
        listing.viewCount = 0
        listing.saveCount = 0
        listing.$seller.id = seller.id
        try await listing.create(on: server.app.db)
        return try listing.requireID()
    }
}

/// A JSON request body.
func json(_ object: [String: Any]) -> String {
    String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
}

func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
          let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
          match.numberOfRanges > 1, let range = Range(match.range(at: 1), in: text) else { return nil }
    return String(text[range])
}

func XCTUnwrapAsync<T>(_ value: @autoclosure () async throws -> T?, file: StaticString = #filePath, line: UInt = #line) async throws -> T {
    let resolved = try await value()
    return try XCTUnwrap(resolved, file: file, line: line)
}
