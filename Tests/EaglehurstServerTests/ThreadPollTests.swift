@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import Vapor
import XCTest

/// A client waiting in a thread polls `GET /connections/{id}/messages` with `If-None-Match`: while
/// nothing changed it is answered 304 from memory (`ThreadPollMiddleware`), and the first poll after a
/// message or a read mark is answered afresh — on SQLite and PostgreSQL, and (PostgreSQL) whichever
/// server wrote.
final class ThreadPollTests: XCTestCase {
    struct Thread {
        let buyer: Account
        let seller: Account
        let id: String
    }

    func acceptedThread(_ server: TestServer) async throws -> Thread {
        let seller = try await account(server, .seller, "seller@example.com")
        let buyer = try await account(server, .buyer, "buyer@example.com")
        let listing = try await published(server, seller: seller, title: "Pharmacy in Hull")
        let asked = try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Hello"]), bearer: buyer.token)
        let id = try XCTUnwrap(try asked.json()["id"] as? String, asked.text)
        let accepted = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted", "message": "Welcome"]), bearer: seller.token)
        XCTAssertEqual(accepted.status, 200, accepted.text)
        return Thread(buyer: buyer, seller: seller, id: id)
    }

    func poll(_ server: TestServer, _ thread: Thread, _ who: Account, etag: String?) async throws -> TestResponse {
        var headers = HTTPHeaders()
        if let etag { headers.add(name: .ifNoneMatch, value: etag) }
        return try await server.request(.GET, "/connections/\(thread.id)/messages", headers: headers, bearer: who.token)
    }

    func testAnUnchangedThreadIsAnsweredFromMemoryUntilAMessageOrAReadMark() async throws {
        try await forEachDatabase { server in
            let thread = try await acceptedThread(server)
            let cache = server.app.threadPollCache
            let first = try await poll(server, thread, thread.buyer, etag: nil)
            XCTAssertEqual(first.status, 200, first.text)
            let etag = try XCTUnwrap(first.headers.first(name: .eTag))

            let before = cache.answeredFromMemory
            for _ in 0..<5 {
                let unchanged = try await poll(server, thread, thread.buyer, etag: etag)
                XCTAssertEqual(unchanged.status, 304, unchanged.text)
                XCTAssertEqual(unchanged.headers.first(name: .eTag), etag)
            }
            XCTAssertEqual(cache.answeredFromMemory - before, 5, "an unchanged thread is answered from memory")

            // The other party's message: the next poll is a full answer that shows it.
            let sent = try await server.request(.POST, "/connections/\(thread.id)/messages", body: json(["content": "Any news?"]), bearer: thread.seller.token)
            XCTAssertEqual(sent.status, 201, sent.text)
            let changed = try await poll(server, thread, thread.buyer, etag: etag)
            XCTAssertEqual(changed.status, 200, changed.text)
            XCTAssertTrue(changed.text.contains("Any news?"), changed.text)
            let newTag = try XCTUnwrap(changed.headers.first(name: .eTag))
            XCTAssertNotEqual(newTag, etag)
            let again = try await poll(server, thread, thread.buyer, etag: newTag)
            XCTAssertEqual(again.status, 304)

            // A read mark changes the thread too (the sender sees "read").
            let messages = try XCTUnwrap(try changed.json()["items"] as? [[String: Any]])
            let lastID = try XCTUnwrap(messages.last?["id"] as? String)
            let sellerView = try await poll(server, thread, thread.seller, etag: nil)
            let sellerTag = try XCTUnwrap(sellerView.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await poll(server, thread, thread.seller, etag: sellerTag).status, 304)
            let read = try await server.request(.PUT, "/connections/\(thread.id)/messages/\(lastID)/read", bearer: thread.buyer.token)
            XCTAssertEqual(read.status, 204, read.text)
            let afterRead = try await poll(server, thread, thread.seller, etag: sellerTag)
            XCTAssertEqual(afterRead.status, 200, "the seller sees the read mark: \(afterRead.text)")
        }
    }

    func testMemoryAnswersOnlyWhatTheHandlerWould() async throws {
        try await forEachDatabase { server in
            let thread = try await acceptedThread(server)
            let stranger = try await account(server, .buyer, "stranger@example.com")
            let first = try await poll(server, thread, thread.buyer, etag: nil)
            let etag = try XCTUnwrap(first.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await poll(server, thread, thread.buyer, etag: etag).status, 304)

            // Someone else with the same tag is not a party: 404 from the handler, as without the cache.
            let strangerPoll = try await poll(server, thread, stranger, etag: etag)
            XCTAssertEqual(strangerPoll.status, 404, strangerPoll.text)
            // No token, or a forged one: 401.
            var headers = HTTPHeaders()
            headers.add(name: .ifNoneMatch, value: etag)
            await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(thread.id)/messages", headers: headers).status, 401)
            await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(thread.id)/messages", headers: headers,
                                                               bearer: thread.buyer.token + "x").status, 401)

            // A suspended party is refused at once, not answered from memory.
            let admin = try await account(server, .admin, "admin@example.com")
            let suspended = try await server.request(.PUT, "/admin/users/\(thread.buyer.id)/suspend",
                                                     body: json(["suspended": true, "reason": "review"]), bearer: admin.token)
            XCTAssertEqual(suspended.status, 200, suspended.text)
            await XCTAssertEqualAsync(try await poll(server, thread, thread.buyer, etag: etag).status, 403)
        }
    }

    func testAMessageThroughAnotherServerEndsTheMemoryAnswerAtOnce() async throws {
        try await withTwoServers { a, b in
            let thread = try await acceptedThread(a)
            let first = try await poll(a, thread, thread.buyer, etag: nil)
            let etag = try XCTUnwrap(first.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await poll(a, thread, thread.buyer, etag: etag).status, 304)

            var headers = HTTPHeaders()
            headers.add(name: .authorization, value: "Bearer \(thread.seller.token)")
            headers.add(name: .contentType, value: "application/json")
            let sent = try await a.app.client.send(.POST, headers: headers, to: URI(string: "\(b.baseURL.absoluteString)/connections/\(thread.id)/messages")) {
                $0.body = ByteBuffer(string: json(["content": "Written through B"]))
            }
            XCTAssertEqual(sent.status, .created)
            // The announcement travels through PostgreSQL: allow it a moment, never a stale answer for long.
            var status = 304
            let deadline = Date().addingTimeInterval(5)
            while status == 304, Date() < deadline {
                status = try await poll(a, thread, thread.buyer, etag: etag).status
                if status == 304 { try await Task.sleep(for: .milliseconds(50)) }
            }
            XCTAssertEqual(status, 200, "A answers afresh after B's message")
        }
    }
}
