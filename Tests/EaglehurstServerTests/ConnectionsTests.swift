@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// `/api/v1/connections` and `/api/v1/notifications`: the request flow, threads, limits and
/// notifications, on SQLite and PostgreSQL.
final class ConnectionsTests: XCTestCase {
    struct Cast {
        let buyer: Account
        let seller: Account
        let stranger: Account
        let listing: UUID
    }

    func cast(_ server: TestServer) async throws -> Cast {
        let seller = try await account(server, .seller, "seller@example.com")
        let buyer = try await account(server, .buyer, "buyer@example.com")
        let stranger = try await account(server, .buyer, "stranger@example.com")
        let listing = try await published(server, seller: seller, title: "Pharmacy in Camden", exactAddress: "1 High St, Camden")
        return Cast(buyer: buyer, seller: seller, stranger: stranger, listing: listing)
    }

    func ask(_ server: TestServer, _ buyer: Account, _ listing: UUID, _ message: String = "Is the NHS contract transferable?") async throws -> TestResponse {
        try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": message]), bearer: buyer.token)
    }

    func requestID(_ server: TestServer, _ buyer: Account, _ listing: UUID) async throws -> String {
        let response = try await ask(server, buyer, listing)
        return try XCTUnwrap(try response.json()["id"] as? String, response.text)
    }

    func items(_ response: TestResponse) throws -> [[String: Any]] {
        try XCTUnwrap(try response.json()["items"] as? [[String: Any]], response.text)
    }

    func notifications(_ server: TestServer, _ account: Account, unreadOnly: Bool = false) async throws -> [[String: Any]] {
        try items(try await server.request(.GET, "/notifications\(unreadOnly ? "?unread_only=true" : "")", bearer: account.token))
    }

    // MARK: the conversation

    func testBuyerAsksSellerAcceptsAndTheyTalk() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let created = try await ask(server, c.buyer, c.listing)
            XCTAssertEqual(created.status, 201, created.text)
            let connection = try created.json()
            let id = try XCTUnwrap(connection["id"] as? String)
            XCTAssertEqual(connection["status"] as? String, "pending")
            XCTAssertEqual(connection["initial_message"] as? String, "Is the NHS contract transferable?")

            let sellerNews = try await notifications(server, c.seller)
            XCTAssertEqual(sellerNews.first?["type"] as? String, "connection_request")
            XCTAssertEqual(sellerNews.first?["action_url"] as? String, "/api/v1/connections/\(id)")
            let incoming = try items(try await server.request(.GET, "/connections/seller/requests?status=pending", bearer: c.seller.token))
            XCTAssertEqual(incoming.compactMap { $0["id"] as? String }, [id])

            let before = try await server.request(.GET, "/listings/\(c.listing)", bearer: c.buyer.token).json()
            XCTAssertNil(before["exact_address"])
            XCTAssertEqual(before["connection_status"] as? String, "pending")

