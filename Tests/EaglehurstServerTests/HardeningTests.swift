@testable import EaglehurstServer
import AsyncKit
import EaglehurstTestSupport
import Fluent
import Foundation
import Vapor
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The rules of issue #11 that must hold under concurrency and at their edges, on SQLite and PostgreSQL.
/// Concurrent tests really send N requests at the same moment over loopback.
final class HardeningTests: XCTestCase {
    // MARK: helpers

    func eachDatabase(customize: @escaping (inout Settings) -> Void = { _ in }, _ body: (TestServer) async throws -> Void) async throws {
        for database in TestDatabase.underTest {
            let server = try await TestServer.start(database, customize: customize)
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

    /// Sends `count` copies of a request at once and answers their status codes.
    func burst(_ count: Int, _ send: @escaping @Sendable () async throws -> TestResponse) async throws -> [TestResponse] {
        try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<count { group.addTask { try await send() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func register(_ server: TestServer, _ email: String) async throws {
        let response = try await server.request(.POST, "/auth/register", body: json([
            "email": email, "password": "Passw0rdX", "user_type": "buyer", "first_name": "Ann", "last_name": "Lee",
        ]))
        XCTAssertEqual(response.status, 201, response.text)
    }

    func latestCode(_ server: TestServer, to email: String) throws -> String {
        let mail = try XCTUnwrap(try server.outbox().last { $0.contains(email) }, "no mail to \(email)")
        return try XCTUnwrap(firstMatch(#"(?m)^\s+(\d{6})\s*$"#, in: mail), "no code in:\n\(mail)")
    }

    func resetTokens(_ server: TestServer, to email: String) throws -> [String] {
        try server.outbox().filter { $0.contains(email) && $0.contains("reset") }
            .map { try XCTUnwrap(firstMatch(#"(?m)^\s+([A-Za-z0-9_-]{40,})\s*$"#, in: $0), "no token in:\n\($0)") }
    }

    func slug(_ response: TestResponse) -> String? {
        ((try? response.json())?["type"] as? String)?.components(separatedBy: "/").last
    }

    /// The problem without its per-request fields, to compare two answers.
    func sameness(_ response: TestResponse) -> String {
        var body = (try? response.json()) ?? [:]
        body["request_id"] = nil
        return "\(response.status) \(String(decoding: try! JSONSerialization.data(withJSONObject: body, options: .sortedKeys), as: UTF8.self))"
    }

    func counts(_ responses: [TestResponse]) -> [Int: Int] {
        responses.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }

    // MARK: limits under concurrency

    func testWrongCodesSentAtOnceAreCheckedAtMostFiveTimes() async throws {
        try await forEachDatabase { server in
            try await register(server, "v@example.com")
            let code = try latestCode(server, to: "v@example.com")
            let wrong = code == "000000" ? "111111" : "000000"
            let five = try await burst(5) {
                try await server.request(.POST, "/auth/verify-email", body: json(["email": "v@example.com", "otp_code": wrong]))
            }
            XCTAssertEqual(counts(five), [400: 5])
            let attempts = try await EmailVerification.query(on: server.app.db).all().map(\.failedAttempts)
            XCTAssertEqual(attempts, [5], "five wrong codes at once count five")
            let answers = try await burst(100) {
                try await server.request(.POST, "/auth/verify-email", body: json(["email": "v@example.com", "otp_code": wrong]))
            }
            XCTAssertEqual(counts(answers), [400: 100])
            await XCTAssertEqualAsync(try await EmailVerification.query(on: server.app.db).all().map(\.failedAttempts), [5], "none of the hundred more was compared")
            let right = try await server.request(.POST, "/auth/verify-email", body: json(["email": "v@example.com", "otp_code": code]))
            XCTAssertEqual(right.status, 400, "the right code is refused once five wrong ones were checked: \(right.text)")

            let resend = try await server.request(.POST, "/auth/resend-otp", body: json(["email": "v@example.com"]))
            XCTAssertEqual(resend.status, 200, resend.text)
            let fresh = try await server.request(.POST, "/auth/verify-email", body: json(["email": "v@example.com", "otp_code": try latestCode(server, to: "v@example.com")]))
            XCTAssertEqual(fresh.status, 200, "a new code works: \(fresh.text)")
        }
    }

    func testTwentyFiveWrongPasswordsAtOnceStopAtTheLimit() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "target@example.com")
            let answers = try await burst(25) {
                try await server.request(.POST, "/auth/login", body: json(["email": "target@example.com", "password": "Wr0ngPassword"]))
            }
            XCTAssertEqual(counts(answers), [401: 5, 429: 20], "five passwords were checked, the rest waited")
            XCTAssertFalse(answers.contains { $0.status == 429 && $0.headers.first(name: .retryAfter) == nil })
            let right = try await server.request(.POST, "/auth/login", body: json(["email": "target@example.com", "password": "Passw0rdX"]))
            XCTAssertEqual(right.status, 429, "from the same address, even the right password waits: \(right.text)")
        }
    }

    func testTwentyFiveResendsAtOnceStopAtTheLimit() async throws {
        try await forEachDatabase { server in
            try await register(server, "r@example.com")
            let answers = try await burst(25) {
                try await server.request(.POST, "/auth/resend-otp", body: json(["email": "r@example.com"]))
            }
            XCTAssertEqual(counts(answers), [200: 3, 429: 22])
            XCTAssertEqual(try server.outbox().count, 1 + 3, "the registration mail and three resends")
        }
    }

    func testTwentyFiveListingSubmissionsAtOnceStayWithinThePlan() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let token = seller.token
            let body = json([
                "title": "Busy dental practice in Leeds", "description": "Four surgeries, NHS and private patients, long-serving team.",
                "business_type": "dental_practice", "location": "Leeds", "region": "Yorkshire", "asking_price": 850_000,
                "status": "pending_approval",
            ])
            let answers = try await burst(25) { try await server.request(.POST, "/listings", body: body, bearer: token) }
            XCTAssertEqual(counts(answers), [201: 1, 402: 24], "the free plan allows one active listing")
            await XCTAssertEqualAsync(try await Listing.query(on: server.app.db).count(), 1, "nothing half-written")
        }
    }

    func testTwentyFiveConnectionRequestsAtOnceStayWithinThePlan() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            var listings: [UUID] = []
            for index in 0..<25 { listings.append(try await published(server, seller: seller, title: "Pharmacy number \(index)")) }
            let token = buyer.token
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for listing in listings {
                    group.addTask {
                        try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Hello"]), bearer: token)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(counts(answers), [201: 3, 402: 22], "the free plan allows three requests a month")
            await XCTAssertEqualAsync(try await Connection.query(on: server.app.db).count(), 3)
            let usage = try await server.request(.GET, "/subscriptions/usage", bearer: token).json()
            XCTAssertEqual(usage["connections_used"] as? Int, 3)
        }
    }

    // MARK: no 500 under a burst

    func testTwentyFiveSignInsAtOnceWithRealPasswordCostsNeverFail() async throws {
        try await eachDatabase(customize: { $0.bcryptCost = 12 }) { server in
            for index in 0..<25 {
                _ = try await AccountBootstrap.createUser(
                    on: server.app, email: "u\(index)@example.com", password: "Passw0rdX", kind: .buyer, firstName: "U", lastName: "\(index)")
            }
            // Each on its own connection, so that the test client's pool does not queue them.
            let answers = try await withThrowingTaskGroup(of: RawResponse.self) { group in
                for index in 0..<25 {
                    group.addTask {
                        try await rawPost(server, "/auth/login", json(["email": "u\(index)@example.com", "password": "Passw0rdX"]), from: "127.0.0.1")
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let statuses = answers.reduce(into: [Int: Int]()) { $0[$1.status, default: 0] += 1 }
            XCTAssertFalse(answers.contains { $0.status >= 500 && $0.status != 503 }, "\(statuses) \(answers.first { $0.status >= 500 }?.body ?? "")")
            XCTAssertFalse(answers.contains { $0.status == 503 && !$0.head.lowercased().contains("retry-after:") }, "a 503 says when to come back")
            XCTAssertEqual(statuses[200, default: 0] + statuses[503, default: 0], 25, "\(answers.first { $0.status != 200 }?.body ?? "")")
        }
    }

    func testADatabaseThatCannotGiveAConnectionInTimeIsA503WithRetryAfter() async throws {
        try await forEachDatabase { server in
            let request = Request(application: server.app, on: server.app.eventLoopGroup.next())
            let problem = ProblemMiddleware.problem(for: ConnectionPoolTimeoutError.connectionRequestTimeout, request: request)
            XCTAssertEqual(problem.status, .serviceUnavailable)
            XCTAssertNotNil(problem.headers.first(name: .retryAfter).flatMap(Int.init))
            XCTAssertEqual(problem.slug, "busy")
        }
    }

    // MARK: sign-in limits that cannot lock a victim out

    func testGuessingFromOneAddressDoesNotLockTheOwnerOutFromAnother() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "victim@example.com")
            let guess = json(["email": "victim@example.com", "password": "Wr0ngPassword"])
            for _ in 0..<5 {
                await XCTAssertEqualAsync(try await rawPost(server, "/auth/login", guess, from: "127.0.0.2").status, 401)
            }
            await XCTAssertEqualAsync(try await rawPost(server, "/auth/login", guess, from: "127.0.0.2").status, 429, "the guessing address is stopped")
            let owner = try await server.request(.POST, "/auth/login", body: json(["email": "victim@example.com", "password": "Passw0rdX"]))
            XCTAssertEqual(owner.status, 200, "the owner, from another address, still gets in: \(owner.text)")
        }
    }

    func testGuessingSpreadOverManyAddressesIsStoppedPerEmail() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "spread@example.com")
            let guess = json(["email": "spread@example.com", "password": "Wr0ngPassword"])
            for host in 2...11 {
                for _ in 0..<5 {
                    await XCTAssertEqualAsync(try await rawPost(server, "/auth/login", guess, from: "127.0.0.\(host)").status, 401)
                }
            }
            let next = try await rawPost(server, "/auth/login", guess, from: "127.0.0.12")
            XCTAssertEqual(next.status, 429, "fifty failures from ten addresses reach the per-email limit")
            XCTAssertTrue(next.body.contains("from all addresses"), next.body)
        }
    }

    func testASuspendedAccountAnswersLikeAWrongPasswordUntilThePasswordIsRight() async throws {
        try await forEachDatabase { server in
            let user = try await account(server, .buyer, "s@example.com")
            try await User.query(on: server.app.db).filter(\.$id == user.id).set(\.$isSuspended, to: true).update()
            let wrong = try await server.request(.POST, "/auth/login", body: json(["email": "s@example.com", "password": "Wr0ngPassword"]))
            let unknown = try await server.request(.POST, "/auth/login", body: json(["email": "nobody@example.com", "password": "Wr0ngPassword"]))
            XCTAssertEqual(wrong.status, 401)
            XCTAssertEqual(sameness(wrong), sameness(unknown))
            let right = try await server.request(.POST, "/auth/login", body: json(["email": "s@example.com", "password": "Passw0rdX"]))
            XCTAssertEqual(right.status, 403, right.text)
            XCTAssertEqual(slug(right), "account-suspended")
        }
    }

    // MARK: nothing shows a listing its viewer may not see

    func testSavedListsAndConnectionsHideAListingTurnedBackIntoADraft() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let listing = try await published(server, seller: seller, title: "Pharmacy in Camden")
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings/\(listing)/save", body: json([:]), bearer: buyer.token).status, 201)
            let asked = try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Hello"]), bearer: buyer.token)
            XCTAssertEqual(asked.status, 201, asked.text)

            let row = try await XCTUnwrapAsync(try await Listing.find(listing, on: server.app.db))
            row.status = .draft
            row.title = "Secret new draft title"
            row.description = "Secret new draft description"
            row.askingPrice = 123_456
            try await row.save(on: server.app.db)

            for path in ["/listings/saved", "/connections", "/connections/buyer/requests"] {
                let answer = try await server.request(.GET, path, bearer: buyer.token)
                XCTAssertEqual(answer.status, 200, answer.text)
                XCTAssertFalse(answer.text.contains("Secret"), "\(path): \(answer.text)")
                XCTAssertFalse(answer.text.contains("123456"), "\(path): \(answer.text)")
                let item = try XCTUnwrap((try answer.json()["items"] as? [[String: Any]])?.first, answer.text)
                let shown = try XCTUnwrap(item["listing"] as? [String: Any], answer.text)
                XCTAssertEqual(shown["available"] as? Bool, false, "\(path): \(answer.text)")
                XCTAssertEqual(shown["title"] as? String, "No longer available")
            }
            let owner = try await server.request(.GET, "/connections/seller/requests", bearer: seller.token)
            XCTAssertTrue(owner.text.contains("Secret new draft title"), "the owner sees their own listing: \(owner.text)")

            let id = try XCTUnwrap(try asked.json()["id"] as? String)
            let accepted = try await server.request(.PUT, "/connections/\(id)/respond", body: json(["status": "accepted"]), bearer: seller.token)
            XCTAssertEqual(accepted.status, 200, accepted.text)
            let news = try await server.request(.GET, "/notifications", bearer: buyer.token)
            XCTAssertEqual(news.status, 200, news.text)
            XCTAssertTrue(news.text.contains("no longer available"), news.text)
            XCTAssertFalse(news.text.contains("Secret"), "the buyer's notification does not name the draft: \(news.text)")
        }
    }

