@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import XCTest

/// The listings browser at 80×24: the table, paging by window, live search, filters, sort, detail, saving.
final class ListingsBrowserTests: XCTestCase {
    /// A buyer on `:listings` over a server with `total` listings; the first page is loaded.
    func browser(total: Int = 1000, extra: [String: StubTransport.Answer] = [:], saved: Set<Int> = []) async throws -> (Harness, EffectRunner, StubTransport) {
        let stub = StubTransport { request in
            if request.operationID == "listingsBrowse" { return ListingFixture.browseAnswer(request, total: total, saved: saved) }
            return extra[request.operationID] ?? .unreachable
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer")
        app.press(":listings<enter>")
        XCTAssertEqual(app.state.screen, .listings)
        await app.run(runner)
        return (app, runner, stub)
    }

    func testTheTableShowsEachListingWithMoneyAndAge() async throws {
        var (app, _, stub) = try await browser()
        app.state.browser.receivedAt = ListingFixture.now
        app.render()
        XCTAssertEqual(app.trimmed(app.lines[2]), " All listings · sort: newest                                      1–16 of 1,000")
        XCTAssertEqual(app.trimmed(app.lines[3]), "   Title                 Type      Region                Price     Revenue  Age")
        XCTAssertEqual(app.line(containing: "Listing 1 "), "   Listing 1             Dental    Yorkshire          £450,001  £1,200,000   6d")
        XCTAssertEqual(app.line(containing: "Listing 16"), "   Listing 16            Pharmacy  Yorkshire          £450,016  £1,200,000   6d")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  A busy practice, row 1.", "the selected row's summary under the table")
        XCTAssertEqual(stub.requests("listingsBrowse").map { $0.query("sort") }, [["newest"]], "without a search, newest first")
        XCTAssertTrue(app.hints.hasPrefix(" <down> move  <enter> open  / search  f filter  o sort  s save"), app.hints)
    }

    func testWideTitlesAreMeasuredInColumns() {
        var app = Harness.signedIn("buyer")
        app.press(":listings<enter>")
        var json = ListingFixture.summaryJSON(1, title: "診療所 🦷 Harbour Dental Practice Limited")
        json = ListingFixture.pageJSON([json], page: 1, perPage: 50, total: 1)
        let page = try! Fixture.decoder.decode(Components.Schemas.ListingPage.self, from: Data(json.utf8))
        app.send(.listings(.listingPageLoaded(.browse(BrowseQuery()), page: 1, generation: 0, .success(PageAnswer(items: page.items, total: 1, receivedAt: ListingFixture.now)))))
        let row = app.line(containing: "診療所")!
        XCTAssertEqual(TextWidth.of(row), 79, "the row keeps its columns: wide clusters count two")
        XCTAssertTrue(row.hasPrefix("   診療所 🦷 Harbour De… Dental    Yorkshire"), row)
    }

    func testScrollingAsksOnlyForTheWindowAndTheNextPage() async throws {
        var (app, runner, stub) = try await browser(total: 100_000)
        XCTAssertEqual(stub.requests("listingsBrowse").map { $0.query("page") }, [["1"]])
        XCTAssertEqual(stub.requests("listingsBrowse").first?.query("per_page"), ["50"])
        // The window (16 rows) and the next screenful stay within page 1 until row 34.
        for _ in 0..<17 { app.press("j") }
        XCTAssertEqual(app.requestedPages, [])
        app.press("<pgdown>")
        XCTAssertEqual(app.requestedPages, [], "rows 18–33 and the next screenful are on page 1")
        app.press("<pgdown>")
        XCTAssertEqual(app.requestedPages, [2], "the next page is asked for before any of it shows")
        XCTAssertNil(app.line(containing: "Listing 51 "))
        await app.runOnce(runner)
        app.press("<pgdown>")
        XCTAssertEqual(app.requestedPages, [], "page 2 is in hand")
        XCTAssertNotNil(app.line(containing: "Listing 51 "))
        app.press("G")
        XCTAssertEqual(app.requestedPages, [2000], "the last page only, nothing in between")
        await app.runOnce(runner)
        XCTAssertNotNil(app.line(containing: "Listing 100000"))
        XCTAssertTrue(app.trimmed(app.lines[2]).hasSuffix("99985–100000 of 100,000"), app.lines[2])
        XCTAssertLessThanOrEqual(app.state.browser.list.pages.count, 3, "far pages are let go")
        XCTAssertEqual(stub.requests("listingsBrowse").count, 3)
        app.press("gg")
        XCTAssertEqual(app.requestedPages, [1], "page 1 was let go and comes back")
    }

    func testASlowPageShowsPlaceholdersUntilItComes() async throws {
        var (app, _, _) = try await browser()
        app.press("<pgdown>")
        app.press("<pgdown>")
        app.press("<pgdown>")
        XCTAssertEqual(app.requestedPages, [2])
        XCTAssertEqual(app.trimmed(app.lines[19]), " …", "rows of page 2 are not there yet")
        XCTAssertNotNil(app.line(containing: "Listing 50 "), "page 1's last rows are")
    }

    func testLiveSearchWaitsForTypingToPause() async throws {
        var (app, runner, stub) = try await browser()
        app.press("/")
        XCTAssertEqual(app.state.context, .listingsSearch)
        app.press("den")
        XCTAssertEqual(app.effects, [.browse(.settleSearch(generation: 1)), .browse(.settleSearch(generation: 2)), .browse(.settleSearch(generation: 3))])
        app.effects = []
        app.send(.browse(.searchSettled(generation: 1)))
        app.send(.browse(.searchSettled(generation: 2)))
        XCTAssertEqual(app.effects, [], "an earlier pause is overtaken by later keys")
        app.send(.browse(.searchSettled(generation: 3)))
        var query = BrowseQuery()
        query.text = "den"
        XCTAssertEqual(app.effects, [.listings(.loadListingPage(.browse(query), page: 1, perPage: 50, generation: 1))])
        await app.run(runner)
        let sent = stub.requests("listingsBrowse").last!
        XCTAssertEqual(sent.query("q"), ["den"])
        XCTAssertEqual(sent.query("sort"), ["relevance"], "a search is ranked")
        XCTAssertEqual(app.lines[2].prefix(6), " / den")
        app.press("<enter>")
        XCTAssertEqual(app.state.context, .listings)
        XCTAssertTrue(app.lines[2].hasPrefix(" “den” · sort: relevance"), app.lines[2])
        app.press("/<esc>")
        XCTAssertEqual(app.state.browser.query.text, "", "escape clears the search")
    }

    func testTheSearchSettlesThroughTheRunnerAfterAPause() async throws {
        let (runner, _) = try await makeRunner(StubTransport(answers: [:]))
        let clock = ContinuousClock()
        let start = clock.now
        let message = await runner.perform(.browse(.settleSearch(generation: 7)))
        XCTAssertEqual(message, .browse(.searchSettled(generation: 7)))
        XCTAssertGreaterThanOrEqual(clock.now - start, .milliseconds(200))
    }

    func testFiltersBecomeTheQuery() async throws {
        var (app, runner, stub) = try await browser()
        app.press("f")
        XCTAssertEqual(app.state.context, .listingsFilter)
        app.press("<space><right><space>")
        XCTAssertEqual(app.line(containing: "Types"), "  Types          ‹ [x] dental_practice ›  pharmacy, dental_pract…")
        app.press("<tab>North<space>West<tab>100000<tab>x")
        app.press("<enter>")
        XCTAssertEqual(app.state.context, .listingsFilter, "a bad number keeps the panel open")
        XCTAssertNotNil(app.line(containing: "max price £ must be a whole number"))
        app.press("<bs><tab>1000000<enter>")
        XCTAssertEqual(app.state.context, .listings)
        await app.run(runner)
        let sent = stub.requests("listingsBrowse").last!
        XCTAssertEqual(sent.query("business_type"), ["pharmacy", "dental_practice"])
        XCTAssertEqual(sent.query("region"), ["North West"])
        XCTAssertEqual(sent.query("min_price"), ["100000"])
        XCTAssertEqual(sent.query("min_revenue"), ["1000000"])
        XCTAssertEqual(sent.query("max_price"), [])
        XCTAssertTrue(app.lines[2].hasPrefix(" All listings · Pharmacy/Dental · North West · price from £100,0"), app.lines[2])
        XCTAssertEqual(app.state.browser.query.filterSummary, "Pharmacy/Dental · North West · price from £100,000 · revenue from £1,000,000")
        app.press("o")
        XCTAssertEqual(app.state.browser.query.sort, .newest)
        app.press("o")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsBrowse").last?.query("sort"), ["price_asc"])
        app.press("x")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsBrowse").last?.query("business_type"), [], "x clears the filters")
        XCTAssertEqual(stub.requests("listingsBrowse").last?.query("sort"), ["price_asc"], "and keeps the order")
    }

    func testSavingWithANoteAndUnsavingAfterConfirming() async throws {
        let saved = #"{"listing_id":"\#(ListingFixture.id(1))","listing":\#(ListingFixture.summaryJSON(1, saved: true)),"notes":"call Monday","saved_at":"2025-11-26T09:00:00Z"}"#
        var (app, runner, stub) = try await browser(extra: ["listingsSave": .json(status: 201, body: saved), "listingsUnsave": .empty(status: 204)])
        app.press("s")
        guard case .prompt(let prompt) = app.state.overlay else { return XCTFail("a note is asked for") }
        XCTAssertEqual(prompt.title, "Save “Listing 1”")
        app.press("call<space>Monday<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsSave").first?.field("notes"), "call Monday")
        XCTAssertEqual(app.errorLine, " Saved. Your saved listings are at :saved.")
        XCTAssertTrue(app.line(containing: "Listing 1 ")!.hasPrefix(" ★ Listing 1"))
        app.press("s")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("unsaving asks first") }
        XCTAssertEqual(dialog.question, "Remove “Listing 1” from your saved listings?")
        app.press("n")
        XCTAssertEqual(app.effects, [], "no keeps it saved")
        app.press("sy")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsUnsave").count, 1)
        XCTAssertTrue(app.line(containing: "Listing 1 ")!.hasPrefix("   Listing 1"))
    }

    func testOnlyBuyersSave() async throws {
        var app = Harness.signedIn("seller")
        app.press(":listings<enter>")
        app.send(.listings(.listingPageLoaded(.browse(BrowseQuery()), page: 1, generation: 0, .success(PageAnswer(items: ListingFixture.summaries(1...3), total: 3, receivedAt: ListingFixture.now)))))
        app.press("s")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " Only buyers save listings.")
    }

    func testTheDetailShowsEveryPublicFieldAndTheMedia() async throws {
        var (app, runner, _) = try await browser(extra: ["listingsGet": .json(status: 200, body: ListingFixture.detailJSON(1), headers: ["ETag": "\"v1\""])])
        app.press("<enter>")
        XCTAssertEqual(app.state.context, .listingDetail)
        await app.run(runner)
        XCTAssertEqual(app.trimmed(app.lines[2]), "  Listing 1")
        XCTAssertEqual(app.line(containing: "Dental ·"), "  Dental · Leeds, Yorkshire · [published]")
        XCTAssertEqual(app.line(containing: "Asking price"), "  Asking price    £650,000")
        XCTAssertEqual(app.line(containing: "Net profit"), "  Net profit      -£5,000 a year")
        XCTAssertEqual(app.line(containing: "Tenure"), "  Tenure          freehold")
        XCTAssertNotNil(app.line(containing: "A long-established practice with loyal patients."))
        XCTAssertNotNil(app.line(containing: "• front.jpg  image, 2 KB"))
        XCTAssertNil(app.line(containing: "Confidential"), "a buyer without access sees no confidential section")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .listings)
    }

    func testTheOwnersConfidentialFieldsAndPendingEditsShow() {
        var app = Harness.signedIn("seller")
        app.press(":my-listings<enter>")
        app.state.seller.panel = .detail(ListingDetailState(id: ListingFixture.uuid(1), title: "Listing 1"))
        let edits = "[" + ListingFixture.editJSON("asking_price", old: "650000", new: "600000") + "]"
        app.send(.listings(.listingLoaded(id: ListingFixture.uuid(1), .success(DetailAnswer(listing: ListingFixture.detail(ListingFixture.detailJSON(1, confidential: true, edits: edits)))))))
        app.press("jjjjjjjjjjjjjjjj")
        XCTAssertEqual(app.line(containing: "Trading name"), "  Trading name    Smile Ltd")
        XCTAssertEqual(app.line(containing: "Postcode"), "  Postcode        LS1 1AA")
        XCTAssertNotNil(app.line(containing: "Changes waiting for approval"))
        XCTAssertEqual(app.line(containing: "asking_price"), "  asking_price    650000 → 600000")
        XCTAssertNotNil(app.line(containing: "of 25 lines"), "the last row says how far down the detail is")
    }

    func testAnUnreachableServerLeavesTheRowsMarkedStale() async throws {
        let alive = Mutex(true)
        let stub = StubTransport { request in
            guard alive.withLock({ $0 }) else { return .unreachable }
            return ListingFixture.browseAnswer(request, total: 40)
        }
        let (runner, _) = try await makeRunner(stub)
        var app = Harness.signedIn("buyer")
        app.press(":listings<enter>")
        await app.run(runner)
        alive.withLock { $0 = false }
        app.press("r")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "Listing 1 "), "the rows stay")
        XCTAssertTrue(app.statusBar.contains(" stale "), app.statusBar)
        XCTAssertTrue(app.statusBar.hasSuffix("✕ unreachable 127.0.0.1:8080"), app.statusBar)
        XCTAssertEqual(app.trimmed(app.lines[20]), "  stale: the latest request failed; these rows are from before")
        XCTAssertEqual(app.state.browser.list.cursor.count, 40)
    }
}

