@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import XCTest

/// One golden frame at 120×40 for every screen and its main states, so that a change meant to leave the
/// screens alone is proved frame for frame. Dates are fixed: lists are stamped `ListingFixture.now`, and
/// the two lists that age against the clock (connections, notifications) get dates a fixed span before it.
/// Thread times are printed in the terminal's time zone, which the suite takes to be UTC.
final class ScreenGoldenTests: XCTestCase {
    static let size = Size(width: 120, height: 40)
    static let session = StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref")

    /// A signed-in `type` at 120×40 whose server is `route`; the runner's session is the stored one.
    func signedIn(_ type: String, route: @escaping @Sendable (StubTransport.Request) -> StubTransport.Answer) async throws -> (Harness, EffectRunner) {
        let (runner, _) = try await makeRunner(StubTransport(route: route), session: Self.session)
        return (Harness.signedIn(type, size: Self.size), runner)
    }

    /// A date `seconds` before now, as the server writes it: for screens that age against the clock.
    static func before(_ seconds: TimeInterval) -> String {
        ISO8601DateFormatter().string(from: Date().addingTimeInterval(-seconds))
    }

    /// The app a moment after start, the server's answer in.
    func started() -> Harness {
        var app = Harness(size: Self.size)
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        app.effects = []
        return app
    }

    // MARK: status and the account forms

    func testStatusHealthy() throws {
        var app = Harness(size: Self.size, welcome: ["Demo accounts: buyer@example.com / Demo-pass1"])
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        try assertGolden(app.lines, "status-ok-120x40")
    }

    func testSignIn() throws {
        var app = started()
        app.press("s")
        app.press("bob@example.com<tab>Secret-1q?")
        XCTAssertEqual(app.state.screen, .signin)
        try assertGolden(app.lines, "signin-120x40")
    }

    func testRegister() throws {
        var app = started()
        app.press("s<f2>")
        app.press("ann@example<tab>Secret-pass1<tab>Ann<tab>Jones<tab>+447700900123<tab><right>")
        XCTAssertEqual(app.state.screen, .register)
        try assertGolden(app.lines, "register-120x40")
    }