    func testSavedListsAndConnectionsHideAListingOfASuspendedSeller() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let listing = try await published(server, seller: seller, title: "Dental practice in Leeds")
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings/\(listing)/save", body: json([:]), bearer: buyer.token).status, 201)
            await XCTAssertEqualAsync(try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Hi"]), bearer: buyer.token).status, 201)
            try await User.query(on: server.app.db).filter(\.$id == seller.id).set(\.$isSuspended, to: true).update()
            for path in ["/listings/saved", "/connections"] {
                let answer = try await server.request(.GET, path, bearer: buyer.token)
                XCTAssertEqual(answer.status, 200, answer.text)
                XCTAssertFalse(answer.text.contains("Dental practice in Leeds"), "\(path): \(answer.text)")
            }
        }
    }

    // MARK: a block holds

    func testAfterASellerBlocksTheBuyerCannotAskAboutAnyOfTheirListings() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let first = try await published(server, seller: seller, title: "Pharmacy in Camden")
            let second = try await published(server, seller: seller, title: "Optician in Bath")
            let asked = try await server.request(.POST, "/connections", body: json(["listing_id": first.uuidString, "message": "Hello"]), bearer: buyer.token)
            let id = try XCTUnwrap(try asked.json()["id"] as? String, asked.text)
            let blocked = try await server.request(.PUT, "/connections/\(id)/block", body: json(["reason": "spam"]), bearer: seller.token)
            XCTAssertEqual(blocked.status, 200, blocked.text)
            for listing in [first, second] {
                let again = try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Again"]), bearer: buyer.token)
                XCTAssertEqual(again.status, 403, again.text)
                XCTAssertEqual(slug(again), "blocked-by-seller")
                XCTAssertEqual(again.headers.first(name: .contentType), "application/problem+json")
            }
            await XCTAssertEqualAsync(try await Connection.query(on: server.app.db).count(), 1)
        }
    }

    // MARK: one reset, all reset tokens gone

    func testOneResetSpendsEveryResetTokenOfTheUser() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "forgot@example.com")
            for _ in 0..<2 {
                await XCTAssertEqualAsync(try await server.request(.POST, "/auth/forgot-password", body: json(["email": "forgot@example.com"])).status, 200)
            }
            let tokens = try resetTokens(server, to: "forgot@example.com")
            XCTAssertEqual(tokens.count, 2)
            let reset = try await server.request(.POST, "/auth/reset-password", body: json(["token": tokens[1], "new_password": "N3wPassword"]))
            XCTAssertEqual(reset.status, 204, reset.text)
            let older = try await server.request(.POST, "/auth/reset-password", body: json(["token": tokens[0], "new_password": "Oth3rPassword"]))
            XCTAssertEqual(older.status, 400, "the earlier token died with the reset: \(older.text)")
            XCTAssertEqual(slug(older), "invalid-reset-token")
            let login = try await server.request(.POST, "/auth/login", body: json(["email": "forgot@example.com", "password": "N3wPassword"]))
            XCTAssertEqual(login.status, 200, login.text)
        }
    }

    func testOneResetTokenSentTwentyFiveTimesAtOnceResetsOnce() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "race@example.com")
            await XCTAssertEqualAsync(try await server.request(.POST, "/auth/forgot-password", body: json(["email": "race@example.com"])).status, 200)
            let token = try XCTUnwrap(try resetTokens(server, to: "race@example.com").first)
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for index in 0..<25 {
                    group.addTask {
                        try await server.request(.POST, "/auth/reset-password", body: json(["token": token, "new_password": "N3wPassword\(index)"]))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            XCTAssertEqual(counts(answers), [204: 1, 400: 24])
        }
    }

    // MARK: no enumeration by answers

    func testVerifyAnswersAlikeForUnknownVerifiedAndUnverifiedEmails() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "verified@example.com")
            try await register(server, "pending@example.com")
            let code = try latestCode(server, to: "pending@example.com")
            let wrong = code == "000000" ? "111111" : "000000"
            var answers: [TestResponse] = []
            for email in ["nobody@example.com", "verified@example.com", "pending@example.com"] {
                answers.append(try await server.request(.POST, "/auth/verify-email", body: json(["email": email, "otp_code": wrong])))
            }
            XCTAssertEqual(answers.map(\.status), [400, 400, 400], answers.map(\.text).joined(separator: "\n"))
            XCTAssertEqual(Set(answers.map(sameness)).count, 1, answers.map(\.text).joined(separator: "\n"))
        }
    }

    func testResendAndForgotAnswerAlikeForKnownAndUnknownEmails() async throws {
        try await forEachDatabase { server in
            _ = try await account(server, .buyer, "known@example.com")
            for path in ["/auth/resend-otp", "/auth/forgot-password"] {
                let known = try await server.request(.POST, path, body: json(["email": "known@example.com"]))
                let unknown = try await server.request(.POST, path, body: json(["email": "other@example.com"]))
                XCTAssertEqual(known.status, unknown.status)
                XCTAssertEqual(sameness(known).replacingOccurrences(of: "known@example.com", with: "X"), sameness(unknown).replacingOccurrences(of: "other@example.com", with: "X"))
            }
        }
    }

    // MARK: DELETE /listings/{id}

    func testAnAdminMayDeleteAListing() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let admin = try await account(server, .admin, "admin@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let listing = try await published(server, seller: seller, title: "Care home in York")
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(listing)", bearer: buyer.token).status, 403)
            let deleted = try await server.request(.DELETE, "/listings/\(listing)", bearer: admin.token)
            XCTAssertEqual(deleted.status, 204, deleted.text)
            await XCTAssertEqualAsync(try await Listing.find(listing, on: server.app.db) == nil, true)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(UUID())", bearer: admin.token).status, 404)
        }
    }
}

