@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// `/api/v1/services` and the admin desk: the workflow per actor, who sees what, the thread with
/// polling, documents checked by content, notifications and mail, on SQLite and PostgreSQL.
final class ServicesTests: XCTestCase {
    struct Cast {
        let buyer: Account
        let seller: Account
        let stranger: Account
        let admin: Account
        let otherAdmin: Account
        let listing: UUID
        let connection: String
    }

    /// A buyer talking to a seller about a listing (so the buyer may ask for help about it), two
    /// admins and a stranger; the demo providers exist.
    func cast(_ server: TestServer) async throws -> Cast {
        try await DemoServiceProviders.seed(on: server.app.db)
        let seller = try await account(server, .seller, "seller@example.com")
        let buyer = try await account(server, .buyer, "buyer@example.com")
        let stranger = try await account(server, .buyer, "stranger@example.com")
        let admin = try await account(server, .admin, "admin@example.com")
        let otherAdmin = try await account(server, .admin, "admin2@example.com")
        let listing = try await published(server, seller: seller, title: "Pharmacy in Camden", exactAddress: "1 High St, Camden")
        let asked = try await server.request(.POST, "/connections", body: json(["listing_id": listing.uuidString, "message": "Is it still for sale?"]), bearer: buyer.token)
        let connection = try XCTUnwrap(try asked.json()["id"] as? String, asked.text)
        return Cast(buyer: buyer, seller: seller, stranger: stranger, admin: admin, otherAdmin: otherAdmin, listing: listing, connection: connection)
    }

    func provider(_ server: TestServer, _ name: String) async throws -> String {
        try await ServiceProvider.query(on: server.app.db).filter(\.$companyName == name).first()!.requireID().uuidString
    }

    static let valuer = "Hartley Healthcare Valuers"
    static let lawyers = "Pennine Medical Law LLP"

    func ask(_ server: TestServer, _ who: Account, _ fields: [String: Any] = [:]) async throws -> TestResponse {
        var body: [String: Any] = [
            "service_type": "valuation", "title": "Valuation of the Camden pharmacy",
            "description": "Please value this pharmacy before I make an offer.", "urgency": "high",
        ]
        body.merge(fields) { $1 }
        return try await server.request(.POST, "/services", body: json(body), bearer: who.token)
    }

    func requestID(_ server: TestServer, _ who: Account, _ fields: [String: Any] = [:]) async throws -> String {
        let response = try await ask(server, who, fields)
        XCTAssertEqual(response.status, 201, response.text)
        return try XCTUnwrap(try response.json()["id"] as? String, response.text)
    }

    func put(_ server: TestServer, _ id: String, _ body: [String: Any], _ who: Account, admin: Bool = false) async throws -> TestResponse {
        try await server.request(.PUT, admin ? "/admin/service-requests/\(id)" : "/services/\(id)", body: json(body), bearer: who.token)
    }

    func items(_ response: TestResponse) throws -> [[String: Any]] {
        try XCTUnwrap(try response.json()["items"] as? [[String: Any]], response.text)
    }

    func serviceNotifications(_ server: TestServer, _ who: Account) async throws -> [[String: Any]] {
        try items(try await server.request(.GET, "/notifications?type=service_request", bearer: who.token))
    }

    func documentForm(_ data: Data, type: String? = "valuation_report", sender: String? = nil, fileName: String = "report.pdf") -> MultipartFormData {
        var form = MultipartFormData()
        if let type { form.addText("document_type", type) }
        if let sender { form.addText("sender_type", sender) }
        form.addFile("file", fileName: fileName, data: data)
        return form
    }

    static let pdf = Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data(repeating: 0x42, count: 64)
    /// The parts a Word document's archive names in its local file headers.
    static let docx: Data = zipEntry("[Content_Types].xml") + zipEntry("word/document.xml")
    static let zip: Data = zipEntry("notes.txt")