    func testVerifyEmail() throws {
        var app = started()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(verified: false)))))))
        app.press("123")
        XCTAssertEqual(app.state.screen, .verify)
        try assertGolden(app.lines, "verify-120x40")
    }

    func testForgotPassword() throws {
        var app = started()
        app.press("sbob@example.com<f3>")
        XCTAssertEqual(app.state.screen, .forgotPassword)
        try assertGolden(app.lines, "forgot-password-120x40")
    }

    func testResetPassword() throws {
        var app = started()
        app.press(":forgot-password<enter><f2>")
        app.press("tok-123<tab>short<enter>")
        XCTAssertEqual(app.state.screen, .resetPassword)
        try assertGolden(app.lines, "reset-password-120x40")
    }

    // MARK: profile

    func profile(_ type: String) async throws -> Harness {
        // Where signing in lands, the list there loads too.
        let stub = StubTransport { request in
            switch request.operationID {
            case "listingsBrowse": ListingFixture.browseAnswer(request, total: 3)
            case "listingsMyListings": .json(status: 200, body: ListingFixture.pageJSON([], page: 1, perPage: 50, total: 0))
            default: Fixture.profileAnswers(type: type)[request.operationID] ?? .unreachable
            }
        }
        let (runner, _) = try await makeRunner(stub, session: Self.session)
        var app = started()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(type: type)))))))
        await app.run(runner)
        // Then from the status screen, so that the frame does not depend on where signing in lands.
        app.press(":status<enter>s")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .profile)
        return app
    }

    func testBuyerProfile() async throws {
        let app = try await profile("buyer")
        try assertGolden(app.lines, "profile-buyer-120x40")
    }

    func testSellerProfile() async throws {
        let app = try await profile("seller")
        try assertGolden(app.lines, "profile-seller-120x40")
    }

    func testProfileEditForms() async throws {
        var app = try await profile("buyer")
        app.press("e")
        XCTAssertEqual(app.state.context, .profileEdit)
        try assertGolden(app.lines, "profile-edit-details-120x40")
        app.press("<esc>b")
        XCTAssertEqual(app.state.context, .profileEdit)
        try assertGolden(app.lines, "profile-edit-preferences-120x40")
    }

    // MARK: listings, as a buyer

    static let listingDetail = ListingFixture.detailJSON(1)

    func browser() async throws -> (Harness, EffectRunner) {
        var (app, runner) = try await signedIn("buyer") { request in
            switch request.operationID {
            case "listingsBrowse": ListingFixture.browseAnswer(request, total: 1000, saved: [2])
            case "listingsGet": .json(status: 200, body: Self.listingDetail)
            default: .unreachable
            }
        }
        app.press(":listings<enter>")
        await app.run(runner)
        app.state.browser.receivedAt = ListingFixture.now
        app.render()
        return (app, runner)
    }

    func testListingsBrowser() async throws {
        var (app, _) = try await browser()
        app.press("jj")
        XCTAssertEqual(app.state.context, .listings)
        try assertGolden(app.lines, "listings-120x40")
    }

    func testListingsSearchLine() async throws {
        var (app, runner) = try await browser()
        app.press("/den")
        await app.run(runner)
        app.state.browser.receivedAt = ListingFixture.now
        app.render()
        XCTAssertEqual(app.state.context, .listingsSearch)
        try assertGolden(app.lines, "listings-search-120x40")
    }

    func testListingsFilterForm() async throws {
        var (app, _) = try await browser()
        app.press("f")
        app.press("<space><right><space><tab>North<space>West<tab>100000")
        XCTAssertEqual(app.state.context, .listingsFilter)
        try assertGolden(app.lines, "listings-filter-120x40")
    }

    func testListingDetail() async throws {
        var (app, runner) = try await browser()
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .listingDetail)
        try assertGolden(app.lines, "listing-detail-120x40")
    }

    func testSavedListingsWithNotes() async throws {
        let item = { (n: Int, note: String) in
            #"{"listing_id":"\#(ListingFixture.id(n))","listing":\#(ListingFixture.summaryJSON(n, saved: true)),"notes":"\#(note)","saved_at":"2025-11-24T09:30:00Z"}"#
        }
        let page = #"{"items":[\#(item(1, "Call the agent Monday")),\#(item(2, "Too far")),\#(item(3, ""))],"page":1,"per_page":50,"total":3}"#
        var (app, runner) = try await signedIn("buyer") { $0.operationID == "listingsSaved" ? .json(status: 200, body: page) : .unreachable }
        app.press(":saved<enter>")
        await app.run(runner)
        app.state.saved.receivedAt = ListingFixture.now
        app.render()
        XCTAssertEqual(app.state.context, .saved)
        try assertGolden(app.lines, "saved-120x40")
    }

    // MARK: the seller's listings

    static let analyticsJSON: String = {
        let days = (1...7).map { #"{"date":"2025-11-\#(String(format: "%02d", 19 + $0))","count":\#([0, 1, 2, 4, 8, 4, 2][$0 - 1])}"# }
        return #"{"listing_id":"\#(ListingFixture.id(1))","period_start":"2025-11-20T00:00:00Z","period_end":"2025-11-26T23:59:59Z","total_views":21,"unique_viewers":15,"saves":3,"connection_requests":2,"accepted_connections":1,"views_by_day":[\#(days.joined(separator: ","))]}"#
    }()

    func myListings() async throws -> (Harness, EffectRunner) {
        let rows = [
            ListingFixture.summaryJSON(1, title: "Harbour Dental", status: "published", change: { $0.hasPendingEdits = true }),
            ListingFixture.summaryJSON(2, title: "Leeds Pharmacy", status: "rejected", change: { $0.rejectionReason = "Add the staff count" }),
            ListingFixture.summaryJSON(3, title: "Draft Opticians", status: "draft"),
        ]
        let page = ListingFixture.pageJSON(rows, page: 1, perPage: 50, total: 3)
        let edits = "[" + ListingFixture.editJSON("asking_price", old: "650000", new: "600000") + "]"
        let detail = SellerAdminTests.listingWithTwoMedia.replacingOccurrences(
            of: #""status":"published""#,
            with: #""status":"published","trading_name":"Smile Ltd","exact_address":"1 High Street","postcode":"LS1 1AA","pending_edits":\#(edits)"#
        ).replacingOccurrences(of: #""confidential_access":false"#, with: #""confidential_access":true"#)
            .replacingOccurrences(of: #""title":"Listing 1""#, with: #""title":"Harbour Dental""#)
        var (app, runner) = try await signedIn("seller") { request in
            switch request.operationID {
            case "listingsMyListings": .json(status: 200, body: page)
            case "listingsGet": .json(status: 200, body: detail)
            case "listingsAnalytics": .json(status: 200, body: Self.analyticsJSON)
            default: .unreachable
            }
        }
        app.press(":my-listings<enter>")
        await app.run(runner)
        app.state.seller.receivedAt = ListingFixture.now
        app.render()
        return (app, runner)
    }

    func testMyListings() async throws {
        var (app, _) = try await myListings()
        app.press("j")
        XCTAssertEqual(app.state.context, .myListings)
        try assertGolden(app.lines, "my-listings-120x40")
    }

    func testSellerListingDetail() async throws {
        var (app, runner) = try await myListings()
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .sellerDetail)
        try assertGolden(app.lines, "seller-listing-detail-120x40")
    }

    func testListingForm() async throws {
        var (app, _) = try await myListings()
        app.press("n")
        app.press("Harbour<space>Dental<tab>Too<space>short<tab><right><tab>Whitby<tab>North<space>East<tab>575000<enter>")
        XCTAssertEqual(app.state.context, .listingForm)
        try assertGolden(app.lines, "listing-form-120x40")
    }

    func testTextEditorOverLongText() async throws {
        var (app, _) = try await myListings()
        app.press("nHarbour<space>Dental<f4>")
        app.press("A<space>two-surgery<space>practice<space>by<space>the<space>harbour.<enter>Freehold,<space>twelve<space>staff.")
        guard case .textEditor = app.state.overlay else { return XCTFail("the built-in editor opens") }
        try assertGolden(app.lines, "text-editor-120x40")
    }

    func testMediaForm() async throws {
        var (app, _) = try await myListings()
        app.press("m")
        app.press("~/photos/front.jpg<tab>The<space>front<space>of<space>the<space>practice")
        XCTAssertEqual(app.state.context, .mediaForm)
        try assertGolden(app.lines, "media-form-120x40")
    }

    func testSellerAnalytics() async throws {
        var (app, runner) = try await myListings()
        app.press("a")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .analytics)
        try assertGolden(app.lines, "analytics-120x40")
    }

    func testConfirmDialog() async throws {
        var (app, _) = try await myListings()
        app.press("d")
        guard case .confirm = app.state.overlay else { return XCTFail("delete asks first") }
        try assertGolden(app.lines, "confirm-120x40")
    }

    // MARK: admin

    static let userID = "5a4e0000-0000-4000-8000-000000000042"

    static func userJSON(_ email: String, first: String, last: String, type: String = "seller", status: String = "active", verification: String = "pending") -> String {
        #"{"id":"\#(userID)","email":"\#(email)","user_type":"\#(type)","first_name":"\#(first)","last_name":"\#(last)","email_verified":true,"verification_status":"\#(verification)","status":"\#(status)","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
    }

    func admin() async throws -> (Harness, EffectRunner) {
        let rows = [
            ListingFixture.summaryJSON(4, title: "Harbour Dental", status: "pending_approval"),
            ListingFixture.summaryJSON(5, title: "Leeds Pharmacy", status: "pending_approval"),
        ]
        let queue = ListingFixture.pageJSON(rows, page: 1, perPage: 50, total: 2)
        let editRows = [ListingFixture.summaryJSON(1, status: "published", change: { $0.hasPendingEdits = true })]
        let editsQueue = ListingFixture.pageJSON(editRows, page: 1, perPage: 50, total: 1)
        let edits = "[" + ListingFixture.editJSON("asking_price", old: "650000", new: "600000") + "," + ListingFixture.editJSON("title", old: "Listing 1", new: "Harbour Dental Care") + "]"
        let users = [
            Self.userJSON("sam@example.com", first: "Sam", last: "Seller"),
            Self.userJSON("bea@example.com", first: "Bea", last: "Buyer", type: "buyer", verification: "verified"),
        ]
        let usersPage = #"{"items":[\#(users.joined(separator: ","))],"page":1,"per_page":50,"total":2}"#
        var (app, runner) = try await signedIn("admin") { request in
            switch request.operationID {
            case "adminListListings": .json(status: 200, body: request.query("has_pending_edits") == ["true"] ? editsQueue : queue)
            case "listingsGet": .json(status: 200, body: ListingFixture.detailJSON(1, edits: edits))
            case "adminListUsers": .json(status: 200, body: usersPage)
            default: .unreachable
            }
        }
        app.press(":admin<enter>")
        await app.run(runner)
        app.state.admin.receivedAt = ListingFixture.now
        app.render()
        return (app, runner)
    }

    func testAdminQueue() async throws {
        let (app, _) = try await admin()
        XCTAssertEqual(app.state.context, .adminQueue)
        try assertGolden(app.lines, "admin-queue-120x40")
    }

    func testAdminQueueFilterForm() async throws {
        var (app, _) = try await admin()
        app.press("fdental")
        XCTAssertEqual(app.state.context, .queueFilter)
        try assertGolden(app.lines, "admin-queue-filter-120x40")
    }

    func testAdminListingDetailWithPendingEdits() async throws {
        var (app, runner) = try await admin()
        app.press("<tab>")
        await app.run(runner)
        app.state.admin.receivedAt = ListingFixture.now
        app.render()
        try assertGolden(app.lines, "admin-queue-edits-120x40")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .adminDetail)
        try assertGolden(app.lines, "admin-listing-detail-120x40")
    }

    func testAdminUsers() async throws {
        var (app, runner) = try await admin()
        app.press("u")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .adminUsers)
        try assertGolden(app.lines, "admin-users-120x40")
    }

    func testAdminUsersFilterForm() async throws {
        var (app, runner) = try await admin()
        app.press("u")
        await app.run(runner)
        app.press("fsam<tab><right><right>")
        XCTAssertEqual(app.state.context, .userFilter)
        try assertGolden(app.lines, "admin-users-filter-120x40")
    }

    // MARK: threads and notifications

    /// A buyer's two connections (one with unread messages, one waiting) aged 3 h and 2 d, the first one's thread, and one unread notification.
    func threads() async throws -> (Harness, EffectRunner) {
        let recent = Self.before(3 * 3600 + 1800), older = Self.before(2 * 86400 + 3600)
        let list = ConversationsTests.page([
            ConversationsTests.conversationJSON(1, unread: 2, preview: "Can we meet?").replacingOccurrences(of: "2025-11-26T09:00:00Z", with: recent),
            ConversationsTests.conversationJSON(2, status: "pending", preview: "Hello").replacingOccurrences(of: "2025-11-26T09:00:00Z", with: older),
        ])
        let thread = ConversationsTests.page([
            ConversationsTests.messageJSON(1, mine: true, text: "Is the lease long?", read: true),
            ConversationsTests.messageJSON(2, mine: false, text: "Fifteen years, with a review in 2030. The landlord has been easy to deal with."),
            ConversationsTests.messageJSON(3, mine: false, text: "Can we meet?"),
        ])
        let notifications = [
            ConversationsTests.notificationJSON(1, type: "new_message", title: "New message about Practice 1", url: "/api/v1/connections/\(ListingFixture.id(101))")
                .replacingOccurrences(of: "2025-11-26T09:00:00Z", with: recent),
            ConversationsTests.notificationJSON(2, type: "listing_approved", title: "Listing approved", read: true, url: "/api/v1/listings/\(ListingFixture.id(7))")
                .replacingOccurrences(of: "2025-11-26T09:00:00Z", with: older),
        ]
        let preferences = #"{"preferences":[{"type":"connection_request","in_app":true,"email_enabled":true,"push_enabled":false},{"type":"new_message","in_app":true,"email_enabled":true,"push_enabled":false},{"type":"listing_approved","in_app":true,"email_enabled":false,"push_enabled":false}]}"#
        var (app, runner) = try await signedIn("buyer") { request in
            switch request.operationID {
            case "notificationsList" where request.query("per_page") == ["1"]:
                .json(status: 200, body: #"{"items":[],"page":1,"per_page":1,"total":2,"unread_count":1}"#)
            case "notificationsList": .json(status: 200, body: #"{"items":[\#(notifications.joined(separator: ","))],"page":1,"per_page":100,"total":2,"unread_count":1}"#)
            case "notificationsGetPreferences": .json(status: 200, body: preferences)
            case "connectionsList": .json(status: 200, body: list)
            case "connectionsGetMessages": .json(status: 200, body: thread)
            case "connectionsMarkMessageRead": .empty(status: 204)
            default: .unreachable
            }
        }
        app.press(":threads<enter>")
        await app.poll(runner)
        return (app, runner)
    }

    func testThreads() async throws {
        let (app, _) = try await threads()
        XCTAssertEqual(app.state.context, .threads)
        try assertGolden(app.lines, "threads-120x40")
    }

    func testThreadsComposeBox() async throws {
        var (app, _) = try await threads()
        app.press("<enter>Tuesday<space>at<space>ten<space>suits<space>me.<c-o>Shall<space>I<space>bring<space>the<space>accounts?")
        XCTAssertEqual(app.state.context, .compose)
        try assertGolden(app.lines, "threads-compose-120x40")
    }

    func testNotifications() async throws {
        var (app, runner) = try await threads()
        app.press("gn")
        await app.poll(runner)
        XCTAssertEqual(app.state.context, .notifications)
        try assertGolden(app.lines, "notifications-120x40")
    }

    func testNotificationPreferences() async throws {
        var (app, runner) = try await threads()
        app.press("gn")
        await app.poll(runner)
        app.press("p")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .preferences)
        try assertGolden(app.lines, "notification-preferences-120x40")
    }

    // MARK: overlays

    func testHelpOverlay() async throws {
        var (app, _) = try await browser()
        app.press("?")
        guard case .help = app.state.overlay else { return XCTFail("help is open") }
        try assertGolden(app.lines, "help-120x40")
    }

    func testCommandLineWithCandidates() throws {
        var app = started()
        app.press(":s<tab>")
        guard case .commandLine = app.state.overlay else { return XCTFail("the command line is open") }
        try assertGolden(app.lines, "command-line-120x40")
    }

    func testPrompt() async throws {
        var (app, _) = try await browser()
        app.press("s")
        app.press("Call<space>the<space>agent<space>Monday")
        guard case .prompt = app.state.overlay else { return XCTFail("a note is asked for") }
        try assertGolden(app.lines, "prompt-120x40")
    }
}