// MARK: requests from another client address

struct RawResponse {
    let status: Int
    /// The status line and header lines, as sent.
    let head: String
    let body: String
}

/// POSTs JSON over a plain socket bound to `source` (any 127.0.0.0/8 address on loopback), so the
/// server sees another client address than the test's HTTP client has.
func rawPost(_ server: TestServer, _ path: String, _ body: String, from source: String) async throws -> RawResponse {
    let port = server.baseURL.port ?? 0
    let request = [
        "POST /api/v1\(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Content-Type: application/json",
        "Content-Length: \(body.utf8.count)", "Connection: close", "", body,
    ].joined(separator: "\r\n")
    // A thread of its own: the socket calls block, and the concurrency pool must stay free for the server.
    return try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try rawExchange(port: port, source: source, pieces: [Data(request.utf8)]) }) }.start()
    }
}

/// Sends `pieces` one after another over a plain socket (bound to `source` when given), calling
/// `beforePiece` with each piece's index before it is sent, and reads the answer to the end.
/// The calls block: run it on a thread of its own.
func rawExchange(port: Int, source: String? = nil, pieces: [Data], beforePiece: (Int) throws -> Void = { _ in }) throws -> RawResponse {
    let connection = try RawConnection(port: port, source: source, timeout: 120)
    for (index, piece) in pieces.enumerated() {
        try beforePiece(index)
        try connection.send(piece)
    }
    let text = try connection.readToEnd()
    let statusLine = text.prefix { $0 != "\r" }.split(separator: " ")
    guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestSupportError("no HTTP answer: \(text)") }
    let split = text.range(of: "\r\n\r\n")
    return RawResponse(
        status: status, head: split.map { String(text[..<$0.lowerBound]) } ?? text,
        body: split.map { String(text[$0.upperBound...]) } ?? "")
}

