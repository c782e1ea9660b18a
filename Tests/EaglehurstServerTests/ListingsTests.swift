@testable import EaglehurstServer
import EaglehurstTestSupport
import Fluent
import Foundation
import SQLKit
import Vapor
import XCTest

/// `/api/v1/listings` and the admin moderation operations, on SQLite and PostgreSQL.
final class ListingsTests: XCTestCase {
    func listingBody(_ overrides: [String: Any] = [:]) -> String {
        var body: [String: Any] = [
            "title": "Busy dental practice in Leeds", "description": "Four surgeries, NHS and private patients, long-serving team.",
            "business_type": "dental_practice", "location": "Leeds", "region": "Yorkshire", "asking_price": 850_000,
            "annual_revenue": 1_200_000, "net_profit": 240_000, "staff_count": 14, "tenure": "leasehold",
            "year_established": 1998, "reason_for_sale": "Retirement",
            "exact_address": "12 Park Row, Leeds", "postcode": "LS1 5HD", "trading_name": "Park Row Dental",
        ]
        body.merge(overrides) { _, new in new }
        return json(body)
    }

    func create(_ server: TestServer, _ seller: Account, _ overrides: [String: Any] = [:]) async throws -> String {
        let response = try await server.request(.POST, "/listings", body: listingBody(overrides), bearer: seller.token)
        XCTAssertEqual(response.status, 201, response.text)
        return try XCTUnwrap(try response.json()["id"] as? String)
    }

    func errors(_ response: TestResponse) -> [String: [String]] {
        ((try? response.json())?["errors"] as? [String: [String]]) ?? [:]
    }

    func titles(_ response: TestResponse) throws -> [String] {
        (try response.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
    }

    // MARK: the whole flow

    func testSellerSubmitsAdminApprovesBuyerFindsAndSaves() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "seller@example.com")
            let buyer = try await account(server, .buyer, "buyer@example.com")
            let admin = try await account(server, .admin, "admin@example.com")