import Synchronization

/// The buyer's saved listings: notes beside them, unsaving after a confirm, and the table following a resize.
final class SavedListingsTests: XCTestCase {
    func testSavedListingsShowNotesAndUnsaveAfterConfirming() async throws {
        let item = { (n: Int, note: String) in
            #"{"listing_id":"\#(ListingFixture.id(n))","listing":\#(ListingFixture.summaryJSON(n, saved: true)),"notes":"\#(note)","saved_at":"2025-11-24T09:30:00Z"}"#
        }
        let page = #"{"items":[\#(item(1, "Call the agent Monday")),\#(item(2, "Too far"))],"page":1,"per_page":50,"total":2}"#
        let stub = StubTransport(answers: ["listingsSaved": .json(status: 200, body: page), "listingsUnsave": .empty(status: 204)])
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer")
        app.press(":saved<enter>")
        await app.run(runner)
        app.state.saved.receivedAt = ListingFixture.now
        app.render()
        XCTAssertEqual(app.line(containing: "Listing 1 "), " Listing 1                 Dental       £450,001    2d Call the agent Monday")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  Note: Call the agent Monday")
        app.press("js")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("unsaving asks first") }
        XCTAssertEqual(dialog.question, "Remove “Listing 2” from your saved listings?")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsUnsave").first?.path, "/listings/\(ListingFixture.id(2))/save")
        XCTAssertEqual(stub.requests("listingsSaved").count, 2, "the saved list is read again")
    }

    func testEditingASavedListingsNoteResavesItWithTheNewNote() async throws {
        let item = { @Sendable (n: Int, note: String) in
            #"{"listing_id":"\#(ListingFixture.id(n))","listing":\#(ListingFixture.summaryJSON(n, saved: true)),"notes":"\#(note)","saved_at":"2025-11-24T09:30:00Z"}"#
        }
        let page = #"{"items":[\#(item(1, "Call the agent Monday")),\#(item(2, ""))],"page":1,"per_page":50,"total":2}"#
        let stub = StubTransport { request in
            switch request.operationID {
            case "listingsSaved": return .json(status: 200, body: page)
            case "listingsSave" where request.path.contains(ListingFixture.id(2)):
                return .json(status: 404, body: StubTransport.problem(404, "Not Found", detail: "the listing is no longer published"))
            case "listingsSave": return .json(status: 200, body: item(1, "Call Tuesday"))
            default: return .unreachable
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer")
        app.press(":saved<enter>")
        await app.run(runner)
        XCTAssertTrue(app.hints.contains("n note  s unsave"), app.hints)
        app.press("n")
        guard case .prompt(let prompt) = app.state.overlay else { return XCTFail("the note is asked for") }
        XCTAssertEqual(prompt.title, "Change the note on “Listing 1”")
        XCTAssertEqual(prompt.form["notes"].value, "Call the agent Monday", "the prompt starts from the note as it is")
        app.press("<c-u>Call<space>Tuesday<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsSave").first?.field("notes"), "Call Tuesday")
        XCTAssertEqual(stub.requests("listingsUnsave").count, 0, "the listing stays saved")
        XCTAssertEqual(app.errorLine, " Note saved.")
        XCTAssertEqual(stub.requests("listingsSaved").count, 2, "the saved list is read again")
        app.press("j")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  No note: n writes one.")
        app.press("n")
        guard case .prompt(let empty) = app.state.overlay else { return XCTFail("the note is asked for") }
        XCTAssertEqual(empty.title, "Note on “Listing 2”")
        app.press("Parking?<enter>")
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Could not save: Not Found: the listing is no longer published (HTTP 404)")
    }

    func testTheTableFollowsAResize() async throws {
        var app = Harness.signedIn("buyer")
        app.press(":listings<enter>")
        app.send(.listings(.listingPageLoaded(.browse(BrowseQuery()), page: 1, generation: 0, .success(PageAnswer(items: ListingFixture.summaries(1...50), total: 500, receivedAt: ListingFixture.now)))))
        app.effects = []
        XCTAssertEqual(app.state.browser.list.cursor.viewportHeight, 16)
        app.send(.resized(Size(width: 100, height: 40)))
        XCTAssertEqual(app.state.browser.list.cursor.viewportHeight, 32)
        XCTAssertEqual(app.requestedPages, [2], "32 rows and the next 32 reach into page 2")
        XCTAssertNotNil(app.line(containing: "Listing 32 "))
        app.effects = []
        app.send(.resized(Size(width: 100, height: 60)))
        XCTAssertEqual(app.state.browser.list.cursor.viewportHeight, 52)
        XCTAssertEqual(app.requestedPages, [3], "page 2 is on its way; a taller window wants page 3 too")
    }
}
