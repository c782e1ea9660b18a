@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import XCTest

/// The seller's listings, the listing form (validation, server errors, long text), media, analytics;
/// the admin's queue with the diff, confirm before reject and suspend, and users.
final class SellerAdminTests: XCTestCase {
    func seller(extra: [String: StubTransport.Answer] = [:]) async throws -> (Harness, EffectRunner, StubTransport) {
        let rows = [
            ListingFixture.summaryJSON(1, title: "Harbour Dental", status: "rejected", change: { $0.rejectionReason = "Add the staff count" }),
            ListingFixture.summaryJSON(2, title: "Leeds Pharmacy", status: "published", change: { $0.hasPendingEdits = true }),
            ListingFixture.summaryJSON(3, title: "Draft Opticians", status: "draft"),
        ]
        let page = ListingFixture.pageJSON(rows, page: 1, perPage: 50, total: 3)
        let stub = StubTransport(answers: ["listingsMyListings": .json(status: 200, body: page)].merging(extra) { _, new in new })
        let (harness, runner) = try await myListings(stub)
        var app = harness
        app.state.seller.receivedAt = ListingFixture.now
        app.render()
        return (app, runner, stub)
    }

    /// A signed-in seller on `:my-listings`, with `stub` as the server.
    func myListings(_ stub: StubTransport) async throws -> (Harness, EffectRunner) {
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("seller")
        app.press(":my-listings<enter>")
        await app.run(runner)
        return (app, runner)
    }

    func testMyListingsShowStatusBadgesAndRejectionReasons() async throws {
        var (app, _, _) = try await seller()
        XCTAssertEqual(app.line(containing: "Harbour"), " [rejected]   Harbour Dental                            £450,001      1      1d")
        XCTAssertEqual(app.line(containing: "Leeds"), " [published]✎ Leeds Pharmacy                            £450,002      2      1d")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  Rejected: Add the staff count — e edits, p submits again")
        app.press("j")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  ✎ changes wait for an admin; buyers see the approved version")
        XCTAssertTrue(app.hints.hasPrefix(" <down> move  <enter> open  n new  e edit  p submit  m media  a stats"), app.hints)
    }

    func testSubmittingADraftOrARejectedListingOnly() async throws {
        let detail = ListingFixture.detailJSON(3, status: "pending_approval")
        var (app, runner, stub) = try await seller(extra: ["listingsUpdate": .json(status: 200, body: detail)])
        app.press("j")
        app.press("p")
        XCTAssertEqual(app.errorLine, " Only a draft or a rejected listing is submitted; this one is published.")
        app.press("j")
        app.press("p")
        await app.run(runner)
        XCTAssertEqual(json(stub.requests("listingsUpdate").first), ["status": "pending_approval"])
        XCTAssertEqual(app.errorLine, " “Listing 3” is submitted for approval.")
        XCTAssertEqual(stub.requests("listingsMyListings").count, 2, "the list is read again")
    }