/// An HTTP/1.1 connection over a plain blocking socket (from `source`, any 127.0.0.0/8 address,
/// when given), with send and receive time-outs so that a server that stops reading or answering
/// fails the test instead of holding it.
final class RawConnection {
    private let descriptor: Int32
    private var pending: [UInt8] = []

    init(port: Int, source: String? = nil, timeout seconds: Int = 15) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSupportError("socket: \(errno)") }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func address(_ host: String, _ port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            return address
        }
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = descriptor
        do {
            if let source {
                var local = address(source, 0)
                guard withUnsafePointer(to: &local, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }) == 0 else {
                    throw TestSupportError("bind \(source): \(errno)")
                }
            }
            var remote = address("127.0.0.1", port)
            guard withUnsafePointer(to: &remote, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, size) } }) == 0 else {
                throw TestSupportError("connect: \(errno)")
            }
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(descriptor) }

    func send(_ data: Data) throws {
        let bytes = [UInt8](data)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw TestSupportError("send stopped after \(sent) of \(bytes.count) bytes (errno \(errno)): the server is not reading") }
            sent += n
        }
    }

    /// Everything the server sends until it closes the connection.
    func readToEnd() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw TestSupportError("the answer stopped before the connection closed (errno \(errno))") }
            pending += buffer[0..<n]
        }
        defer { pending = [] }
        return String(decoding: pending, as: UTF8.self)
    }

    /// The next response: its status and body (read to its Content-Length).
    func readResponse() throws -> (status: Int, body: String) {
        func fill() throws {
            var buffer = [UInt8](repeating: 0, count: 16 << 10)
            let n = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw TestSupportError("no answer (recv \(n), errno \(errno))") }
            pending += buffer[0..<n]
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            end = pending.indices.dropLast(3).first { Array(pending[$0..<$0 + 4]) == separator }
            if end == nil { try fill() }
        }
        let headEnd = end! + 4
        let head = String(decoding: pending[..<headEnd], as: UTF8.self)
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        let length = head.split(separator: "\r\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        while pending.count < headEnd + length { try fill() }
        let body = String(decoding: pending[headEnd..<headEnd + length], as: UTF8.self)
        pending.removeFirst(headEnd + length)
        return (status, body)
    }
}