            let id = try await create(server, seller, ["status": "draft"])
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).status, 404, "drafts are private")
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)").status, 404)

            let submit = try await server.request(.PUT, "/listings/\(id)", body: json(["status": "pending_approval"]), bearer: seller.token)
            XCTAssertEqual(submit.status, 200, submit.text)
            XCTAssertEqual(try submit.json()["status"] as? String, "pending_approval")

            let queue = try await server.request(.GET, "/admin/listings?status=pending_approval", bearer: admin.token)
            XCTAssertEqual(queue.status, 200, queue.text)
            XCTAssertEqual(try titles(queue), ["Busy dental practice in Leeds"])
            await XCTAssertEqualAsync(try await server.request(.GET, "/admin/listings", bearer: seller.token).status, 403)

            let approve = try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token)
            XCTAssertEqual(approve.status, 200, approve.text)
            XCTAssertEqual(try approve.json()["status"] as? String, "published")
            XCTAssertNotNil(try approve.json()["published_at"] as? String)

            let found = try await server.request(.GET, "/listings?q=dental%20leeds", bearer: buyer.token)
            XCTAssertEqual(found.status, 200, found.text)
            XCTAssertEqual(try titles(found), ["Busy dental practice in Leeds"])
            XCTAssertEqual(try found.json()["total"] as? Int, 1)
            let anonymous = try await server.request(.GET, "/listings?q=dent")
            XCTAssertEqual(try titles(anonymous), ["Busy dental practice in Leeds"], "the last word matches as a prefix")

            let asBuyer = try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).json()
            XCTAssertNil(asBuyer["exact_address"])
            XCTAssertNil(asBuyer["trading_name"])
            XCTAssertEqual(asBuyer["confidential_access"] as? Bool, false)
            XCTAssertEqual(asBuyer["is_saved"] as? Bool, false)
            let asSeller = try await server.request(.GET, "/listings/\(id)", bearer: seller.token).json()
            XCTAssertEqual(asSeller["exact_address"] as? String, "12 Park Row, Leeds")
            XCTAssertEqual(asSeller["confidential_access"] as? Bool, true)

            let save = try await server.request(.POST, "/listings/\(id)/save", body: json(["notes": "call the vendor"]), bearer: buyer.token)
            XCTAssertEqual(save.status, 201, save.text)
            let again = try await server.request(.POST, "/listings/\(id)/save", body: json(["notes": "second look"]), bearer: buyer.token)
            XCTAssertEqual(again.status, 200)
            let saved = try await server.request(.GET, "/listings/saved", bearer: buyer.token).json()
            let items = try XCTUnwrap(saved["items"] as? [[String: Any]])
            XCTAssertEqual(items.count, 1)
            XCTAssertEqual(items.first?["notes"] as? String, "second look")
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).json()["is_saved"] as? Bool, true)
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings/\(id)/save", bearer: seller.token).status, 403, "saving is for buyers")

            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)/save", bearer: buyer.token).status, 204)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)/save", bearer: buyer.token).status, 404)
            let count = try await Listing.find(UUID(uuidString: id)!, on: server.app.db)?.saveCount
            XCTAssertEqual(count, 0)
        }
    }

    // MARK: creation and validation

    func testCreateValidatesAndOnlySellersMayCreate() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let buyer = try await account(server, .buyer, "b@example.com")
            let bad = try await server.request(.POST, "/listings", body: listingBody([
                "title": "Tiny", "description": "short", "asking_price": 0, "year_established": 3000, "staff_count": -1,
            ]), bearer: seller.token)
            XCTAssertEqual(bad.status, 422, bad.text)
            XCTAssertEqual(Set(errors(bad).keys), ["title", "description", "asking_price", "year_established", "staff_count"])
            let badType = try await server.request(.POST, "/listings", body: listingBody(["business_type": "spaceport"]), bearer: seller.token)
            XCTAssertEqual(badType.status, 422)
            XCTAssertNotNil(errors(badType)["business_type"])
            let published = try await server.request(.POST, "/listings", body: listingBody(["status": "published"]), bearer: seller.token)
            XCTAssertEqual(published.status, 422, "a seller cannot publish without review")
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings", body: listingBody(), bearer: buyer.token).status, 403)
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings", body: listingBody()).status, 401)
            await XCTAssertEqualAsync(try await Listing.query(on: server.app.db).count(), 0, "nothing half-written")

            let created = try await server.request(.POST, "/listings", body: listingBody(), bearer: seller.token)
            XCTAssertEqual(try created.json()["status"] as? String, "pending_approval", "submitted unless the body says draft")
        }
    }

    func testRejectionReasonReachesTheSellerAndResubmissionWorks() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let admin = try await account(server, .admin, "a@example.com")
            let id = try await create(server, seller)
            let noReason = try await server.request(.PUT, "/admin/listings/\(id)/reject", body: json(["reason": ""]), bearer: admin.token)
            XCTAssertEqual(noReason.status, 422)
            let reject = try await server.request(.PUT, "/admin/listings/\(id)/reject", body: json(["reason": "Add the last two years' accounts"]), bearer: admin.token)
            XCTAssertEqual(reject.status, 200, reject.text)
            let mine = try await server.request(.GET, "/listings/seller/my-listings", bearer: seller.token).json()
            let item = try XCTUnwrap((mine["items"] as? [[String: Any]])?.first)
            XCTAssertEqual(item["status"] as? String, "rejected")
            XCTAssertEqual(item["rejection_reason"] as? String, "Add the last two years' accounts")

            let publishDirectly = try await server.request(.PUT, "/listings/\(id)", body: json(["status": "published"]), bearer: seller.token)
            XCTAssertEqual(publishDirectly.status, 409)
            XCTAssertTrue((try publishDirectly.json()["detail"] as? String ?? "").contains("pending_approval"))
            let resubmit = try await server.request(.PUT, "/listings/\(id)", body: json(["status": "pending_approval", "annual_revenue": 1_300_000]), bearer: seller.token)
            XCTAssertEqual(resubmit.status, 200, resubmit.text)
            XCTAssertNil(try resubmit.json()["rejection_reason"] as? String)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token).status, 200)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token).status, 409, "nothing left to approve")
        }
    }

    func testEditsOfAPublishedListingWaitForApproval() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let buyer = try await account(server, .buyer, "b@example.com")
            let admin = try await account(server, .admin, "a@example.com")
            let id = try await create(server, seller)
            _ = try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token)

            let edit = try await server.request(.PUT, "/listings/\(id)", body: json(["asking_price": 799_000, "title": "Dental practice, Leeds centre"]), bearer: seller.token)
            XCTAssertEqual(edit.status, 200, edit.text)
            let pending = try XCTUnwrap(try edit.json()["pending_edits"] as? [[String: Any]])
            XCTAssertEqual(Set(pending.compactMap { $0["field_name"] as? String }), ["asking_price", "title"])
            XCTAssertEqual(pending.first { $0["field_name"] as? String == "asking_price" }?["old_value"] as? String, "850000")

            let seen = try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).json()
            XCTAssertEqual(seen["asking_price"] as? Int, 850_000, "buyers keep seeing the approved values")
            XCTAssertNil(seen["pending_edits"])
            let queue = try await server.request(.GET, "/admin/listings?has_pending_edits=true", bearer: admin.token).json()
            XCTAssertEqual((queue["items"] as? [[String: Any]])?.count, 1)

            await XCTAssertEqualAsync(try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token).status, 200)
            let after = try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).json()
            XCTAssertEqual(after["asking_price"] as? Int, 799_000)
            XCTAssertEqual(after["title"] as? String, "Dental practice, Leeds centre")
            let search = try await server.request(.GET, "/listings?q=centre")
            XCTAssertEqual(try titles(search), ["Dental practice, Leeds centre"], "the search index follows approved edits")
        }
    }

    func testOnlyTheOwnerChangesOrDeletesAListing() async throws {
        try await forEachDatabase { server in
            let owner = try await account(server, .seller, "owner@example.com")
            let other = try await account(server, .seller, "other@example.com")
            let id = try await create(server, owner, ["status": "draft"])
            await XCTAssertEqualAsync(try await server.request(.PUT, "/listings/\(id)", body: json(["title": "Taken over listing"]), bearer: other.token).status, 404)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)", bearer: other.token).status, 404)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)/analytics", bearer: other.token).status, 404)
            let mine = try await server.request(.GET, "/listings/seller/my-listings", bearer: other.token).json()
            XCTAssertEqual(mine["total"] as? Int, 0)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)", bearer: owner.token).status, 204)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)", bearer: owner.token).status, 404)
        }
    }

    // MARK: browse

    func testAPageFarBeyondAnyListIsAProblemNotACrash() async throws {
        try await forEachDatabase { server in
            let buyer = try await account(server, .buyer, "b@example.com")
            for path in ["/listings?page=499101342703370944", "/listings?page=1000001&per_page=100", "/notifications?page=9223372036854775807"] {
                let response = try await server.request(.GET, path, bearer: buyer.token)
                XCTAssertEqual(response.status, 422, "\(path): \(response.text)")
                XCTAssertTrue(response.text.contains("must be between 1 and 1000000"), response.text)
            }
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings?page=1000000&per_page=100", bearer: buyer.token).status, 200, "the last page allowed is just empty")
        }
    }

    func testBrowseFiltersSortsAndPages() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let base = Date().addingTimeInterval(-3600)
            try await published(server, seller: seller, title: "Pharmacy in Camden", type: "pharmacy", region: "London", price: 300_000, revenue: 900_000, publishedAt: base)
            try await published(server, seller: seller, title: "Optician in Bath", type: "optician", region: "South West", price: 150_000, revenue: 400_000, publishedAt: base.addingTimeInterval(60))
            try await published(server, seller: seller, title: "Care home near York", type: "care_home", region: "Yorkshire", price: 2_500_000, revenue: 3_000_000, publishedAt: base.addingTimeInterval(120))
            try await published(server, seller: seller, title: "GP practice in Islington", type: "gp_practice", region: "London", price: 700_000, publishedAt: base.addingTimeInterval(180))

            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings")),
                           ["GP practice in Islington", "Care home near York", "Optician in Bath", "Pharmacy in Camden"], "newest first by default")
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?sort=price_asc")).first, "Optician in Bath")
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?sort=price_desc")).first, "Care home near York")
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?region=london&sort=price_asc")),
                           ["Pharmacy in Camden", "GP practice in Islington"])
            await XCTAssertEqualAsync(Set(try titles(try await server.request(.GET, "/listings?business_type=optician&business_type=care_home"))),
                           ["Optician in Bath", "Care home near York"])
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?min_price=200000&max_price=800000&sort=price_asc")),
                           ["Pharmacy in Camden", "GP practice in Islington"])
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?min_revenue=1000000")), ["Care home near York"])

            let page2 = try await server.request(.GET, "/listings?per_page=3&page=2").json()
            XCTAssertEqual(page2["total"] as? Int, 4)
            XCTAssertEqual(page2["page"] as? Int, 2)
            XCTAssertEqual(page2["per_page"] as? Int, 3)
            XCTAssertEqual((page2["items"] as? [[String: Any]])?.count, 1)

            let tooMany = try await server.request(.GET, "/listings?per_page=500")
            XCTAssertEqual(tooMany.status, 422)
            XCTAssertEqual(errors(tooMany)["per_page"], ["must be between 1 and 100"])
            let inverted = try await server.request(.GET, "/listings?min_price=10&max_price=5")
            XCTAssertEqual(inverted.status, 422)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings?sort=cheapest").status, 422)
        }
    }

    func testSearchRanksTitleMatchesFirstAndIgnoresOperators() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            try await published(server, seller: seller, title: "Clinic in Leeds", description: "A clinic next to a busy pharmacy counter and a GP surgery.")
            try await published(server, seller: seller, title: "Pharmacy in Leeds", type: "pharmacy", description: "Independent pharmacy with a strong NHS contract.")
            let ranked = try await server.request(.GET, "/listings?q=pharmacy")
            XCTAssertEqual(try titles(ranked), ["Pharmacy in Leeds", "Clinic in Leeds"])
            for hostile in ["\"pharmacy", "pharmacy OR", "NEAR(pharmacy", "*", "pharmacy' OR 1=1 --", "ph:*&|!"] {
                let response = try await server.request(.GET, "/listings?q=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                XCTAssertEqual(response.status, 200, "\(hostile): \(response.text)")
            }
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?q=veterinary")), [])
        }
    }

    func testSuspendedSellersListingsLeaveBrowse() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let admin = try await account(server, .admin, "a@example.com")
            let id = try await published(server, seller: seller, title: "Pharmacy in Camden")
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings")), ["Pharmacy in Camden"])
            let noReason = try await server.request(.PUT, "/admin/users/\(seller.id)/suspend", body: json(["suspended": true]), bearer: admin.token)
            XCTAssertEqual(noReason.status, 422)
            let suspend = try await server.request(.PUT, "/admin/users/\(seller.id)/suspend", body: json(["suspended": true, "reason": "fake documents"]), bearer: admin.token)
            XCTAssertEqual(suspend.status, 200, suspend.text)
            XCTAssertEqual(try suspend.json()["status"] as? String, "suspended")
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings")), [])
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)").status, 404)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/seller/my-listings", bearer: seller.token).status, 403)
            _ = try await server.request(.PUT, "/admin/users/\(seller.id)/suspend", body: json(["suspended": false]), bearer: admin.token)
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings")), ["Pharmacy in Camden"])
            let selfSuspend = try await server.request(.PUT, "/admin/users/\(admin.id)/suspend", body: json(["suspended": true, "reason": "x"]), bearer: admin.token)
            XCTAssertEqual(selfSuspend.status, 409)
        }
    }

    func testConditionalGetsAnswer304UntilSomethingChanges() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let id = try await published(server, seller: seller, title: "Pharmacy in Camden")
            let first = try await server.request(.GET, "/listings")
            let tag = try XCTUnwrap(first.headers.first(name: .eTag))
            let again = try await server.request(.GET, "/listings", headers: ["If-None-Match": tag])
            XCTAssertEqual(again.status, 304)
            XCTAssertTrue(again.body.isEmpty)
            try await published(server, seller: seller, title: "Optician in Bath")
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings", headers: ["If-None-Match": tag]).status, 200)

            let detail = try await server.request(.GET, "/listings/\(id)", bearer: seller.token)
            let detailTag = try XCTUnwrap(detail.headers.first(name: .eTag))
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)", headers: ["If-None-Match": detailTag], bearer: seller.token).status, 304)
        }
    }

    // MARK: cached pages (ListingPageCache)

    func testRepeatedSearchesKeepSavedFlagsWithTheirBuyer() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let saver = try await account(server, .buyer, "saver@example.com")
            let other = try await account(server, .buyer, "other@example.com")
            let camden = try await published(server, seller: seller, title: "Pharmacy in Camden", publishedAt: Date(timeIntervalSinceNow: -60))
            let bath = try await published(server, seller: seller, title: "Pharmacy in Bath")
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings/\(camden)/save", bearer: saver.token).status, 201)

            /// Each title on the page with its flag: "saved", "not saved", or "-" when the answer has none.
            func flags(_ token: String?) async throws -> [String: String] {
                let response = try await server.request(.GET, "/listings?q=pharmacy&sort=newest", bearer: token)
                XCTAssertEqual(response.status, 200, response.text)
                let items = try XCTUnwrap(try response.json()["items"] as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: items.map {
                    ($0["title"] as? String ?? "?", ($0["is_saved"] as? Bool).map { $0 ? "saved" : "not saved" } ?? "-")
                })
            }
            // The first round fills the caches, the second is answered from them, in the other order.
            for viewers in [[nil, saver.token, other.token], [other.token, saver.token, nil]] {
                for token in viewers {
                    let expected: [String: String] = switch token {
                    case nil: ["Pharmacy in Camden": "-", "Pharmacy in Bath": "-"]
                    case saver.token: ["Pharmacy in Camden": "saved", "Pharmacy in Bath": "not saved"]
                    default: ["Pharmacy in Camden": "not saved", "Pharmacy in Bath": "not saved"]
                    }
                    await XCTAssertEqualAsync(try await flags(token), expected)
                }
            }
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(camden)/save", bearer: saver.token).status, 204)
            await XCTAssertEqualAsync(try await flags(saver.token), ["Pharmacy in Camden": "not saved", "Pharmacy in Bath": "not saved"])
            await XCTAssertEqualAsync(try await server.request(.POST, "/listings/\(bath)/save", bearer: saver.token).status, 201)
            await XCTAssertEqualAsync(try await flags(saver.token), ["Pharmacy in Camden": "not saved", "Pharmacy in Bath": "saved"], "a save shows on the next page at once")
            await XCTAssertEqualAsync(try await flags(other.token), ["Pharmacy in Camden": "not saved", "Pharmacy in Bath": "not saved"])
        }
    }

    func testSavedIDsCacheKeepsNoReadThatRacedAChangeAndForgetsAfterItsLifetime() {
        let cache = SavedIDsCache()
        let buyer = UUID(), listing = UUID()
        let now = Date()
        let epoch = cache.epoch
        cache.forget(buyer: buyer)
        cache.store([listing], of: buyer, now: now, readSince: epoch)
        XCTAssertNil(cache.ids(of: buyer, now: now), "a read that started before a save or unsave is not kept")
        cache.store([listing], of: buyer, now: now, readSince: cache.epoch)
        XCTAssertEqual(cache.ids(of: buyer, now: now), [listing])
        XCTAssertEqual(cache.ids(of: buyer, now: now.addingTimeInterval(SavedIDsCache.lifetime - 1)), [listing])
        XCTAssertNil(cache.ids(of: buyer, now: now.addingTimeInterval(SavedIDsCache.lifetime + 1)), "within the lifetime only")
        XCTAssertNil(cache.ids(of: UUID(), now: now), "per buyer")
    }

    func testRepeatedSearchesFollowApprovedEditsOfEveryFieldTheyShow() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let admin = try await account(server, .admin, "a@example.com")
            let id = try await create(server, seller)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token).status, 200)

            func shown() async throws -> [String: String] {
                let response = try await server.request(.GET, "/listings?region=Yorkshire")
                XCTAssertEqual(response.status, 200, response.text)
                let item = try XCTUnwrap((try response.json()["items"] as? [[String: Any]])?.first)
                return ["net_profit": "\(item["net_profit"] ?? "-")", "staff_count": "\(item["staff_count"] ?? "-")",
                        "tenure": "\(item["tenure"] ?? "-")"]
            }
            let approved = ["net_profit": "240000", "staff_count": "14", "tenure": "leasehold"]
            await XCTAssertEqualAsync(try await shown(), approved)
            await XCTAssertEqualAsync(try await shown(), approved)
            let edit = try await server.request(
                .PUT, "/listings/\(id)", body: json(["net_profit": 250_000, "staff_count": 15, "tenure": "freehold"]), bearer: seller.token)
            XCTAssertEqual(edit.status, 200, edit.text)
            await XCTAssertEqualAsync(try await shown(), approved, "buyers keep seeing the approved values")
            await XCTAssertEqualAsync(try await server.request(.PUT, "/admin/listings/\(id)/approve", bearer: admin.token).status, 200)
            await XCTAssertEqualAsync(try await shown(), ["net_profit": "250000", "staff_count": "15", "tenure": "freehold"])
        }
    }

    func testRepeatedSearchesAreEachRecordedAsTheirViewersAndStillCheckTheToken() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            try await published(server, seller: seller, title: "Pharmacy in Camden")
            for _ in 0..<3 {
                await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?q=pharmacy")), ["Pharmacy in Camden"])
            }
            // A seller sees what everyone sees: the same cached answer, recorded as the seller's search.
            await XCTAssertEqualAsync(try titles(try await server.request(.GET, "/listings?q=pharmacy", bearer: seller.token)), ["Pharmacy in Camden"])
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings?q=pharmacy", bearer: "not.a.jwt").status, 401)
            await server.app.searchLog.flush()
            let rows = try await server.app.db.sql
                .raw("SELECT query_text, results_count, user_id FROM search_queries").all()
            XCTAssertEqual(rows.count, 4)
            for row in rows {
                XCTAssertEqual(try row.decode(column: "query_text", as: String.self), "pharmacy")
                XCTAssertEqual(try row.decode(column: "results_count", as: Int.self), 1)
            }
            let users = try rows.map { try $0.decode(column: "user_id", as: UUID?.self) }
            XCTAssertEqual(users.filter { $0 == nil }.count, 3)
            XCTAssertEqual(users.compactMap { $0 }, [seller.id])
        }
    }

    func testConcurrentSearchesEachSeeTheGenerationOfChangesMadeBeforeTheyArrived() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let sql = server.app.db.sql
            for n in 0..<5 {
                try await published(server, seller: seller, title: "Pharmacy \(n)")
                let expected = try await SearchIndexCache.generation(on: sql)
                let seen = try await withThrowingTaskGroup(of: Int64.self) { group in
                    for _ in 0..<32 { group.addTask { try await server.app.searchIndexCache.currentGeneration(on: sql) } }
                    return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
                }
                XCTAssertEqual(seen, [expected])
            }
        }
    }

    /// The generation is held in memory between this server's writes: searches in a row read it once,
    /// a write through the database (raw SQL, a Fluent query, a transaction) is seen by the next
    /// search, and a write inside a transaction once the transaction has committed.
    func testTheGenerationIsReadAgainOnlyAfterAWriteHasCommitted() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let id = try await published(server, seller: seller, title: "Pharmacy 1")
            let sql = server.app.db.sql
            let reader = server.app.searchIndexCache.generationReader
            // On PostgreSQL this server also hears its own write announced, a moment later: let it land.
            try await Task.sleep(for: .milliseconds(300))
            let first = try await reader.generation(on: sql)
            let reads = reader.reads
            for _ in 0..<5 { await XCTAssertEqualAsync(try await reader.generation(on: sql), first) }
            XCTAssertEqual(reader.reads, reads, "nothing moved it: no read")

            try await sql.raw("UPDATE listings SET title = 'Pharmacy 2' WHERE id = \(bind: id)").run()
            let afterRaw = try await reader.generation(on: sql)
            XCTAssertGreaterThan(afterRaw, first, "raw SQL through this server's database")

            try await Listing.query(on: server.app.db).filter(\.$id == id).set(\.$title, to: "Pharmacy 3").update()
            let afterQuery = try await reader.generation(on: sql)
            XCTAssertGreaterThan(afterQuery, afterRaw, "a Fluent query")

            let inside = try await server.app.db.transaction { db -> Int64 in
                try await Listing.query(on: db).filter(\.$id == id).set(\.$title, to: "Pharmacy 4").update()
                return try await SearchIndexCache.generation(on: db.sql)
            }
            XCTAssertGreaterThan(inside, afterQuery)
            await XCTAssertEqualAsync(try await reader.generation(on: sql), inside, "read again once the transaction committed")
            let page = try await server.request(.GET, "/listings?q=pharmacy").json()
            XCTAssertEqual((page["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String }, ["Pharmacy 4"])
        }
    }

    // MARK: views and analytics

    func testViewsCountOncePerViewerPerDayAndFeedAnalytics() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let other = try await account(server, .seller, "o@example.com")
            let b1 = try await account(server, .buyer, "b1@example.com")
            let b2 = try await account(server, .buyer, "b2@example.com")
            let id = try await published(server, seller: seller, title: "Pharmacy in Camden")
            for token in [b1.token, b1.token, b2.token, seller.token] {
                await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)", bearer: token).status, 200)
            }
            let analytics = try await server.request(.GET, "/listings/\(id)/analytics?days=7", bearer: seller.token)
            XCTAssertEqual(analytics.status, 200, analytics.text)
            let body = try analytics.json()
            XCTAssertEqual(body["total_views"] as? Int, 2, "once per buyer per day; the owner does not count")
            XCTAssertEqual(body["unique_viewers"] as? Int, 2)
            let days = try XCTUnwrap(body["views_by_day"] as? [[String: Any]])
            XCTAssertEqual(days.count, 7)
            XCTAssertEqual(days.last?["count"] as? Int, 2)
            XCTAssertEqual(days.last?["date"] as? String, ListingsService.day(Date()))
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)/analytics", bearer: other.token).status, 403)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)/analytics", bearer: b1.token).status, 403)
            await XCTAssertEqualAsync(try await server.request(.GET, "/listings/\(id)/analytics?days=0", bearer: seller.token).status, 422)
            let mine = try await server.request(.GET, "/listings/seller/my-listings", bearer: seller.token).json()
            XCTAssertEqual((mine["items"] as? [[String: Any]])?.first?["view_count"] as? Int, 2)
        }
    }

    func testSearchesAreRecorded() async throws {
        try await forEachDatabase { server in
            let buyer = try await account(server, .buyer, "b@example.com")
            _ = try await server.request(.GET, "/listings?q=pharmacy&region=London", bearer: buyer.token)
            _ = try await server.request(.GET, "/listings")
            await server.app.searchLog.flush()
            let rows = try await server.app.db.sql.raw("SELECT query_text, filters, user_id FROM search_queries").all()
            XCTAssertEqual(rows.count, 1, "plain browsing is not a search")
            XCTAssertEqual(try rows.first?.decode(column: "query_text", as: String.self), "pharmacy")
            XCTAssertEqual(try rows.first?.decode(column: "filters", as: String.self), #"{"region":"London"}"#)
            XCTAssertEqual(try rows.first?.decode(column: "user_id", as: UUID?.self), buyer.id)
        }
    }

    /// The search log's filters are a JSON object of strings with its keys in order, whatever a
    /// region holds (quotes, backslashes, control characters, accents).
    func testTheSearchLogWritesFiltersAsJSON() throws {
        var filters = ListingSearch.Filters()
        XCTAssertEqual(filters.logDescription, "{}")
        filters.region = "Tyne \"&\" Wear\\\n\u{1}é/"
        filters.businessTypes = ["pharmacy", "clinic"]
        filters.minPrice = 100
        filters.maxRevenue = 900
        filters.sort = .priceDesc
        let written = filters.logDescription
        XCTAssertTrue(written.hasPrefix(#"{"business_type":"pharmacy,clinic","max_revenue":"900","min_price":"100","region":"#), written)
        let read = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: String])
        XCTAssertEqual(read, [
            "business_type": "pharmacy,clinic", "max_revenue": "900", "min_price": "100",
            "region": "Tyne \"&\" Wear\\\n\u{1}é/", "sort": "price_desc",
        ])
    }

    /// The fast query reader decodes `%XX` as Foundation does, refuses what it refuses, and takes
    /// only the exact listings path (any other spelling goes through the router).
    func testThePlainQueryReaderDecodesAsFoundationDoes() {
        for text in ["care", "care%20home", "caf%C3%A9", "Z%c3%bcrich%2C%20Leeds", "%", "%2", "%zz", "a%ZZb", "%C3", "%FF%FE",
                     "100%25", "%E2%82%AC%20price", "a%2Bb", ""] {
            XCTAssertEqual(PlainListingsQuery.percentDecoded(Substring(text)), text.removingPercentEncoding, text)
        }
        XCTAssertTrue(ListingAnswerCacheMiddleware.isListingsPath("/api/v1/listings"))
        XCTAssertTrue(ListingAnswerCacheMiddleware.isListingsPath("/api/v1/listings?q=care"))
        XCTAssertFalse(ListingAnswerCacheMiddleware.isListingsPath("/api/v1/listings/123"))
        XCTAssertFalse(ListingAnswerCacheMiddleware.isListingsPath("/api/v1/listingsx"))
        XCTAssertFalse(ListingAnswerCacheMiddleware.isListingsPath("/api/v1/listing"))
    }

    /// The ids the search and analytics logs write: version 7, each after the one before (so rows
    /// go to the end of the key's index), and never twice, even when 100 writers ask at once.
    func testLogIdsAreTimeOrderedAndNeverRepeat() async {
        var previous = TimeOrderedID.next()
        let fixed = Date()
        for n in 0..<5_000 {
            let id = TimeOrderedID.next(now: n % 2 == 0 ? fixed : Date())
            XCTAssertTrue(previous.uuidString < id.uuidString, "\(previous) then \(id)")
            XCTAssertEqual(Array(id.uuidString)[14], "7", "version 7")
            XCTAssertTrue("89AB".contains(Array(id.uuidString)[19]), "RFC 9562 variant")
            previous = id
        }
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<100 { group.addTask { (0..<100).map { _ in TimeOrderedID.next() } } }
            var all: [UUID] = []
            for await batch in group { all += batch }
            return all
        }
        XCTAssertEqual(Set(ids).count, 10_000)
    }

    // MARK: media

    func testMediaUploadChecksContentAndHidesConfidentialFiles() async throws {
        try await forEachDatabase { server in
            let seller = try await account(server, .seller, "s@example.com")
            let buyer = try await account(server, .buyer, "b@example.com")
            let id = try await published(server, seller: seller, title: "Pharmacy in Camden")
            // Media of a draft is approved with the listing (on a published one it waits: FilesTests).
            try await Listing.query(on: server.app.db).filter(\.$id == id).set(\.$status, to: .draft).update()
            let png = try TestImages.png(width: 32, height: 24)
            let pdf = Data("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n".utf8)

            let photo = try await upload(server, id, seller, file: png, name: "front.png", extra: ["caption": "Shop front"])
            XCTAssertEqual(photo.status, 201, photo.text)
            XCTAssertEqual(try photo.json()["media_type"] as? String, "image")
            XCTAssertEqual(try photo.json()["content_type"] as? String, "image/png")
            let accounts = try await upload(server, id, seller, file: pdf, name: "accounts.pdf", extra: ["is_confidential": "true"])
            XCTAssertEqual(accounts.status, 201, accounts.text)
            let fake = try await upload(server, id, seller, file: Data("just text".utf8), name: "photo.png")
            XCTAssertEqual(fake.status, 415, "the type comes from the content, not the name")
            try await Listing.query(on: server.app.db).filter(\.$id == id).set(\.$status, to: .published).update()
            await XCTAssertEqualAsync(try await upload(server, id, buyer, file: png, name: "x.png").status, 403)

            let seen = try await server.request(.GET, "/listings/\(id)", bearer: buyer.token).json()
            XCTAssertEqual((seen["media"] as? [[String: Any]])?.compactMap { $0["file_name"] as? String }, ["front.png"])
            let own = try await server.request(.GET, "/listings/\(id)", bearer: seller.token).json()
            XCTAssertEqual((own["media"] as? [[String: Any]])?.count, 2)

            let mediaID = try XCTUnwrap(try photo.json()["id"] as? String)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)/media/\(mediaID)", bearer: buyer.token).status, 403)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)/media/\(mediaID)", bearer: seller.token).status, 204)
            await XCTAssertEqualAsync(try await server.request(.DELETE, "/listings/\(id)/media/\(mediaID)", bearer: seller.token).status, 404)
        }
    }

    func upload(_ server: TestServer, _ id: UUID, _ account: Account, file: Data, name: String, extra: [String: String] = [:]) async throws -> TestResponse {
        let boundary = "eaglehurst-\(UUID().uuidString)"
        var body = Data()
        for (field, value) in extra.sorted(by: { $0.key < $1.key }) {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await server.request(
            .POST, "/listings/\(id)/media", headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
            bodyData: body, bearer: account.token)
    }

    // MARK: admin users

    func testAdminListsVerifiesAndOnlyAdminsMay() async throws {
        try await forEachDatabase { server in
            let admin = try await account(server, .admin, "a@example.com")
            let seller = try await account(server, .seller, "sam@example.com")
            _ = try await account(server, .buyer, "bea@example.com")
            let all = try await server.request(.GET, "/admin/users", bearer: admin.token).json()
            XCTAssertEqual(all["total"] as? Int, 3)
            let sellers = try await server.request(.GET, "/admin/users?user_type=seller", bearer: admin.token).json()
            XCTAssertEqual((sellers["items"] as? [[String: Any]])?.compactMap { $0["email"] as? String }, ["sam@example.com"])
            let search = try await server.request(.GET, "/admin/users?q=BEA", bearer: admin.token).json()
            XCTAssertEqual(search["total"] as? Int, 1)
            await XCTAssertEqualAsync(try await server.request(.GET, "/admin/users", bearer: seller.token).status, 403)

            let refuse = try await server.request(.PUT, "/admin/users/\(seller.id)/verify", body: json(["verified": false]), bearer: admin.token)
            XCTAssertEqual(refuse.status, 422, "refusing needs a reason")
            let verify = try await server.request(.PUT, "/admin/users/\(seller.id)/verify", body: json(["verified": true]), bearer: admin.token)
            XCTAssertEqual(verify.status, 200, verify.text)
            XCTAssertEqual(try verify.json()["verification_status"] as? String, "verified")
            let verified = try await server.request(.GET, "/admin/users?verification_status=verified", bearer: admin.token).json()
            XCTAssertEqual(verified["total"] as? Int, 1)
            await XCTAssertEqualAsync(try await server.request(.PUT, "/admin/users/\(UUID())/verify", body: json(["verified": true]), bearer: admin.token).status, 404)
        }
    }
}