    func testTheFormChecksFieldsInlineAndShowsTheServers422BesideThem() async throws {
        let problem = StubTransport.problem(422, "Unprocessable Content", errors: ["title": ["is already used by another of your listings"], "year_established": ["must not be in the future"]])
        var (app, runner, stub) = try await seller(extra: ["listingsCreate": .json(status: 422, body: problem)])
        app.press("n")
        XCTAssertEqual(app.state.context, .listingForm)
        app.press("<enter>")
        XCTAssertEqual(app.errorLine, " Please fix the marked fields.")
        XCTAssertNotNil(app.line(containing: "title is required"))
        XCTAssertEqual(stub.requests("listingsCreate").count, 0, "nothing is sent while the form breaks the rules")
        app.press("Harbour<space>Dental<tab>Too<space>short")
        app.press("<tab><right><tab>Whitby<tab>North<space>East<tab>575000<enter>")
        XCTAssertNotNil(app.line(containing: "description must be at least 20 characters"), app.text)
        XCTAssertEqual(app.state.seller.panel?.editorForm.focusedField.name, "description", "the first bad field has the focus")
        app.press("<c-u>A<space>two-surgery<space>practice<space>by<space>the<space>harbour.<enter>")
        await app.run(runner)
        let sent = try JSONSerialization.jsonObject(with: stub.requests("listingsCreate")[0].body) as! [String: Any]
        XCTAssertEqual(sent["title"] as? String, "Harbour Dental")
        XCTAssertEqual(sent["business_type"] as? String, "dental_practice")
        XCTAssertEqual(sent["asking_price"] as? Int, 575_000)
        XCTAssertNil(sent["status"], "a new listing is submitted for approval")
        XCTAssertNil(sent["annual_revenue"], "empty optional fields are left out")
        XCTAssertEqual(app.state.context, .listingForm, "the form stays open on a 422")
        XCTAssertNotNil(app.line(containing: "title is already used by another of your listings"), app.text)
        XCTAssertEqual(app.state.seller.panel?.editorForm.focusedField.name, "title", "the first field the server named has the focus")
    }

    func testEditingSendsOnlyWhatChanged() async throws {
        let detail = ListingFixture.detailJSON(2)
        var (app, runner, stub) = try await seller(extra: ["listingsGet": .json(status: 200, body: detail), "listingsUpdate": .json(status: 200, body: detail)])
        app.press("j")
        app.press("e")
        XCTAssertNotNil(app.line(containing: "Loading…"))
        await app.run(runner)
        XCTAssertEqual(app.state.seller.panel?.editorForm["asking_price"].value, "650000", "the form fills in from the listing")
        for _ in 0..<5 { app.press("<tab>") }
        app.press("<c-u>600000<enter>")
        await app.run(runner)
        XCTAssertEqual(json(stub.requests("listingsUpdate").first), ["asking_price": 600_000], "unchanged fields are not sent, so an admin reviews one change")
    }