            let waiting = try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "Hello?"]), bearer: c.buyer.token)
            XCTAssertEqual(waiting.status, 409, "the buyer waits for an answer before writing again")

            let accept = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted", "message": "Yes, it is. Shall we talk?"]), bearer: c.seller.token)
            XCTAssertEqual(accept.status, 200, accept.text)
            XCTAssertEqual(try accept.json()["status"] as? String, "accepted")
            await XCTAssertEqualAsync(try await notifications(server, c.buyer).first?["type"] as? String, "connection_accepted")
            let after = try await server.request(.GET, "/listings/\(c.listing)", bearer: c.buyer.token).json()
            XCTAssertEqual(after["exact_address"] as? String, "1 High St, Camden", "an accepted buyer sees the confidential fields")
            XCTAssertEqual(after["confidential_access"] as? Bool, true)

            let sent = try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "Great — tomorrow at 10?"]), bearer: c.buyer.token)
            XCTAssertEqual(sent.status, 201, sent.text)
            let thread = try await server.request(.GET, "/connections/\(id)/messages", bearer: c.seller.token)
            XCTAssertEqual(try items(thread).compactMap { $0["content"] as? String },
                           ["Is the NHS contract transferable?", "Yes, it is. Shall we talk?", "Great — tomorrow at 10?"], "oldest first")

            let list = try await server.request(.GET, "/connections", bearer: c.seller.token).json()
            XCTAssertEqual(list["unread_total"] as? Int, 2)
            let row = try XCTUnwrap((list["items"] as? [[String: Any]])?.first)
            XCTAssertEqual(row["unread_count"] as? Int, 2)
            XCTAssertEqual(row["last_message_preview"] as? String, "Great — tomorrow at 10?")
            XCTAssertEqual((row["buyer"] as? [String: Any])?["id"] as? String, c.buyer.id.uuidString)

            let lastID = try XCTUnwrap(try items(thread).last?["id"] as? String)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/connections/\(id)/messages/\(lastID)/read", bearer: c.seller.token).status, 204)
            let read = try await server.request(.GET, "/connections", bearer: c.seller.token).json()
            XCTAssertEqual(read["unread_total"] as? Int, 0, "marking the last message read marks the earlier ones too")
            let seen = try items(try await server.request(.GET, "/connections/\(id)/messages", bearer: c.buyer.token))
            XCTAssertEqual(seen.last?["is_read"] as? Bool, true, "the buyer sees the seller has read it")
        }
    }

    func testReadingAThreadToItsEndReadsItsMessageNotifications() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, c.listing)
            _ = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: c.seller.token)
            func send(_ text: String) async throws -> String {
                let sent = try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": text]), bearer: c.seller.token)
                return try XCTUnwrap(try sent.json()["id"] as? String, sent.text)
            }
            func unreadMessageNotifications() async throws -> Int {
                try await notifications(server, c.buyer, unreadOnly: true).filter { $0["type"] as? String == "new_message" }.count
            }
            let first = try await send("Here are the accounts.")
            let second = try await send("And the lease.")
            await XCTAssertEqualAsync(try await unreadMessageNotifications(), 2)
            _ = try await server.request(.PUT, "/connections/\(id)/messages/\(first)/read", bearer: c.buyer.token)
            await XCTAssertEqualAsync(try await unreadMessageNotifications(), 2, "a message is still unread: the notifications stay")
            _ = try await server.request(.PUT, "/connections/\(id)/messages/\(second)/read", bearer: c.buyer.token)
            await XCTAssertEqualAsync(try await unreadMessageNotifications(), 0, "the thread is read to its end")
            let accepted = try await notifications(server, c.buyer, unreadOnly: true).compactMap { $0["type"] as? String }
            XCTAssertEqual(accepted, ["connection_accepted"], "other kinds are left for the user")
            _ = try await send("Any questions?")
            await XCTAssertEqualAsync(try await unreadMessageNotifications(), 1, "a later message is news again")
        }
    }

    func testDemoDataHasAConversationAndAWaitingRequestOnce() async throws {
        try await forEachDatabase { server in
            try await AccountBootstrap.seedDemo(on: server.app)
            try await AccountBootstrap.seedDemo(on: server.app)
            await XCTAssertEqualAsync(try await Connection.query(on: server.app.db).count(), 2, "seeding twice adds nothing")
            let login = try await server.request(.POST, "/auth/login", body: json(["email": "buyer@demo.eaglehurst.test", "password": "DemoBuyer1"]))
            let token = try XCTUnwrap(try login.json()["access_token"] as? String, login.text)
            let usage = try await server.request(.GET, "/subscriptions/usage", bearer: token).json()
            XCTAssertEqual(usage["connections_used"] as? Int, 2, "the demo requests count against the plan")
            let list = try items(try await server.request(.GET, "/connections", bearer: token))
            XCTAssertEqual(Set(list.compactMap { $0["status"] as? String }), ["accepted", "pending"])
            let sellerLogin = try await server.request(.POST, "/auth/login", body: json(["email": "seller@demo.eaglehurst.test", "password": "DemoSeller1"]))
            let sellerToken = try XCTUnwrap(try sellerLogin.json()["access_token"] as? String)
            let sellerList = try await server.request(.GET, "/connections", bearer: sellerToken).json()
            XCTAssertEqual(sellerList["unread_total"] as? Int, 2, "the buyer's last question and the waiting request")
            let news = try await server.request(.GET, "/notifications", bearer: sellerToken).json()
            XCTAssertEqual(news["unread_count"] as? Int, 2)
        }
    }

    func testAThirdUserSeesNothingOfAThread() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, c.listing)
            let otherSeller = try await account(server, .seller, "other-seller@example.com")
            for who in [c.stranger, otherSeller] {
                await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(id)", bearer: who.token).status, 404)
                await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(id)/messages", bearer: who.token).status, 404)
                await XCTAssertEqualAsync(try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "hi"]), bearer: who.token).status, 404)
                await XCTAssertEqualAsync(try await server.request(.PUT, "/connections/\(id)/block", bearer: who.token).status, 404)
                let list = try await server.request(.GET, "/connections", bearer: who.token).json()
                XCTAssertEqual(list["total"] as? Int, 0)
            }
            await XCTAssertEqualAsync(try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: otherSeller.token).status, 404)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: c.buyer.token).status, 403,
                           "only the seller answers")
            await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(id)").status, 401)
        }
    }

    func testOneOpenRequestPerListingAndNoneFromSellers() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            await XCTAssertEqualAsync(try await ask(server, c.buyer, c.listing).status, 201)
            let again = try await ask(server, c.buyer, c.listing)
            XCTAssertEqual(again.status, 409)
            XCTAssertTrue((try again.json()["detail"] as? String ?? "").contains("pending"))
            await XCTAssertEqualAsync(try await ask(server, c.seller, c.listing).status, 403, "connection requests are for buyers")
            let empty = try await ask(server, c.stranger, c.listing, "   ")
            XCTAssertEqual(empty.status, 422)
            let long = try await ask(server, c.stranger, c.listing, String(repeating: "x", count: 4001))
            XCTAssertEqual(long.status, 422)
            await XCTAssertEqualAsync(try await ask(server, c.stranger, UUID()).status, 404)
        }
    }

    func testRejectedAndBlockedThreadsTakeNoMessages() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, c.listing)
            let reject = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "rejected"]), bearer: c.seller.token)
            XCTAssertEqual(reject.status, 200)
            await XCTAssertEqualAsync(try await notifications(server, c.buyer).first?["type"] as? String, "connection_rejected")
            for who in [c.buyer, c.seller] {
                await XCTAssertEqualAsync(try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "still there?"]), bearer: who.token).status, 409)
            }
            await XCTAssertEqualAsync(try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: c.seller.token).status, 409)

            let second = try await ask(server, c.buyer, c.listing, "May I ask once more?")
            XCTAssertEqual(second.status, 201, "a rejected request does not stop a new one")
            let secondID = try XCTUnwrap(try second.json()["id"] as? String)
            _ = try await server.request(.PUT, "/connections/\(secondID)/respond", body: json(["status": "accepted"]), bearer: c.seller.token)
            let block = try await server.request(.PUT, "/connections/\(secondID)/block", body: json(["reason": "spam"]), bearer: c.buyer.token)
            XCTAssertEqual(block.status, 200, block.text)
            XCTAssertEqual(try block.json()["blocked_by"] as? String, c.buyer.id.uuidString)
            await XCTAssertEqualAsync(try await server.request(.POST, "/connections/\(secondID)/messages", body: json(["content": "hello"]), bearer: c.seller.token).status, 403)
        }
    }

    // MARK: a block is between two people

    /// A block sent in the middle of a burst of requests: every request either committed before the
    /// block (created no later than the block's own time) or was refused, and every one after it is.
    func testABlockInABurstOfRequestsLetsNoneThroughAfterIt() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            try await upgrade(server, c.buyer, to: "buyer_enterprise")
            let blockedID = try await requestID(server, c.buyer, c.listing)
            var listings: [UUID] = []
            for n in 0..<24 { listings.append(try await published(server, seller: c.seller, title: "Dental practice \(n)")) }
            let burst = Array(listings.prefix(20))
            let (buyerToken, sellerToken) = (c.buyer.token, c.seller.token)
            let answers = try await withThrowingTaskGroup(of: TestResponse?.self) { group in
                for listing in burst {
                    group.addTask {
                        try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Still for sale?"]), bearer: buyerToken)
                    }
                }
                group.addTask {
                    // Once the burst is under way, so that requests land on both sides of the block.
                    let deadline = Date().addingTimeInterval(60)
                    while try await Connection.query(on: server.app.db).count() < 3, Date() < deadline {
                        try await Task.sleep(nanoseconds: 1_000_000)
                    }
                    let block = try await server.request(.PUT, "/connections/\(blockedID)/block", bearer: sellerToken)
                    XCTAssertEqual(block.status, 200, block.text)
                    return nil
                }
                return try await group.reduce(into: [TestResponse]()) { if let answer = $1 { $0.append(answer) } }
            }
            let blockedAt = try await XCTUnwrapAsync(try await Connection.find(UUID(uuidString: blockedID), on: server.app.db)?.updatedAt)
            XCTAssertEqual(answers.count, 20)
            for answer in answers where answer.status != 201 {
                XCTAssertEqual(answer.status, 403, answer.text)
                XCTAssertEqual(try answer.json()["type"] as? String, "https://eaglehurst.example/problems/blocked-by-seller")
            }
            let created = try await Connection.query(on: server.app.db).filter(\.$listing.$id ~~ burst).all()
            XCTAssertEqual(created.count, answers.filter { $0.status == 201 }.count)
            for connection in created {
                let at = try XCTUnwrap(connection.createdAt)
                XCTAssertLessThanOrEqual(at, blockedAt, "a request created \(at.timeIntervalSince(blockedAt) * 1000) ms after the block")
            }
            for listing in listings.suffix(4) {
                let after = try await ask(server, c.buyer, listing)
                XCTAssertEqual(after.status, 403, after.text)
            }
            await XCTAssertEqualAsync(try await Connection.query(on: server.app.db).filter(\.$listing.$id ~~ Array(listings.suffix(4))).count(), 0)
        }
    }

    /// One block covers every thread between the two: the other party's and the blocker's messages
    /// in an earlier accepted thread are refused, as is a new request; other people's threads go on.
    func testABlockedPairWritesInNoThread() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let other = try await published(server, seller: c.seller, title: "Optician in Bath")
            var threads: [String] = []
            for listing in [c.listing, other] {
                let id = try await requestID(server, c.buyer, listing)
                let accepted = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: c.seller.token)
                XCTAssertEqual(accepted.status, 200, accepted.text)
                threads.append(id)
            }
            let strangers = try await requestID(server, c.stranger, c.listing)
            func write(_ thread: String, as who: Account) async throws -> TestResponse {
                try await server.request(.POST, "/connections/\(thread)/messages", body: json(["content": "About the lease"]), bearer: who.token)
            }
            await XCTAssertEqualAsync(try await write(threads[0], as: c.buyer).status, 201)

            let block = try await server.request(.PUT, "/connections/\(threads[1])/block", body: json(["reason": "rude"]), bearer: c.seller.token)
            XCTAssertEqual(block.status, 200, block.text)
            for (thread, who, slug) in [(threads[0], c.buyer, "blocked-by-seller"), (threads[1], c.buyer, "blocked-by-seller"),
                                        (threads[0], c.seller, "you-blocked")] {
                let refused = try await write(thread, as: who)
                XCTAssertEqual(refused.status, 403, refused.text)
                XCTAssertEqual(refused.headers.first(name: .contentType), "application/problem+json")
                XCTAssertEqual(try refused.json()["type"] as? String, "https://eaglehurst.example/problems/\(slug)")
            }
            let third = try await published(server, seller: c.seller, title: "Clinic in York")
            await XCTAssertEqualAsync(try await ask(server, c.buyer, third).status, 403)
            let thread = try await server.request(.GET, "/connections/\(threads[0])/messages", bearer: c.seller.token)
            XCTAssertEqual(try items(thread).count, 2, "the first request and the message before the block: \(thread.text)")

            _ = try await server.request(.PUT, "/connections/\(strangers)/respond", body: json(["status": "accepted"]), bearer: c.seller.token)
            await XCTAssertEqualAsync(try await write(strangers, as: c.stranger).status, 201, "a block is between two people only")
        }
    }

    /// The buyer's enterprise plan (no monthly limit), bought through the API.
    func upgrade(_ server: TestServer, _ buyer: Account, to code: String) async throws {
        let token = try await server.request(.POST, "/payments/local/tokens", body: json([
            "number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123",
        ]))
        let card = try await server.request(.POST, "/subscriptions/payment-methods", body: json([
            "token": try XCTUnwrap(try token.json()["token"] as? String), "set_default": true,
        ]), bearer: buyer.token)
        XCTAssertEqual(card.status, 201, card.text)
        let plans = try await server.request(.GET, "/subscriptions/plans?per_page=100").json()["items"] as? [[String: Any]] ?? []
        let plan = try XCTUnwrap(plans.first { $0["code"] as? String == code }?["id"] as? String)
        let bought = try await server.request(.POST, "/subscriptions/purchase", body: json(["plan_id": plan]), bearer: buyer.token)
        XCTAssertEqual(bought.status, 200, bought.text)
    }

    func testPollingAfterAMessageAndConditionalRequests() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, c.listing)
            _ = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted", "message": "Hi"]), bearer: c.seller.token)
            let first = try await server.request(.GET, "/connections/\(id)/messages", bearer: c.buyer.token)
            let tag = try XCTUnwrap(first.headers.first(name: .eTag))
            let lastID = try XCTUnwrap(try items(first).last?["id"] as? String)
            await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(id)/messages", headers: ["If-None-Match": tag], bearer: c.buyer.token).status, 304)
            await XCTAssertEqualAsync(try items(try await server.request(.GET, "/connections/\(id)/messages?after=\(lastID)", bearer: c.buyer.token)).count, 0)

            _ = try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "New one"]), bearer: c.seller.token)
            await XCTAssertEqualAsync(try await server.request(.GET, "/connections/\(id)/messages", headers: ["If-None-Match": tag], bearer: c.buyer.token).status, 200)
            let newer = try items(try await server.request(.GET, "/connections/\(id)/messages?after=\(lastID)", bearer: c.buyer.token))
            XCTAssertEqual(newer.compactMap { $0["content"] as? String }, ["New one"])
            let bad = try await server.request(.GET, "/connections/\(id)/messages?after=\(UUID())", bearer: c.buyer.token)
            XCTAssertEqual(bad.status, 422)

            let list = try await server.request(.GET, "/notifications", bearer: c.buyer.token)
            let listTag = try XCTUnwrap(list.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await server.request(.GET, "/notifications", headers: ["If-None-Match": listTag], bearer: c.buyer.token).status, 304)
        }
    }

    func testPrivateNotesBelongToOnePartyOnly() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, c.listing)
            let empty = try await server.request(.GET, "/connections/\(id)/notes", bearer: c.buyer.token)
            XCTAssertEqual(empty.status, 200, empty.text)
            XCTAssertEqual(try empty.json()["notes"] as? String, "")
            let saved = try await server.request(.PUT, "/connections/\(id)/notes", body: json(["notes": "Offer 5% under asking"]), bearer: c.buyer.token)
            XCTAssertEqual(saved.status, 200, saved.text)
            let again = try await server.request(.PUT, "/connections/\(id)/notes", body: json(["notes": "Offer 4% under asking"]), bearer: c.buyer.token)
            XCTAssertEqual(try again.json()["notes"] as? String, "Offer 4% under asking")
            let mine = try await server.request(.GET, "/connections/\(id)/notes", bearer: c.buyer.token).json()
            XCTAssertEqual(mine["notes"] as? String, "Offer 4% under asking")
            let sellers = try await server.request(.GET, "/connections/\(id)/notes", bearer: c.seller.token).json()
            XCTAssertEqual(sellers["notes"] as? String, "", "the other party never sees them")
            let strangers = try await server.request(.GET, "/connections/\(id)/notes", bearer: c.stranger.token)
            XCTAssertEqual(strangers.status, 404)
            let long = try await server.request(.PUT, "/connections/\(id)/notes", body: json(["notes": String(repeating: "n", count: 10_001)]), bearer: c.buyer.token)
            XCTAssertEqual(long.status, 422)
        }
    }

    // MARK: plan limits

    func testTheFreePlanLimitsRequestsPerMonth() async throws {
        let clock = TestClock()
        try await forEachDatabase(environment: clock.environment) { server in
            // Each database starts at the real time: rows stamped by the database's own clock
            // (created_at) and the server's clock must agree on the month.
            clock.set(Date())
            let c = try await cast(server)
            var listings: [UUID] = []
            for n in 0..<4 { listings.append(try await published(server, seller: c.seller, title: "Dental practice \(n)")) }
            let fresh = try await server.request(.GET, "/subscriptions/usage", bearer: c.buyer.token)
            XCTAssertEqual(fresh.status, 200, fresh.text)
            XCTAssertEqual(try fresh.json()["connections_used"] as? Int, 0)
            XCTAssertEqual(try fresh.json()["connections_limit"] as? Int, 3)
            for listing in listings.prefix(3) {
                await XCTAssertEqualAsync(try await ask(server, c.buyer, listing).status, 201)
            }
            let used = try await server.request(.GET, "/subscriptions/usage", bearer: c.buyer.token).json()
            XCTAssertEqual(used["connections_used"] as? Int, 3)
            XCTAssertEqual(used["plan_name"] as? String, "Free")
            XCTAssertNotNil(used["period_end"] as? String)
            let sellerUsage = try await server.request(.GET, "/subscriptions/usage", bearer: c.seller.token).json()
            XCTAssertEqual(sellerUsage["listings_used"] as? Int, 5, "the seller's listings created this month: \(sellerUsage)")
            let over = try await ask(server, c.buyer, listings[3])
            XCTAssertEqual(over.status, 402, over.text)
            let detail = try over.json()["detail"] as? String ?? ""
            XCTAssertTrue(detail.contains("allows 3 connection requests a month"), detail)
            XCTAssertTrue(detail.contains("resets on"), detail)
            await XCTAssertEqualAsync(try await Connection.query(on: server.app.db).count(), 3, "nothing half-written")
            await XCTAssertEqualAsync(try await ask(server, c.stranger, listings[3]).status, 201, "the limit is per buyer")

            clock.advance(by: 32 * 86_400)
            let relogin = try await server.request(.POST, "/auth/login", body: json(["email": "buyer@example.com", "password": "Passw0rdX"]))
            let token = try XCTUnwrap(try relogin.json()["access_token"] as? String)
            let nextMonth = try await server.request(.POST, "/connections", body: json(["listing_id": listings[3].uuidString, "message": "Next month"]), bearer: token)
            XCTAssertEqual(nextMonth.status, 201, "the count resets each month: \(nextMonth.text)")
        }
    }

    // MARK: notifications

    func testNotificationsListReadAndMarkAll() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            for n in 0..<3 {
                let listing = try await published(server, seller: c.seller, title: "Clinic \(n)")
                await XCTAssertEqualAsync(try await ask(server, [c.buyer, c.stranger, c.buyer][n], listing).status, 201)
            }
            let all = try await server.request(.GET, "/notifications", bearer: c.seller.token).json()
            XCTAssertEqual(all["total"] as? Int, 3)
            XCTAssertEqual(all["unread_count"] as? Int, 3)
            let firstID = try XCTUnwrap((all["items"] as? [[String: Any]])?.last?["id"] as? String)
            let read = try await server.request(.PUT, "/notifications/\(firstID)/read", bearer: c.seller.token)
            XCTAssertEqual(read.status, 200)
            XCTAssertEqual(try read.json()["is_read"] as? Bool, true)
            let order = try await notifications(server, c.seller)
            XCTAssertEqual(order.map { $0["is_read"] as? Bool }, [false, false, true], "unread first")
            await XCTAssertEqualAsync(try await notifications(server, c.seller, unreadOnly: true).count, 2)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/notifications/\(firstID)/read", bearer: c.buyer.token).status, 404, "not someone else's")
            let marked = try await server.request(.PUT, "/notifications/mark-all-read", bearer: c.seller.token)
            XCTAssertEqual(try marked.json()["updated"] as? Int, 2)
            await XCTAssertEqualAsync(try await notifications(server, c.seller, unreadOnly: true).count, 0)
        }
    }

    func testPreferencesTurnMailOffAndNewMessageMailsAreBatched() async throws {
        let clock = TestClock()
        try await forEachDatabase(environment: clock.environment) { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, c.listing)
            XCTAssertEqual(try server.outbox().filter { $0.contains("seller@example.com") }.count, 1, "the request is mailed to the seller")
            _ = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: c.seller.token)

            for text in ["one", "two", "three"] {
                await XCTAssertEqualAsync(try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": text]), bearer: c.buyer.token).status, 201)
            }
            let messageMails = { try server.outbox().filter { $0.contains("seller@example.com") && $0.contains("New message") }.count }
            XCTAssertEqual(try messageMails(), 1, "one mail per thread per 15 minutes")
            clock.advance(by: 16 * 60)
            var buyer = try await signIn(server, "buyer@example.com")
            var seller = try await signIn(server, "seller@example.com")
            _ = try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "four"]), bearer: buyer.token)
            XCTAssertEqual(try messageMails(), 2)

            let prefs = try await server.request(.PUT, "/notifications/preferences", body: json([
                "preferences": [["type": "new_message", "email_enabled": false, "push_enabled": true]],
            ]), bearer: seller.token)
            XCTAssertEqual(prefs.status, 200, prefs.text)
            let row = try XCTUnwrap((try prefs.json()["preferences"] as? [[String: Any]])?.first { $0["type"] as? String == "new_message" })
            XCTAssertEqual(row["email_enabled"] as? Bool, false)
            XCTAssertEqual(row["in_app"] as? Bool, true)
            let device = try await server.request(.POST, "/notifications/devices", body: json(["device_token": "token-1234567890", "platform": "ios"]), bearer: seller.token)
            XCTAssertEqual(device.status, 201, device.text)

            clock.advance(by: 16 * 60)
            buyer = try await signIn(server, "buyer@example.com")
            seller = try await signIn(server, "seller@example.com")
            _ = try await server.request(.POST, "/connections/\(id)/messages", body: json(["content": "five"]), bearer: buyer.token)
            XCTAssertEqual(try messageMails(), 2, "email is off now")
            let logs = try await server.app.db.sql.raw("""
                SELECT l.channel AS channel, l.delivery_status AS status FROM notification_logs l
                JOIN notifications n ON n.id = l.notification_id
                WHERE n.user_id = \(bind: c.seller.id) AND n.message = 'five'
                """).all().map { "\(try $0.decode(column: "channel", as: String.self))=\(try $0.decode(column: "status", as: String.self))" }
            XCTAssertEqual(Set(logs), ["in_app=delivered", "email=skipped", "push=not_sent"], "every attempt is logged, push too")

            let deviceID = try XCTUnwrap(try device.json()["id"] as? String)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/notifications/devices/\(deviceID)", bearer: buyer.token).status, 404)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/notifications/devices/\(deviceID)", bearer: seller.token).status, 204)
        }
    }

    func testListingReviewNotifiesAdminsAndTheSeller() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let admin = try await account(server, .admin, "a@example.com")
            let created = try await server.request(.POST, "/listings", body: json([
                "title": "Optician in Bath", "description": "Established practice with two testing rooms.",
                "business_type": "optician", "location": "Bath", "region": "South West", "asking_price": 150_000,
            ]), bearer: seller.token)
            let id = try XCTUnwrap(try created.json()["id"] as? String)
            await XCTAssertEqualAsync(try await notifications(server, admin).first?["type"] as? String, "listing_pending_review")
            _ = try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token)
            let news = try await notifications(server, seller)
            XCTAssertEqual(news.first?["type"] as? String, "listing_approved")
            XCTAssertEqual(news.first?["action_url"] as? String, "/api/v1/listings/\(id)")
        }
    }
}