    /// A local file header (signature, 26 bytes of fields) with its name and a few bytes of content.
    static func zipEntry(_ name: String) -> Data {
        var entry = Data([0x50, 0x4B, 0x03, 0x04])
        entry.append(Data(repeating: 0, count: 26))
        entry.append(Data(name.utf8))
        entry.append(Data(repeating: 7, count: 20))
        return entry
    }

    // MARK: the workflow, actor by actor

    func testBuyerAsksDeskAssignsProviderAnswersWithReportAndCompletes() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let created = try await ask(server, c.buyer, ["listing_id": c.listing.uuidString])
            XCTAssertEqual(created.status, 201, created.text)
            let request = try created.json()
            let id = try XCTUnwrap(request["id"] as? String)
            XCTAssertEqual(request["status"] as? String, "submitted")
            XCTAssertEqual(request["listing_title"] as? String, "Pharmacy in Camden")
            XCTAssertEqual(request["urgency"] as? String, "high")
            XCTAssertFalse(created.text.contains("1 High St"), "a request never carries the listing's confidential fields")
            await XCTAssertEqualAsync(try await serviceNotifications(server, c.admin).first?["action_url"] as? String, "/api/v1/services/\(id)")

            // The requester edits while it waits, and may not move it along.
            let edited = try await put(server, id, ["title": "Valuation of the pharmacy in Camden", "urgency": "urgent"], c.buyer)
            XCTAssertEqual(edited.status, 200, edited.text)
            XCTAssertEqual(try edited.json()["urgency"] as? String, "urgent")
            await XCTAssertEqualAsync(try await put(server, id, ["status": "in_review"], c.buyer).status, 403)

            // The desk reviews, may not edit the requester's words, and assigns a provider.
            let reviewed = try await put(server, id, ["status": "in_review"], c.admin, admin: true)
            XCTAssertEqual(reviewed.status, 200, reviewed.text)
            XCTAssertNotNil(try reviewed.json()["reviewed_at"] as? String)
            await XCTAssertEqualAsync(try await put(server, id, ["title": "Something else entirely"], c.admin).status, 403)
            await XCTAssertEqualAsync(try await put(server, id, ["status": "assigned"], c.admin, admin: true).status, 409, "assigning needs a provider")
            let wrongFirm = try await put(server, id, ["provider_id": try await provider(server, Self.lawyers)], c.admin, admin: true)
            XCTAssertEqual(wrongFirm.status, 422, wrongFirm.text)
            XCTAssertTrue(wrongFirm.text.contains("does not offer valuation"), wrongFirm.text)
            let assigned = try await put(server, id, ["status": "assigned", "provider_id": try await provider(server, Self.valuer), "note": "Hartley will call you."], c.admin, admin: true)
            XCTAssertEqual(assigned.status, 200, assigned.text)
            XCTAssertEqual(try assigned.json()["status"] as? String, "assigned")
            XCTAssertEqual((try assigned.json()["provider"] as? [String: Any])?["company_name"] as? String, Self.valuer)
            await XCTAssertEqualAsync(try await put(server, id, ["title": "Too late to edit this"], c.buyer).status, 409)