    func testLongTextOpensTheBuiltInEditorWithoutEDITOR() async throws {
        var (app, _, _) = try await seller()
        app.press("n")
        app.press("<f4>")
        guard case .textEditor = app.state.overlay else { return XCTFail("the built-in editor opens") }
        app.press("First<space>line<enter>Second<space>line")
        XCTAssertNotNil(app.line(containing: "│ First line"))
        XCTAssertNotNil(app.line(containing: " line 2 of 2 "))
        app.press("<f2>")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.state.seller.panel?.editorForm["description"].input.text, "First line\nSecond line")
        XCTAssertNotNil(app.line(containing: "First line ⏎ Second line"))
        app.press("<f4><bs><bs><bs><bs><esc>")
        XCTAssertEqual(app.state.seller.panel?.editorForm["description"].input.text, "First line\nSecond line", "escape throws the changes away")
    }

    func testLongTextGoesToEDITORWhenSet() async throws {
        var (app, _, _) = try await seller()
        app.state.externalEditor = "vi"
        app.press("n")
        app.press("Title<space>here<c-x>")
        XCTAssertEqual(app.effects.last, .editExternally(field: "description", text: ""))
        app.send(.textEdited(field: "description", .success("Written in vi, at some length.")))
        XCTAssertEqual(app.state.seller.panel?.editorForm["description"].value, "Written in vi, at some length.")
    }

    func testTheLoopHandsTheTerminalToEDITORAndTakesItBack() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("eh-editor-\(UUID().uuidString).sh")
        try "#!/bin/sh\nprintf 'from the editor\\n' > \"$1\"\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        defer { try? FileManager.default.removeItem(at: script) }
        let terminal = InMemoryTerminal()
        XCTAssertEqual(ExternalEditor.edit("old", command: script.path, terminal: terminal), .success("from the editor"))
        XCTAssertEqual(terminal.suspendCount, 1)
        guard case .failure = ExternalEditor.edit("old", command: "false", terminal: terminal) else { return XCTFail("a failing editor changes nothing") }
    }

    func testMediaIsUploadedAsMultipartWithCaptionAndConfidentiality() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("accounts-\(UUID().uuidString).pdf")
        try Data("%PDF-1.4 accounts".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let media = #"{"id":"\#(ListingFixture.id(901))","listing_id":"\#(ListingFixture.id(1))","media_type":"document","file_name":"accounts.pdf","content_type":"application/pdf","size_bytes":17,"display_order":1,"is_confidential":true,"created_at":"2025-11-26T09:00:00Z"}"#
        var (app, runner, stub) = try await seller(extra: ["listingsUploadMedia": .json(status: 201, body: media)])
        app.press("m")
        app.press("/nowhere/x.pdf<enter>")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "file cannot be read: /nowhere/x.pdf"), app.text)
        app.press("<c-u>\(file.path)<tab>2023<space>accounts<tab><right><enter>")
        await app.run(runner)
        let sent = try XCTUnwrap(stub.requests("listingsUploadMedia").first)
        XCTAssertTrue(sent.contentType?.hasPrefix("multipart/form-data") == true)
        let body = sent.bodyText
        XCTAssertTrue(body.contains(#"name="file""#) && body.contains("content-type: application/octet-stream") && body.contains("%PDF-1.4 accounts"), body)
        XCTAssertTrue(body.contains(#"name="caption""#) && body.contains("2023 accounts"), body)
        XCTAssertTrue(body.contains(#"name="is_confidential""#) && body.contains("true"), body)
        XCTAssertEqual(app.errorLine, " accounts.pdf attached to “Harbour Dental” (confidential).")
    }

    func testAnalyticsDrawViewsPerDayAsASparkline() async throws {
        let days = (1...7).map { #"{"date":"2025-11-\#(String(format: "%02d", 19 + $0))","count":\#([0, 1, 2, 4, 8, 4, 2][$0 - 1])}"# }
        let analytics = #"{"listing_id":"\#(ListingFixture.id(1))","period_start":"2025-11-20T00:00:00Z","period_end":"2025-11-26T23:59:59Z","total_views":21,"unique_viewers":15,"saves":3,"connection_requests":2,"accepted_connections":1,"views_by_day":[\#(days.joined(separator: ","))]}"#
        var (app, runner, _) = try await seller(extra: ["listingsAnalytics": .json(status: 200, body: analytics)])
        app.press("a")
        await app.run(runner)
        XCTAssertEqual(app.line(containing: "Views "), "  Views               21 (15 different viewers)")
        XCTAssertEqual(app.line(containing: "▁"), "  ▁▂▃▅█▅▃")
        XCTAssertEqual(app.line(containing: "2025-11-20"), "  2025-11-20 → 2025-11-26")
        XCTAssertEqual(Sparkline.render([]), "")
        XCTAssertEqual(Sparkline.render([0, 0]), "▁▁")
    }

    func testDeletingAsksFirst() async throws {
        var (app, runner, stub) = try await seller(extra: ["listingsDelete": .empty(status: 204)])
        app.press("d")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("delete asks first") }
        XCTAssertEqual(dialog.question, "Really delete the listing? “Harbour Dental”")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsDelete").count, 1)
        XCTAssertEqual(app.errorLine, " Listing deleted.")
    }

    // MARK: admin

    func admin(extra: [String: StubTransport.Answer] = [:]) async throws -> (Harness, EffectRunner, StubTransport) {
        let rows = [ListingFixture.summaryJSON(1, title: "Harbour Dental", status: "pending_approval"), ListingFixture.summaryJSON(2, title: "Leeds Pharmacy", status: "published")]
        let page = ListingFixture.pageJSON(rows, page: 1, perPage: 50, total: 2)
        let stub = StubTransport(answers: ["adminListListings": .json(status: 200, body: page)].merging(extra) { _, new in new })
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "ada@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("admin")
        app.press(":admin<enter>")
        await app.run(runner)
        return (app, runner, stub)
    }

    func testTheQueueAndTheDiffOfAnEdit() async throws {
        let edits = "[" + ListingFixture.editJSON("asking_price", old: "650000", new: "600000") + "," + ListingFixture.editJSON("title", old: "Listing 1", new: "Harbour Dental Care") + "]"
        var (app, runner, stub) = try await admin(extra: ["listingsGet": .json(status: 200, body: ListingFixture.detailJSON(1, edits: edits))])
        XCTAssertTrue(app.lines[2].hasPrefix(" Waiting for approval: new listings   (tab: edits)"), app.lines[2])
        XCTAssertEqual(stub.requests("adminListListings").first?.query("status"), ["pending_approval"])
        app.press("<tab>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("adminListListings").last?.query("has_pending_edits"), ["true"])
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .adminDetail)
        XCTAssertTrue(app.lines[2].contains("│ What approving does"), app.lines[2])
        let left = app.line(containing: "asking_price")!
        XCTAssertTrue(left.hasSuffix("│ asking_price"), left)
        XCTAssertTrue(app.line(containing: "- 650000")!.hasSuffix("│  - 650000"))
        XCTAssertTrue(app.line(containing: "+ 600000")!.hasSuffix("│  + 600000"))
        XCTAssertNotNil(app.line(containing: "+ Harbour Dental Care"))
        XCTAssertTrue(app.line(containing: "Asking price")!.hasPrefix("  Asking price    £650,000"), "the listing as buyers see it, on the left")
    }

    func testRejectConfirmsThenAsksForTheReason() async throws {
        var (app, runner, stub) = try await admin(extra: ["adminRejectListing": .json(status: 200, body: ListingFixture.detailJSON(1, status: "rejected", rejection: "Photos missing"))])
        app.press("r")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("reject asks first") }
        XCTAssertEqual(dialog.question, "Really reject the listing or its edits, with a reason? “Harbour Dental”")
        XCTAssertNotNil(app.line(containing: "[ Yes (y) ]"))
        app.press("<enter>")
        XCTAssertNil(app.state.overlay, "Enter on the highlighted No keeps things as they are")
        app.press("ry")
        guard case .prompt(let prompt) = app.state.overlay else { return XCTFail("then a reason") }
        XCTAssertEqual(prompt.title, "Reject “Harbour Dental”")
        app.press("<enter>")
        XCTAssertNotNil(app.line(containing: "reason is required"), "a reason is needed")
        app.press("Photos<space>missing<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("adminRejectListing").first?.field("reason"), "Photos missing")
        XCTAssertEqual(app.errorLine, " Rejected “Listing 1”; the seller sees the reason.")
    }

    func testApproveFromTheQueue() async throws {
        var (app, runner, stub) = try await admin(extra: ["adminApproveListing": .json(status: 200, body: ListingFixture.detailJSON(1))])
        app.press("a")
        XCTAssertNil(app.state.overlay, "approving does not ask")
        await app.run(runner)
        XCTAssertEqual(stub.requests("adminApproveListing").count, 1)
        XCTAssertEqual(app.errorLine, " Approved “Listing 1”.")
        XCTAssertEqual(stub.requests("adminListListings").count, 2, "the queue is read again")
    }

    func testUsersFilterVerifyAndSuspendWithAReasonAfterConfirming() async throws {
        let id = UUID().uuidString
        let user = { (email: String, status: String, verification: String) in
            #"{"id":"\#(id)","email":"\#(email)","user_type":"seller","first_name":"Sam","last_name":"Seller","email_verified":true,"verification_status":"\#(verification)","status":"\#(status)","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
        }
        let page = #"{"items":[\#(user("sam@example.com", "active", "pending"))],"page":1,"per_page":50,"total":1}"#
        let suspended = user("sam@example.com", "suspended", "pending").replacingOccurrences(of: #""status":"suspended""#, with: #""status":"suspended","suspension_reason":"Fake documents""#)
        var (app, runner, stub) = try await admin(extra: [
            "adminListUsers": .json(status: 200, body: page),
            "adminVerifyUser": .json(status: 200, body: user("sam@example.com", "active", "verified")),
            "adminSuspendUser": .json(status: 200, body: suspended),
        ])
        app.press("u")
        await app.run(runner)
        XCTAssertTrue(app.line(containing: "sam@")!.contains("Sam Seller         seller active    pending"), app.line(containing: "sam@")!)
        app.press("f")
        app.press("sam<tab><right><right><enter>")
        await app.run(runner)
        let filtered = try XCTUnwrap(stub.requests("adminListUsers").last)
        XCTAssertEqual(filtered.query("q"), ["sam"])
        XCTAssertEqual(filtered.query("user_type"), ["seller"])
        XCTAssertTrue(app.lines[2].hasPrefix(" Users: seller · “sam”"), app.lines[2])
        app.press("v")
        await app.run(runner)
        XCTAssertEqual(json(stub.requests("adminVerifyUser").first), ["verified": true])
        XCTAssertEqual(app.errorLine, " sam@example.com is verified and active.")
        app.press("x")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("suspending asks first") }
        XCTAssertEqual(dialog.question, "Really suspend the user (or lift a suspension)? “sam@example.com”")
        app.press("y")
        guard case .prompt = app.state.overlay else { return XCTFail("then a reason") }
        app.press("Fake<space>documents<enter>")
        await app.run(runner)
        let sent = try XCTUnwrap(stub.requests("adminSuspendUser").first)
        XCTAssertEqual(sent.field("reason"), "Fake documents")
        XCTAssertEqual(app.errorLine, " sam@example.com is suspended.")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  Suspended: Fake documents")
    }

    // MARK: seller: media, sold and archived, the analytics period

    /// Listing 1 with two media items: plan.pdf, then front.jpg.
    static let listingWithTwoMedia = ListingFixture.detailJSON(1).replacingOccurrences(
        of: #""media":["#,
        with: #""media":[{"id":"\#(ListingFixture.id(901))","listing_id":"\#(ListingFixture.id(1))","media_type":"document","file_name":"plan.pdf","content_type":"application/pdf","size_bytes":4096,"display_order":0,"is_confidential":false,"created_at":"2025-11-20T09:30:00Z"},"#
    )

    func testDeletingTheSelectedMediaItemAsksFirstAndReloadsTheListing() async throws {
        var (app, runner, stub) = try await seller(extra: [
            "listingsGet": .json(status: 200, body: Self.listingWithTwoMedia), "listingsDeleteMedia": .empty(status: 204),
        ])
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .sellerDetail)
        XCTAssertEqual(app.trimmed(app.lines[20]), "  Media 1 of 2: plan.pdf — tab selects another, d deletes it")
        XCTAssertTrue(app.hints.contains("<tab> media  d delete media  S sold  X archive"), app.hints)
        app.press("<tab>")
        XCTAssertEqual(app.trimmed(app.lines[20]), "  Media 2 of 2: front.jpg — tab selects another, d deletes it")
        app.press("d")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("deleting media asks first") }
        XCTAssertEqual(dialog.question, "Really delete the selected media item? “front.jpg”")
        app.press("n")
        XCTAssertEqual(stub.requests("listingsDeleteMedia").count, 0, "no keeps it")
        app.press("dy")
        await app.run(runner)
        XCTAssertEqual(stub.requests("listingsDeleteMedia").map(\.path), ["/listings/\(ListingFixture.id(1))/media/\(ListingFixture.id(900))"])
        XCTAssertEqual(app.errorLine, " front.jpg deleted from “Listing 1”.")
        XCTAssertEqual(stub.requests("listingsGet").count, 2, "the listing is read again, without the deleted item")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .myListings)
    }

    func testAFailedMediaDeleteSaysWhyOnTheErrorLine() async throws {
        let problem = StubTransport.problem(409, "Conflict", detail: "the listing is sold")
        var (app, runner, _) = try await seller(extra: [
            "listingsGet": .json(status: 200, body: ListingFixture.detailJSON(1)), "listingsDeleteMedia": .json(status: 409, body: problem),
        ])
        app.press("<enter>")
        await app.run(runner)
        app.press("dy")
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Could not delete the media: Conflict: the listing is sold (HTTP 409)")
    }

    func testAListingWithoutMediaSaysSoInsteadOfAsking() async throws {
        let bare = ListingFixture.detailJSON(1).replacing(#/"media":\[.*?\}\]/#, with: #""media":[]"#)
        var (app, runner, stub) = try await seller(extra: ["listingsGet": .json(status: 200, body: bare)])
        app.press("<enter>")
        await app.run(runner)
        app.press("d")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " This listing has no media to delete.")
        XCTAssertEqual(stub.requests("listingsDeleteMedia").count, 0)
    }

    func testMarkingSoldAndArchivingFollowTheWorkflowAfterConfirming() async throws {
        let conflict = StubTransport.problem(409, "Conflict", detail: "a sold listing stays sold")
        let stub = StubTransport { request in
            switch request.operationID {
            case "listingsMyListings":
                let rows = [
                    ListingFixture.summaryJSON(1, title: "Harbour Dental", status: "rejected"),
                    ListingFixture.summaryJSON(2, title: "Leeds Pharmacy", status: "published"),
                    ListingFixture.summaryJSON(3, title: "Old Opticians", status: "sold"),
                ]
                return .json(status: 200, body: ListingFixture.pageJSON(rows, page: 1, perPage: 50, total: 3))
            case "listingsUpdate" where request.bodyText.contains("archived"):
                return .json(status: 409, body: conflict)
            case "listingsUpdate":
                return .json(status: 200, body: ListingFixture.detailJSON(2, status: "sold"))
            default:
                return .unreachable
            }
        }
        let (harness, runner) = try await myListings(stub)
        var app = harness
        app.press("S")
        XCTAssertNil(app.state.overlay, "a listing that is not published is not offered")
        XCTAssertEqual(app.errorLine, " Only a published listing is marked sold; this one is rejected.")
        app.press("j")
        app.press("S")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("marking sold asks first") }
        XCTAssertEqual(dialog.question, "Really mark the published listing sold? “Leeds Pharmacy”")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(json(stub.requests("listingsUpdate").first), ["status": "sold"])
        XCTAssertEqual(app.errorLine, " “Listing 2” is marked sold.")
        XCTAssertEqual(stub.requests("listingsMyListings").count, 2, "the list is read again")
        XCTAssertEqual(app.state.seller.list.cursor.selected, 0, "from the top")
        app.press("j")
        app.press("X")
        guard case .confirm(let archive) = app.state.overlay else { return XCTFail("archiving asks first") }
        XCTAssertEqual(archive.question, "Really archive the listing (it leaves browse)? “Leeds Pharmacy”")
        app.press("y")
        await app.run(runner)
        XCTAssertEqual(json(stub.requests("listingsUpdate").last), ["status": "archived"])
        XCTAssertEqual(app.errorLine, " Could not archive it: Conflict: a sold listing stays sold (HTTP 409)")
        app.press("j")
        app.press("X")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " This listing is sold already.")
        XCTAssertEqual(stub.requests("listingsUpdate").count, 2)
    }

    func testTheAnalyticsPeriodCyclesThroughSevenThirtyAndNinetyDays() async throws {
        let analytics = { @Sendable (days: Int) in
            let counts = (0..<days).map { #"{"date":"2025-11-26","count":\#($0 % 3)}"# }.joined(separator: ",")
            return #"{"listing_id":"\#(ListingFixture.id(1))","period_start":"2025-08-28T00:00:00Z","period_end":"2025-11-26T23:59:59Z","total_views":\#(days),"unique_viewers":1,"saves":0,"connection_requests":0,"accepted_connections":0,"views_by_day":[\#(counts)]}"#
        }
        let stub = StubTransport { request in
            switch request.operationID {
            case "listingsMyListings":
                return .json(status: 200, body: ListingFixture.pageJSON([ListingFixture.summaryJSON(1)], page: 1, perPage: 50, total: 1))
            case "listingsAnalytics":
                return .json(status: 200, body: analytics(Int(request.query("days").first ?? "") ?? 0))
            default:
                return .unreachable
            }
        }
        let (harness, runner) = try await myListings(stub)
        var app = harness
        app.press("a")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "Analytics: Listing 1 · last 30 days"), app.text)
        XCTAssertTrue(app.hints.contains("p period"), app.hints)
        app.press("p")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "Analytics: Listing 1 · last 90 days"), app.text)
        XCTAssertEqual(app.line(containing: "Views "), "  Views               90 (1 different viewers)")
        app.press("p")
        await app.run(runner)
        XCTAssertEqual(app.line(containing: "Views "), "  Views               7 (1 different viewers)")
        XCTAssertEqual(stub.requests("listingsAnalytics").map { $0.query("days") }, [["30"], ["90"], ["7"]])
        app.send(.seller(.analyticsLoaded(id: ListingFixture.uuid(1), days: 90, .failure(.unreachable("late")))))
        XCTAssertEqual(app.line(containing: "Views "), "  Views               7 (1 different viewers)", "a late answer for another period is dropped")
        app.press("p")
        XCTAssertEqual(app.effects, [.seller(.loadAnalytics(id: ListingFixture.uuid(1), days: 30))])
    }

    // MARK: admin: refusing identity, filtering the queue

    func testRefusingIdentityVerificationConfirmsThenSendsTheReason() async throws {
        let id = UUID().uuidString
        let user = { (verification: String) in
            #"{"id":"\#(id)","email":"sam@example.com","user_type":"seller","first_name":"Sam","last_name":"Seller","email_verified":true,"verification_status":"\#(verification)","status":"active","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
        }
        var (app, runner, stub) = try await admin(extra: [
            "adminListUsers": .json(status: 200, body: #"{"items":[\#(user("pending"))],"page":1,"per_page":50,"total":1}"#),
            "adminVerifyUser": .json(status: 200, body: user("rejected")),
        ])
        app.press("u")
        await app.run(runner)
        XCTAssertTrue(app.hints.contains("v verify  V refuse"), app.hints)
        app.press("V")
        guard case .confirm(let dialog) = app.state.overlay else { return XCTFail("refusing asks first") }
        XCTAssertEqual(dialog.question, "Really refuse the user's identity verification, with a reason? “sam@example.com”")
        app.press("y")
        guard case .prompt(let prompt) = app.state.overlay else { return XCTFail("then a reason") }
        XCTAssertEqual(prompt.title, "Refuse sam@example.com's identity verification")
        app.press("<enter>")
        XCTAssertNotNil(app.line(containing: "reason is required"))
        app.press("Passport<space>photo<space>is<space>blurred<enter>")
        await app.run(runner)
        XCTAssertEqual(json(stub.requests("adminVerifyUser").first), ["verified": false, "reason": "Passport photo is blurred"])
        XCTAssertEqual(app.errorLine, " sam@example.com is active; identity verification refused.")
        XCTAssertTrue(app.line(containing: "sam@")!.contains("seller active    rejected"), app.line(containing: "sam@")!)
        app.press("V")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.errorLine, " sam@example.com's identity verification is already refused.")
        XCTAssertEqual(stub.requests("adminVerifyUser").count, 1)
    }

    func testAFailedRefusalSaysWhyOnTheErrorLine() async throws {
        let user = #"{"id":"\#(UUID().uuidString)","email":"sam@example.com","user_type":"seller","first_name":"Sam","last_name":"Seller","email_verified":true,"verification_status":"pending","status":"active","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
        var (app, runner, _) = try await admin(extra: [
            "adminListUsers": .json(status: 200, body: #"{"items":[\#(user)],"page":1,"per_page":50,"total":1}"#),
            "adminVerifyUser": .json(status: 404, body: StubTransport.problem(404, "Not Found", detail: "no such user")),
        ])
        app.press("u")
        await app.run(runner)
        app.press("Vy")
        app.press("No<enter>")
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Could not change the user: Not Found: no such user (HTTP 404)")
    }

    func testTheQueueFiltersByTextAndBySeller() async throws {
        var (app, runner, stub) = try await admin()
        app.press("f")
        XCTAssertEqual(app.state.context, .queueFilter)
        app.press("dental<tab>not-an-id<enter>")
        XCTAssertEqual(app.errorLine, " Please fix the marked fields.")
        XCTAssertNotNil(app.line(containing: "must be a seller's id"), app.text)
        XCTAssertEqual(stub.requests("adminListListings").count, 1, "nothing is asked with a broken id")
        app.press("<c-u><enter>")
        await app.run(runner)
        let text = try XCTUnwrap(stub.requests("adminListListings").last)
        XCTAssertEqual(text.query("q"), ["dental"])
        XCTAssertEqual(text.query("status"), ["pending_approval"])
        XCTAssertEqual(text.query("seller_id"), [])
        XCTAssertTrue(app.lines[2].hasPrefix(" Waiting for approval: new listings · “dental”   (tab: edits)"), app.lines[2])
        app.press("s")
        await app.run(runner)
        let seller = try XCTUnwrap(stub.requests("adminListListings").last)
        XCTAssertEqual(seller.query("seller_id").map { $0.lowercased() }, [ListingFixture.sellerID])
        XCTAssertEqual(seller.query("q"), ["dental"])
        XCTAssertTrue(app.lines[2].contains("· “dental” · seller 5e11e700…"), app.lines[2])
        app.press("<tab>")
        await app.run(runner)
        let edits = try XCTUnwrap(stub.requests("adminListListings").last)
        XCTAssertEqual(edits.query("has_pending_edits"), ["true"])
        XCTAssertEqual(edits.query("seller_id").map { $0.lowercased() }, [ListingFixture.sellerID], "the filter stays across the two queues")
        app.press("s")
        await app.run(runner)
        XCTAssertEqual(stub.requests("adminListListings").last?.query("seller_id"), [], "s again shows every seller")
        app.press("f")
        XCTAssertEqual(app.state.admin.listingFilterForm?["q"].value, "dental", "the form opens with the filter in use")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .adminQueue)
        app.send(.resized(Size(width: 120, height: 24)))
        XCTAssertTrue(app.hints.contains("u users  f filter"), "the footer names it where there is room: \(app.hints)")
    }

    /// A request's JSON body as a dictionary, to compare without caring about key order or spacing.
    func json(_ request: StubTransport.Request?) -> NSDictionary? {
        request.flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? NSDictionary }
    }

    func testScreensAreForTheirRoles() {
        var app = Harness.signedIn("buyer")
        app.press(":admin<enter>")
        XCTAssertEqual(app.errorLine, " Admin is for admins.")
        app.press(":my-listings<enter>")
        XCTAssertEqual(app.errorLine, " My listings is for sellers.")
        var signedOut = Harness()
        signedOut.press(":saved<enter>")
        XCTAssertEqual(signedOut.state.screen, .signin)
        XCTAssertEqual(signedOut.errorLine, " Sign in to see saved listings.")
        signedOut.press("<esc>:listings<enter>")
        XCTAssertEqual(signedOut.state.screen, .listings, "anyone may browse")
    }

    func testTheProfileSaysWhereToGo() async throws {
        var app = Harness.signedIn("seller")
        app.press(":profile<enter>")
        app.send(.profile(.profileLoaded(.success(ProfileData(account: Fixture.account(Fixture.userJSON(type: "seller")))))))
        XCTAssertEqual(app.line(containing: "Go to"), "  Go to          l listings · m my listings")
        app.press("m")
        XCTAssertEqual(app.state.screen, .myListings)
    }
}
