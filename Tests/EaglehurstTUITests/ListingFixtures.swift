@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import XCTest

/// Listings as the server sends them, and a stand-in `GET /listings` that serves any number of rows by page.
enum ListingFixture {
    static let sellerID = "5e11e700-0000-4000-8000-000000000001"
    /// When pages are received in tests: ages read against it.
    static let now = Date(timeIntervalSince1970: 1_764_149_400) // 2025-11-26T09:30:00Z

    static func id(_ n: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", n) }
    static func uuid(_ n: Int) -> UUID { UUID(uuidString: id(n))! }

    /// Row `n` as the generated wire type; `change` sets what a test is about (pending edits, a rejection).
    static func summary(_ n: Int, title: String? = nil, status: String = "published", saved: Bool = false, change: (inout ListingSummary) -> Void = { _ in }) -> ListingSummary {
        let types: [Components.Schemas.BusinessType] = [.pharmacy, .dentalPractice, .gpPractice, .optician]
        var row = ListingSummary(
            id: uuid(n), sellerId: UUID(uuidString: sellerID)!, title: title ?? "Listing \(n)", summary: "A busy practice, row \(n).",
            businessType: types[n % types.count], location: "Leeds", region: "Yorkshire", askingPrice: Int64(450_000 + n),
            annualRevenue: 1_200_000, status: Components.Schemas.ListingStatus(rawValue: status)!, viewCount: n, isSaved: saved,
            publishedAt: Fixture.date("2025-11-20T09:30:00Z"), createdAt: Fixture.date("2025-11-19T09:30:00Z"), updatedAt: Fixture.date("2025-11-25T09:30:00Z")
        )
        change(&row)
        return row
    }

    /// Row `n` as `GET /listings` sends it: the typed fixture, encoded.
    static func summaryJSON(_ n: Int, title: String? = nil, status: String = "published", saved: Bool = false, change: (inout ListingSummary) -> Void = { _ in }) -> String {
        Fixture.json(summary(n, title: title, status: status, saved: saved, change: change))
    }

    static func pageJSON(_ items: [String], page: Int, perPage: Int, total: Int, capped: Bool = false) -> String {
        #"{"items":[\#(items.joined(separator: ","))],"page":\#(page),"per_page":\#(perPage),"total":\#(total),"total_capped":\#(capped)}"#
    }

    /// A page of `total` rows numbered from 1, as `GET /listings?page=&per_page=` answers it.
    static func browseAnswer(_ request: StubTransport.Request, total: Int, saved: Set<Int> = [], etag: String? = nil) -> StubTransport.Answer {
        let page = Int(request.query("page").first ?? "1") ?? 1
        let perPage = Int(request.query("per_page").first ?? "20") ?? 20
        let first = (page - 1) * perPage + 1
        let rows = first > total ? [] : Array(first...min(total, first + perPage - 1))
        let json = pageJSON(rows.map { summaryJSON($0, saved: saved.contains($0)) }, page: page, perPage: perPage, total: total)
        return .json(status: 200, body: json, headers: etag.map { ["ETag": $0] } ?? [:])
    }

    static func detailJSON(_ n: Int, status: String = "published", saved: Bool = false, confidential: Bool = false, edits: String? = nil, rejection: String? = nil) -> String {
        var extra = ""
        if confidential { extra += #","trading_name":"Smile Ltd","exact_address":"1 High Street","postcode":"LS1 1AA""# }
        if let edits { extra += #","pending_edits":\#(edits)"# }
        if let rejection { extra += #","rejection_reason":"\#(rejection)""# }
        return #"{"id":"\#(id(n))","seller_id":"\#(sellerID)","title":"Listing \#(n)","description":"A long-established practice with loyal patients.\nTwo surgeries.","business_type":"dental_practice","location":"Leeds","region":"Yorkshire","asking_price":650000,"annual_revenue":1200000,"net_profit":-5000,"staff_count":12,"tenure":"freehold","year_established":1998,"reason_for_sale":"Retirement","status":"\#(status)","media":[{"id":"\#(id(900))","listing_id":"\#(id(n))","media_type":"image","file_name":"front.jpg","content_type":"image/jpeg","size_bytes":2048,"display_order":0,"is_confidential":false,"created_at":"2025-11-20T09:30:00Z"}],"confidential_access":\#(confidential),"view_count":40,"save_count":3,"is_saved":\#(saved),"created_at":"2025-11-19T09:30:00Z","updated_at":"2025-11-25T09:30:00Z"\#(extra)}"#
    }

    static func editJSON(_ field: String, old: String, new: String) -> String {
        #"{"id":"\#(id(800))","listing_id":"\#(id(1))","field_name":"\#(field)","old_value":"\#(old)","new_value":"\#(new)","created_at":"2025-11-25T09:30:00Z"}"#
    }

    static func summaries(_ range: ClosedRange<Int>) -> [ListingSummary] {
        range.map { summary($0) }
    }

    static func detail(_ json: String) -> ListingDetail {
        try! Fixture.decoder.decode(ListingDetail.self, from: Data(json.utf8))
    }
}

extension Harness {
    /// Signed in as `type`, with no effects pending.
    static func signedIn(_ type: String, size: Size = Size(width: 80, height: 24)) -> Harness {
        var app = Harness(size: size)
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(type: type)))))))
        app.effects = []
        return app
    }

    /// Runs only the effects of the last step (not the effects their answers ask for).
    mutating func runOnce(_ runner: EffectRunner) async {
        let pending = effects
        effects = []
        for effect in pending { send(await runner.perform(effect)) }
    }

    /// The page numbers asked for by the pending effects.
    var requestedPages: [Int] {
        effects.compactMap { effect in
            switch effect {
            case .listings(.loadListingPage(_, let page, _, _)), .saved(.loadSavedPage(let page, _, _)), .admin(.loadUsersPage(_, let page, _, _)): page
            default: nil
            }
        }
    }
}