            // The desk writes and uploads on the provider's behalf; the requester answers.
            let asProvider = try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "We will visit on Monday.", "sender_type": "provider"]), bearer: c.admin.token)
            XCTAssertEqual(asProvider.status, 201, asProvider.text)
            XCTAssertEqual(try asProvider.json()["sender_name"] as? String, Self.valuer)
            let reply = try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "Monday suits me."]), bearer: c.buyer.token)
            XCTAssertEqual(try reply.json()["sender_type"] as? String, "user")
            await XCTAssertEqualAsync(try await put(server, id, ["status": "in_progress"], c.admin, admin: true).status, 200)
            let report = try await server.upload("/services/\(id)/documents", documentForm(Self.pdf, sender: "provider", fileName: "valuation.pdf"), bearer: c.admin.token)
            XCTAssertEqual(report.status, 201, report.text)
            XCTAssertEqual(try report.json()["sender_type"] as? String, "provider")
            await XCTAssertEqualAsync(try await put(server, id, ["status": "completed"], c.admin, admin: true).status, 200)
            await XCTAssertEqualAsync(try await put(server, id, ["status": "cancelled"], c.buyer).status, 409, "too late to cancel")

            // The requester sees it all, and downloads the report.
            let thread = try items(try await server.request(.GET, "/services/\(id)/communications", bearer: c.buyer.token))
            XCTAssertEqual(thread.compactMap { $0["sender_type"] as? String }, ["admin", "provider", "user"])
            XCTAssertEqual(thread.first?["message"] as? String, "Hartley will call you.", "the desk's note goes in the thread")
            let documents = try items(try await server.request(.GET, "/services/\(id)/documents", bearer: c.buyer.token))
            let url = try XCTUnwrap(documents.first?["url"] as? String)
            let download = try await server.request(.GET, String(url.dropFirst("/api/v1".count)), bearer: c.buyer.token)
            XCTAssertEqual(download.status, 200, download.text)
            XCTAssertEqual(download.body, Self.pdf)
            XCTAssertEqual(download.headers.first(name: "Content-Disposition")?.contains("valuation.pdf"), true)
            let final = try await server.request(.GET, "/services/\(id)", bearer: c.buyer.token).json()
            XCTAssertEqual(final["status"] as? String, "completed")
            XCTAssertNotNil(final["completed_at"] as? String)

            // Every change by the desk reached the requester, in the app and by mail.
            let news = try await serviceNotifications(server, c.buyer)
            XCTAssertEqual(news.count, 6, news.map { $0["title"] as? String ?? "" }.joined(separator: " | "))
            XCTAssertEqual(try server.outbox().filter { $0.contains("buyer@example.com") }.count, 6)
            XCTAssertTrue(try server.outbox().contains { $0.contains("buyer@example.com") && $0.contains("completed") })
        }
    }

    func testTheRequesterCancelsBeforeWorkStartsAndNotAfter() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let first = try await requestID(server, c.seller, ["listing_id": c.listing.uuidString, "service_type": "legal", "title": "Review the sale agreement"])
            await XCTAssertEqualAsync(try await put(server, first, ["status": "cancelled"], c.admin, admin: true).status, 403, "only the requester cancels")
            let cancelled = try await put(server, first, ["status": "cancelled"], c.seller)
            XCTAssertEqual(cancelled.status, 200, cancelled.text)
            XCTAssertNotNil(try cancelled.json()["cancelled_at"] as? String)
            await XCTAssertEqualAsync(try await serviceNotifications(server, c.otherAdmin).first?["title"] as? String,
                                      "Service request cancelled: Review the sale agreement", "every admin hears of a cancellation")
            let late = try await server.request(.POST, "/services/\(first)/communications", body: json(["message": "Hello?"]), bearer: c.seller.token)
            XCTAssertEqual(late.status, 409, late.text)

            let second = try await requestID(server, c.buyer, ["provider_id": try await provider(server, Self.valuer)])
            for step in ["in_review", "assigned", "in_progress"] {
                await XCTAssertEqualAsync(try await put(server, second, ["status": step], c.admin, admin: true).status, 200, step)
            }
            let refused = try await put(server, second, ["status": "cancelled"], c.buyer)
            XCTAssertEqual(refused.status, 409, refused.text)
            XCTAssertTrue(refused.text.contains("no longer be cancelled"), refused.text)
            await XCTAssertEqualAsync(try await put(server, second, ["status": "submitted"], c.admin, admin: true).status, 409, "no step back")
        }
    }

    func testTwoAdminsMovingTheSameRequestAtOnceOneWins() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            for _ in 0..<3 {
                let id = try await requestID(server, c.buyer)
                let body = json(["status": "in_review"])
                let path = "/admin/service-requests/\(id)"
                let (one, other) = (c.admin.token, c.otherAdmin.token)
                async let first = server.request(.PUT, path, body: body, bearer: one)
                async let second = server.request(.PUT, path, body: body, bearer: other)
                let statuses = try await [first.status, second.status].sorted()
                XCTAssertEqual(statuses, [200, 409])
            }
        }
    }

    /// The guard behind the 409, without relying on timing: a change made from a status the request
    /// has left applies to nothing.
    func testAChangeFromAStaleStatusAppliesToNothing() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let created = try await requestID(server, c.buyer)
            let id = try XCTUnwrap(UUID(uuidString: created))
            let sql = server.app.db.sql
            func move(from: ServiceRequest.Status, to: ServiceRequest.Status) async throws -> Bool {
                try await ServicesService.apply(id, ifStill: from, on: sql, at: Date()) { $0.set("status", to: to.rawValue) }
            }
            await XCTAssertEqualAsync(try await move(from: .submitted, to: .inReview), true)
            await XCTAssertEqualAsync(try await move(from: .submitted, to: .inReview), false, "the second admin read submitted")
            await XCTAssertEqualAsync(try await move(from: .inReview, to: .assigned), true)
            await XCTAssertEqualAsync(try await ServiceRequest.find(id, on: server.app.db)?.status, .assigned)
        }
    }

    func testRequestsReferOnlyToListingsAndConnectionsOfTheirOwn() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let unasked = try await ask(server, c.stranger, ["listing_id": c.listing.uuidString])
            XCTAssertEqual(unasked.status, 422, unasked.text)
            XCTAssertNotNil((try unasked.json()["errors"] as? [String: Any])?["listing_id"])
            let foreign = try await ask(server, c.stranger, ["connection_id": c.connection])
            XCTAssertEqual(foreign.status, 422, foreign.text)
            let viaConnection = try await ask(server, c.buyer, ["connection_id": c.connection])
            XCTAssertEqual(viaConnection.status, 201, viaConnection.text)
            XCTAssertEqual(try viaConnection.json()["listing_id"] as? String, c.listing.uuidString, "the connection's listing")
            let owner = try await ask(server, c.seller, ["listing_id": c.listing.uuidString])
            XCTAssertEqual(owner.status, 201, owner.text)
            await XCTAssertEqualAsync(try await ask(server, c.admin).status, 403, "the desk does not ask itself")
            let invalid = try await ask(server, c.buyer, ["title": "Hi", "description": "short"])
            XCTAssertEqual(invalid.status, 422, invalid.text)
            XCTAssertEqual(Set(((try invalid.json()["errors"] as? [String: Any]) ?? [:]).keys), ["title", "description"])
        }
    }

    /// The saved list's rule: a request shows its listing's title only while the requester could
    /// see the listing elsewhere; a new request about a listing they cannot see is refused as the
    /// listing's page refuses it.
    func testAnArchivedAndRenamedListingIsNoLongerAvailableThroughServices() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let buyers = try await requestID(server, c.buyer, ["listing_id": c.listing.uuidString])
            let sellers = try await requestID(server, c.seller, ["listing_id": c.listing.uuidString])
            let accepted = try await server.request(.PUT, "/connections/\(c.connection)/respond", body: json(["status": "accepted"]), bearer: c.seller.token)
            XCTAssertEqual(accepted.status, 200, "even an accepted buyer does not see an archived listing: \(accepted.text)")
            for change in [["status": "archived"], ["title": "Closing down sale, do not tell"]] {
                let changed = try await server.request(.PUT, "/listings/\(c.listing)", body: json(change), bearer: c.seller.token)
                XCTAssertEqual(changed.status, 200, changed.text)
            }
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(c.listing)", bearer: c.buyer.token).status, 404)

            let detail = try await server.request(.GET, "/services/\(buyers)", bearer: c.buyer.token)
            XCTAssertEqual(detail.status, 200, detail.text)
            XCTAssertEqual(try detail.json()["listing_title"] as? String, "No longer available")
            let list = try await server.request(.GET, "/services", bearer: c.buyer.token)
            XCTAssertEqual(try items(list).compactMap { $0["listing_title"] as? String }, ["No longer available"])
            for answer in [detail, list] {
                XCTAssertFalse(answer.text.contains("Closing down"), answer.text)
            }
            for fields in [["listing_id": c.listing.uuidString], ["connection_id": c.connection]] {
                let refused = try await ask(server, c.buyer, fields)
                XCTAssertEqual(refused.status, 404, "\(fields): \(refused.text)")
                XCTAssertEqual(refused.headers.first(name: .contentType), "application/problem+json")
            }
            await XCTAssertEqualAsync(try await ServiceRequest.query(on: server.app.db).count(), 2, "nothing made by the refused ones")

            let own = try await server.request(.GET, "/services/\(sellers)", bearer: c.seller.token)
            XCTAssertEqual(try own.json()["listing_title"] as? String, "Closing down sale, do not tell", "the owner sees their listing as it is")
            let desk = try items(try await server.request(.GET, "/admin/service-requests", bearer: c.admin.token))
            XCTAssertEqual(Set(desk.compactMap { $0["listing_title"] as? String }), ["Closing down sale, do not tell"], "admins see every listing")
            let asOwner = try await ask(server, c.seller, ["listing_id": c.listing.uuidString])
            XCTAssertEqual(asOwner.status, 201, asOwner.text)
        }
    }

    // MARK: nobody else sees a request

    func testEveryOperationOnAForeignRequestAnswers404() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer, ["listing_id": c.listing.uuidString])
            let document = try await server.upload("/services/\(id)/documents", documentForm(Self.pdf, type: "accounts"), bearer: c.buyer.token)
            let documentID = try XCTUnwrap(try document.json()["id"] as? String, document.text)
            let message = try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "Here are the accounts."]), bearer: c.buyer.token)
            let messageID = try XCTUnwrap(try message.json()["id"] as? String, message.text)

            // The stranger, and the seller of the listing the request is about.
            for outsider in [c.stranger, c.seller] {
                let answers: [(String, TestResponse)] = [
                    ("GET", try await server.request(.GET, "/services/\(id)", bearer: outsider.token)),
                    ("PUT", try await put(server, id, ["status": "cancelled"], outsider)),
                    ("GET thread", try await server.request(.GET, "/services/\(id)/communications", bearer: outsider.token)),
                    ("POST thread", try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "Hi"]), bearer: outsider.token)),
                    ("PUT read", try await server.request(.PUT, "/services/\(id)/communications/\(messageID)/read", bearer: outsider.token)),
                    ("GET documents", try await server.request(.GET, "/services/\(id)/documents", bearer: outsider.token)),
                    ("POST documents", try await server.upload("/services/\(id)/documents", documentForm(Self.pdf), bearer: outsider.token)),
                    ("GET document", try await server.request(.GET, "/services/\(id)/documents/\(documentID)", bearer: outsider.token)),
                ]
                for (what, answer) in answers {
                    XCTAssertEqual(answer.status, 404, "\(what): \(answer.text)")
                    XCTAssertFalse(answer.text.contains("Camden"), what)
                }
                let theirs = try items(try await server.request(.GET, "/services", bearer: outsider.token))
                XCTAssertEqual(theirs.count, 0)
                await XCTAssertEqualAsync(try await server.request(.GET, "/admin/service-requests", bearer: outsider.token).status, 403)
                await XCTAssertEqualAsync(try await put(server, id, ["status": "in_review"], outsider, admin: true).status, 403)
            }
            let unknown = UUID().uuidString
            await XCTAssertEqualAsync(try await server.request(.GET, "/services/\(unknown)", bearer: c.admin.token).status, 404)
            await XCTAssertEqualAsync(try await server.request(.GET, "/services/\(id)/documents/\(unknown)", bearer: c.buyer.token).status, 404)
            await XCTAssertEqualAsync(try await server.request(.GET, "/services/\(id)", bearer: c.admin.token).status, 200, "admins see every request")
        }
    }

    // MARK: documents

    func testDocumentsAreCheckedByContent() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer)
            let text = try await server.upload("/services/\(id)/documents", documentForm(Data("not a pdf\n".utf8), fileName: "accounts.pdf"), bearer: c.buyer.token)
            XCTAssertEqual(text.status, 415, text.text)
            XCTAssertTrue(text.text.contains("PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx)"), text.text)
            let archive = try await server.upload("/services/\(id)/documents", documentForm(Self.zip, fileName: "lease.docx"), bearer: c.buyer.token)
            XCTAssertEqual(archive.status, 415, "a ZIP that is no Office document: \(archive.text)")
            await XCTAssertEqualAsync(try await server.upload("/services/\(id)/documents", documentForm(Data()), bearer: c.buyer.token).status, 422)
            let badType = try await server.upload("/services/\(id)/documents", documentForm(Self.pdf, type: "shopping_list"), bearer: c.buyer.token)
            XCTAssertEqual(badType.status, 422, badType.text)
            XCTAssertTrue(badType.text.contains("valuation_report"), badType.text)
            let impersonating = try await server.upload("/services/\(id)/documents", documentForm(Self.pdf, sender: "provider"), bearer: c.buyer.token)
            XCTAssertEqual(impersonating.status, 403, impersonating.text)
            let noProvider = try await server.upload("/services/\(id)/documents", documentForm(Self.pdf, sender: "provider"), bearer: c.admin.token)
            XCTAssertEqual(noProvider.status, 409, "nobody to upload for yet: \(noProvider.text)")
            let big = Data("%PDF-".utf8) + Data(repeating: 0x20, count: ServicesService.documentLimit)
            await XCTAssertEqualAsync(try await server.upload("/services/\(id)/documents", documentForm(big), bearer: c.buyer.token).status, 413)

            let word = try await server.upload("/services/\(id)/documents", documentForm(Self.docx, type: "lease", fileName: "../../lease.docx"), bearer: c.buyer.token)
            XCTAssertEqual(word.status, 201, word.text)
            XCTAssertEqual(try word.json()["content_type"] as? String, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            XCTAssertEqual(try word.json()["file_name"] as? String, "lease.docx")
            let image = try await server.upload("/services/\(id)/documents", documentForm(Self.png, type: nil, fileName: "photo.png"), bearer: c.buyer.token)
            XCTAssertEqual(try image.json()["document_type"] as? String, "other")
            let listed = try items(try await server.request(.GET, "/services/\(id)/documents", bearer: c.admin.token))
            XCTAssertEqual(listed.compactMap { $0["file_name"] as? String }, ["photo.png", "lease.docx"], "newest first")
            let download = try await server.request(.GET, "/services/\(id)/documents/\(try XCTUnwrap(listed.last?["id"] as? String))", bearer: c.admin.token)
            XCTAssertEqual(download.body, Self.docx)
        }
    }

    // MARK: the thread

    func testTheThreadPollsWithETagAndAfter() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let id = try await requestID(server, c.buyer)
            let first = try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "Is anyone there?"]), bearer: c.buyer.token)
            let firstID = try XCTUnwrap(try first.json()["id"] as? String)
            let deskNews = try await serviceNotifications(server, c.admin).compactMap { $0["title"] as? String }
            XCTAssertTrue(deskNews.contains("New message on \"Valuation of the Camden pharmacy\""), "the desk hears of the requester's messages: \(deskNews)")
            let page = try await server.request(.GET, "/services/\(id)/communications", bearer: c.buyer.token)
            let tag = try XCTUnwrap(page.headers.first(name: .eTag))
            let unchanged = try await server.request(.GET, "/services/\(id)/communications", headers: ["If-None-Match": tag], bearer: c.buyer.token)
            XCTAssertEqual(unchanged.status, 304)

            _ = try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "Yes, we are reviewing it."]), bearer: c.admin.token)
            let changed = try await server.request(.GET, "/services/\(id)/communications", headers: ["If-None-Match": tag], bearer: c.buyer.token)
            XCTAssertEqual(changed.status, 200)
            XCTAssertNotEqual(changed.headers.first(name: .eTag), tag)
            let newer = try items(try await server.request(.GET, "/services/\(id)/communications?after=\(firstID)", bearer: c.buyer.token))
            XCTAssertEqual(newer.compactMap { $0["message"] as? String }, ["Yes, we are reviewing it."])
            XCTAssertEqual(newer.first?["sender_name"] as? String, "Eaglehurst service desk")
            await XCTAssertEqualAsync(try await server.request(.GET, "/services/\(id)/communications?after=\(UUID())", bearer: c.buyer.token).status, 422)

            // Read marks, as in connection threads: each side reads the other's messages.
            func unread(_ who: Account) async throws -> Int? {
                try await server.request(.GET, "/services/\(id)", bearer: who.token).json()["unread_count"] as? Int
            }
            await XCTAssertEqualAsync(try await unread(c.buyer), 1)
            await XCTAssertEqualAsync(try await unread(c.admin), 1)
            let deskMessage = try XCTUnwrap(newer.first?["id"] as? String)
            XCTAssertEqual(newer.first?["is_read"] as? Bool, false)
            let seenTag = try XCTUnwrap(changed.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await server.request(.PUT, "/services/\(id)/communications/\(deskMessage)/read", bearer: c.buyer.token).status, 204)
            await XCTAssertEqualAsync(try await unread(c.buyer), 0)
            await XCTAssertEqualAsync(try await unread(c.admin), 1, "the desk has not read the requester's message")
            let reread = try await server.request(.GET, "/services/\(id)/communications", headers: ["If-None-Match": seenTag], bearer: c.admin.token)
            XCTAssertEqual(reread.status, 200, "a read mark changes the thread")
            XCTAssertEqual(try items(reread).last?["is_read"] as? Bool, true, "the desk sees the requester has read its answer")
            let unreadNews = try items(try await server.request(.GET, "/notifications?type=service_request&unread_only=true", bearer: c.buyer.token))
            XCTAssertEqual(unreadNews.count, 0, "reading the thread to its end reads the request's notifications")
            await XCTAssertEqualAsync(try await server.request(.PUT, "/services/\(id)/communications/\(firstID)/read", bearer: c.admin.token).status, 204)
            await XCTAssertEqualAsync(try await unread(c.admin), 0)
            let empty = try await server.request(.POST, "/services/\(id)/communications", body: json(["message": "   "]), bearer: c.buyer.token)
            XCTAssertEqual(empty.status, 422, empty.text)
            await XCTAssertEqualAsync(try await serviceNotifications(server, c.buyer).first?["title"] as? String, "New message on your request \"Valuation of the Camden pharmacy\"")

            // The request itself answers 304 until the desk moves it.
            let before = try await server.request(.GET, "/services/\(id)", bearer: c.buyer.token)
            let requestTag = try XCTUnwrap(before.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await server.request(.GET, "/services/\(id)", headers: ["If-None-Match": requestTag], bearer: c.buyer.token).status, 304)
            _ = try await put(server, id, ["status": "in_review"], c.admin, admin: true)
            let moved = try await server.request(.GET, "/services/\(id)", headers: ["If-None-Match": requestTag], bearer: c.buyer.token)
            XCTAssertEqual(moved.status, 200)
            XCTAssertEqual(try moved.json()["status"] as? String, "in_review")
        }
    }

    // MARK: catalogue and the desk's queue

    func testTemplatesAndProvidersFilter() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let templates = try items(try await server.request(.GET, "/services/templates?per_page=100", bearer: c.buyer.token))
            XCTAssertTrue(Set(templates.compactMap { $0["template_name"] as? String }).isSuperset(of: [
                "Business valuation", "Due diligence", "Sale and purchase agreement review", "CQC or GPhC registration transfer",
                "Lease assignment", "NHS contract transfer",
            ]))
            let legal = try items(try await server.request(.GET, "/services/templates?service_type=legal", bearer: c.buyer.token))
            XCTAssertEqual(Set(legal.compactMap { $0["service_type"] as? String }), ["legal"])

            let valuers = try items(try await server.request(.GET, "/services/providers?service_type=valuation", bearer: c.buyer.token))
            XCTAssertEqual(valuers.compactMap { $0["company_name"] as? String },
                           [Self.valuer, "Caledonian Healthcare Advisory", "Severn Practice Partners"], "best rated first")
            let north = try items(try await server.request(.GET, "/services/providers?region=north%20west", bearer: c.buyer.token))
            XCTAssertEqual(north.compactMap { $0["company_name"] as? String }, [Self.lawyers, "Clarke & Osei Accountants"], "national firms work everywhere")
            await XCTAssertEqualAsync(try await server.request(.GET, "/services/providers?region=%20", bearer: c.buyer.token).status, 422)
        }
    }

    func testTheDeskQueueIsMostUrgentThenOldestFirst() async throws {
        try await forEachDatabase { server in
            let c = try await cast(server)
            let low = try await requestID(server, c.buyer, ["urgency": "low"])
            let urgent = try await requestID(server, c.seller, ["urgency": "urgent"])
            let olderHigh = try await requestID(server, c.buyer, ["urgency": "high"])
            let newerHigh = try await requestID(server, c.stranger, ["urgency": "high"])
            let queue = try items(try await server.request(.GET, "/admin/service-requests", bearer: c.admin.token))
            XCTAssertEqual(queue.compactMap { $0["id"] as? String }, [urgent, olderHigh, newerHigh, low])
            _ = try await put(server, low, ["status": "cancelled"], c.buyer)
            let open = try items(try await server.request(.GET, "/admin/service-requests?open=true&urgency=low", bearer: c.admin.token))
            XCTAssertEqual(open.count, 0)
            let mine = try items(try await server.request(.GET, "/services?status=submitted", bearer: c.buyer.token))
            XCTAssertEqual(mine.compactMap { $0["id"] as? String }, [olderHigh], "the requester's own, newest first, by status")
        }
    }

    // MARK: plain rules

    func testWorkflowRules() throws {
        typealias W = ServiceWorkflow
        XCTAssertNoThrow(try W.check(.submitted, to: .inReview, by: .admin, hasProvider: false))
        XCTAssertNoThrow(try W.check(.inReview, to: .assigned, by: .admin, hasProvider: true))
        XCTAssertThrowsError(try W.check(.inReview, to: .assigned, by: .admin, hasProvider: false))
        XCTAssertThrowsError(try W.check(.submitted, to: .completed, by: .admin, hasProvider: true))
        XCTAssertThrowsError(try W.check(.assigned, to: .cancelled, by: .admin, hasProvider: true))
        XCTAssertNoThrow(try W.check(.assigned, to: .cancelled, by: .requester, hasProvider: true))
        XCTAssertThrowsError(try W.check(.inProgress, to: .cancelled, by: .requester, hasProvider: true))
        XCTAssertThrowsError(try W.check(.submitted, to: .inReview, by: .requester, hasProvider: false)) { error in
            guard case .notYours = error as? W.Refusal else { return XCTFail("\(error)") }
        }
    }

    /// A skin-tone emoji is one `Character` but two code points; the contract's lengths count code points.
    func testLengthsAreCountedInCodePointsAsTheContractCountsThem() {
        let waves = String(repeating: "👋🏻", count: 3)
        XCTAssertEqual(waves.count, 3)
        var errors: [String: [String]] = [:]
        _ = ServicesService.text(waves, field: "message", min: 1, max: 5, into: &errors)
        XCTAssertEqual(errors["message"], ["must be at most 5 characters"])
        guard case .invalid = ProfileRules.optionalText(waves, max: 5) else { return XCTFail("6 code points pass a limit of 5") }
    }

    func testOfficeDocumentsAreRecognisedByTheirParts() {
        XCTAssertEqual(DetectedFileType.detect(Self.docx), .docx)
        let xlsx = Self.zipEntry("[Content_Types].xml") + Self.zipEntry("xl/workbook.xml")
        XCTAssertEqual(DetectedFileType.detect(xlsx), .xlsx)
        XCTAssertNil(DetectedFileType.detect(Self.zip))
    }
}
