@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import NIOCore
import SQLKit
import Vapor
import XCTest

/// A busy moment on one server, sent truly at once over real HTTP (a client with a connection per
/// request, not the tests' shared client of eight): 100 connection requests (40 from one buyer about
/// one listing, 60 from other buyers), 100 sign-ins of six accounts and 200 messages in one thread.
/// Nothing may answer 5xx, the one buyer gets exactly one request through, and every notification
/// the writes owe is queued. On SQLite this failed with 503s ("database is locked", the pool's
/// "Connection request timed out") before writes went through `SQLiteWriteGate`.
final class WriteBurstTests: XCTestCase {
    struct Answer: Sendable {
        let kind: String
        let status: Int
        let body: String
    }

    func testABurstOfWritesFromManyUsersAndOneAnswersWithoutAServerError() async throws {
        try await forEachDatabase(customize: {
            $0.rateLimitEnabled = false
            $0.requestRatePerAddress = nil
            $0.requestRatePerUser = nil
        }) { server in
            let seller = try await account(server, .seller, "burst-seller@example.com")
            let listing = try await published(server, seller: seller, title: "Busy pharmacy in Leeds")
            let eager = try await account(server, .buyer, "eager@example.com")
            var others: [Account] = []
            for index in 0..<60 { others.append(try await account(server, .buyer, "buyer\(index)@example.com")) }
            let talker = try await account(server, .buyer, "talker@example.com")
            let threadListing = try await published(server, seller: seller, title: "Dental practice in York")
            let asked = try await server.request(.POST, "/connections", body: json(["listing_id": threadListing.uuidString, "message": "Hello"]), bearer: talker.token)
            let thread = try XCTUnwrap(try asked.json()["id"] as? String, asked.text)
            let accepted = try await server.request(.PUT, "/connections/\(thread)/respond", body: json(["status": "accepted"]), bearer: seller.token)
            XCTAssertEqual(accepted.status, 200, accepted.text)
            let signers = ["eager@example.com", "talker@example.com", "burst-seller@example.com", "buyer0@example.com", "buyer1@example.com", "buyer2@example.com"]

            var requests: [(kind: String, method: HTTPMethod, path: String, body: String, token: String?)] = []
            for _ in 0..<40 { requests.append(("one buyer asks", .POST, "/connections", json(["listing_id": listing.uuidString, "message": "Still for sale?"]), eager.token)) }
            for other in others { requests.append(("many buyers ask", .POST, "/connections", json(["listing_id": listing.uuidString, "message": "Interested"]), other.token)) }
            for index in 0..<100 {
                requests.append(("sign-in", .POST, "/auth/login", json(["email": signers[index % signers.count], "password": "Passw0rdX"]), nil))
            }
            for index in 0..<200 {
                let token = index % 2 == 0 ? talker.token : seller.token
                requests.append(("message", .POST, "/connections/\(thread)/messages", json(["content": "burst message \(index)"]), token))
            }
            let answers = try await Self.sendAtOnce(requests, to: server)

            let serverErrors = answers.filter { $0.status >= 500 }
            XCTAssertEqual(serverErrors.count, 0, "server errors: \(serverErrors.prefix(3).map { "\($0.kind) \($0.status) \($0.body)" })")
            func statuses(_ kind: String) -> [Int: Int] {
                answers.filter { $0.kind == kind }.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
            }
            XCTAssertEqual(statuses("one buyer asks"), [201: 1, 409: 39])
            XCTAssertEqual(statuses("many buyers ask"), [201: 60])
            XCTAssertEqual(statuses("sign-in"), [200: 100])
            XCTAssertEqual(statuses("message"), [201: 200])

            // Every write owes its notification: 61 new requests to the seller (and the thread's
            // own first one), 100 messages to each side of the thread.
            await server.app.drainJobQueue()
            func notifications(_ user: UUID, _ type: String) async throws -> Int {
                try await Notification.query(on: server.app.db).filter(\.$user.$id == user).filter(\.$type == type).count()
            }
            let requestsTold = try await notifications(seller.id, "connection_request")
            XCTAssertEqual(requestsTold, 61 + 1)
            let sellerTold = try await notifications(seller.id, "new_message")
            XCTAssertEqual(sellerTold, 100)
            let talkerTold = try await notifications(talker.id, "new_message")
            XCTAssertEqual(talkerTold, 100)
        }
    }

    /// Sends every request at once, each on a connection of its own, and collects the answers.
    static func sendAtOnce(
        _ requests: [(kind: String, method: HTTPMethod, path: String, body: String, token: String?)], to server: TestServer
    ) async throws -> [Answer] {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: requests.count)))
        do {
            let answers = try await withThrowingTaskGroup(of: Answer.self) { group in
                for request in requests {
                    group.addTask {
                        var outgoing = try HTTPClient.Request(url: server.baseURL.absoluteString + request.path, method: request.method)
                        outgoing.headers.add(name: "Content-Type", value: "application/json")
                        if let token = request.token { outgoing.headers.add(name: "Authorization", value: "Bearer \(token)") }
                        outgoing.body = .string(request.body)
                        let response = try await client.execute(request: outgoing, deadline: .now() + .seconds(120)).get()
                        let body = response.body.map { String(buffer: $0) } ?? ""
                        return Answer(kind: request.kind, status: Int(response.status.code), body: body)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try await client.shutdown()
            return answers
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
