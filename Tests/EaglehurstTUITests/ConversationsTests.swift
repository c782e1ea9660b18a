@testable import EaglehurstTUI
import EaglehurstAPI
import Foundation
import Synchronization
import XCTest

/// Threads, requests, notifications and the background poll, through the stub server.
final class ConversationsTests: XCTestCase {
    static let me = Fixture.userID
    static let other = "0ddba110-0000-4000-8000-000000000099"

    static func conversationJSON(_ n: Int, status: String = "accepted", iAmBuyer: Bool = true, unread: Int = 0, preview: String = "See you then") -> String {
        let (buyer, seller) = iAmBuyer ? (me, other) : (other, me)
        let buyerName = iAmBuyer ? (#"Bob"#, #"Smith"#) : ("Alice", "Archer")
        let sellerName = iAmBuyer ? ("Alice", "Archer") : ("Bob", "Smith")
        return #"{"id":"\#(ListingFixture.id(100 + n))","listing_id":"\#(ListingFixture.id(n))","buyer_id":"\#(buyer)","seller_id":"\#(seller)","status":"\#(status)","listing":\#(ListingFixture.summaryJSON(n, title: "Practice \(n)")),"buyer":{"id":"\#(buyer)","first_name":"\#(buyerName.0)","last_name":"\#(buyerName.1)","user_type":"buyer"},"seller":{"id":"\#(seller)","first_name":"\#(sellerName.0)","last_name":"\#(sellerName.1)","user_type":"seller"},"initial_message":"Hello","last_message_preview":"\#(preview)","last_message_at":"2025-11-26T09:00:00Z","unread_count":\#(unread),"created_at":"2025-11-25T09:00:00Z","updated_at":"2025-11-26T09:00:00Z"}"#
    }

    static func messageJSON(_ n: Int, connection: Int = 1, mine: Bool, text: String, read: Bool = false) -> String {
        #"{"id":"\#(ListingFixture.id(500 + n))","connection_id":"\#(ListingFixture.id(100 + connection))","sender_id":"\#(mine ? me : other)","content":"\#(text)","message_type":"text","is_read":\#(read),"created_at":"2025-11-26T0\#(n):00:00Z"}"#
    }

    static func page(_ items: [String], total: Int? = nil, extra: String = "") -> String {
        #"{"items":[\#(items.joined(separator: ","))],"page":1,"per_page":100,"total":\#(total ?? items.count)\#(extra)}"#
    }

    static func notificationJSON(_ n: Int, type: String, title: String, read: Bool = false, url: String) -> String {
        #"{"id":"\#(ListingFixture.id(700 + n))","user_id":"\#(me)","type":"\#(type)","title":"\#(title)","message":"Message \#(n)","is_read":\#(read),"action_url":"\#(url)","created_at":"2025-11-26T09:00:00Z"}"#
    }

    /// A request's JSON body as strings, for comparing.
    func body(_ request: StubTransport.Request?) -> [String: String] {
        guard let request, let object = try? JSONSerialization.jsonObject(with: request.body) as? [String: Any] else { return [:] }
        return object.compactMapValues { $0 as? String }
    }

    static let noNotifications = #"{"items":[],"page":1,"per_page":1,"total":0,"unread_count":0}"#

    /// A signed-in user on the threads screen, the poll and the thread loaded through `stub`.
    func threads(_ type: String = "buyer", route: @escaping @Sendable (StubTransport.Request) -> StubTransport.Answer) async throws -> (Harness, EffectRunner, StubTransport) {
        let stub = StubTransport { request in
            switch request.operationID {
            case "notificationsList":
                request.ifNoneMatch == "\"n0\"" ? .empty(status: 304) : .json(status: 200, body: Self.noNotifications, headers: ["ETag": "\"n0\""])
            case "connectionsMarkMessageRead": .empty(status: 204)
            default: route(request)
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn(type, size: Size(width: 100, height: 24))
        app.press(":threads<enter>")
        await app.poll(runner)
        return (app, runner, stub)
    }

    func testTheThreadsScreenListsConnectionsAndShowsTheSelectedThread() async throws {
        let list = Self.page([Self.conversationJSON(1, unread: 2, preview: "Can we meet?"), Self.conversationJSON(2, status: "pending", preview: "Hello")])
        let thread = Self.page([Self.messageJSON(1, mine: true, text: "Is the lease long?", read: true), Self.messageJSON(2, mine: false, text: "Fifteen years."), Self.messageJSON(3, mine: false, text: "Can we meet?")])
        let (app, _, stub) = try await threads { request in
            switch request.operationID {
            case "connectionsList": .json(status: 200, body: list, headers: ["ETag": "\"c1\""])
            case "connectionsGetMessages": .json(status: 200, body: thread, headers: ["ETag": "\"t1\""])
            default: .unreachable
            }
        }
        XCTAssertEqual(app.state.screen, .threads)
        XCTAssertNotNil(app.line(containing: "Practice 1: Can we meet?"), app.text)
        XCTAssertNotNil(app.line(containing: "Alice Archer [waiting]"), "a buyer's pending request waits for the seller\n\(app.text)")
        XCTAssertNotNil(app.line(containing: "You · 26 Nov 01:00 · read"), app.text)
        XCTAssertNotNil(app.line(containing: "Alice Archer · 26 Nov 03:00"), app.text)
        XCTAssertNotNil(app.line(containing: "  Can we meet?"), app.text)
        XCTAssertNotNil(app.line(containing: "with Alice Archer (seller) · connected"), app.text)
        // Seen means read: the other party's newest message is marked, which marks the earlier ones.
        XCTAssertEqual(stub.requests("connectionsMarkMessageRead").map(\.path), ["/connections/\(ListingFixture.id(101))/messages/\(ListingFixture.id(503))/read"])
        XCTAssertNil(app.line(containing: "● Alice Archer"), "the unread badge goes once the thread is read\n\(app.text)")
        XCTAssertEqual(stub.requests("connectionsList").first?.query("per_page"), ["100"])
    }

    func testNewMessagesArriveWithThePollWhichSendsTheTagAndAsksOnlyForWhatIsNew() async throws {
        let list = Self.page([Self.conversationJSON(1)])
        let first = Self.page([Self.messageJSON(1, mine: true, text: "Hello there")])
        let later = Self.page([Self.messageJSON(2, mine: false, text: "A new reply")])
        let phase = Mutex(0)
        let (app0, runner, stub) = try await threads { request in
            switch request.operationID {
            case "connectionsList":
                return request.ifNoneMatch == "\"c1\"" ? .json(status: 304, body: "", headers: ["ETag": "\"c1\""]) : .json(status: 200, body: list, headers: ["ETag": "\"c1\""])
            case "connectionsGetMessages":
                guard !request.query("after").isEmpty else { return .json(status: 200, body: first, headers: ["ETag": "\"full\""]) }
                if phase.withLock({ $0 }) == 0 { return request.ifNoneMatch == "\"a1\"" ? .empty(status: 304) : .json(status: 200, body: Self.page([]), headers: ["ETag": "\"a1\""]) }
                return .json(status: 200, body: later, headers: ["ETag": "\"a2\""])
            default: return .unreachable
            }
        }
        var app = app0
        XCTAssertNotNil(app.line(containing: "Hello there"))
        await app.poll(runner)
        await app.poll(runner)
        let polls = stub.requests("connectionsGetMessages").filter { !$0.query("after").isEmpty }
        XCTAssertEqual(polls.map { $0.query("after") }, [[ListingFixture.id(501)], [ListingFixture.id(501)]], "only messages after the last one")
        XCTAssertEqual(polls.map(\.ifNoneMatch), [nil, "\"a1\""], "the tag goes back only with the query it belongs to")
        XCTAssertEqual(stub.requests("connectionsList").last?.ifNoneMatch, "\"c1\"")
        XCTAssertGreaterThan(app.state.conversations.poll.quietPolls, 0, "nothing new: the pause grows")
        phase.withLock { $0 = 1 }
        await app.poll(runner)
        XCTAssertNotNil(app.line(containing: "A new reply"), "a new message shows without a key being pressed\n\(app.text)")
        XCTAssertEqual(app.state.conversations.poll.quietPolls, 0, "something new: the pause is short again")
        XCTAssertEqual(stub.requests("connectionsMarkMessageRead").last?.path.contains(ListingFixture.id(502)), true)
    }

    func testComposeSendsAndKeepsTheTextWhenSendingFails() async throws {
        let list = Self.page([Self.conversationJSON(1)])
        let fail = Mutex(true)
        var (app, runner, stub) = try await threads { request in
            switch request.operationID {
            case "connectionsList": return .json(status: 200, body: list)
            case "connectionsGetMessages": return .json(status: 200, body: Self.page([Self.messageJSON(1, mine: false, text: "Hi")]))
            case "connectionsSendMessage":
                if fail.withLock({ $0 }) { return .json(status: 409, body: StubTransport.problem(409, "This thread is closed", detail: "The connection is blocked.")) }
                return .json(status: 201, body: Self.messageJSON(2, mine: true, text: "Thanks, two lines"))
            default: return .unreachable
            }
        }
        app.press("<enter>")
        XCTAssertEqual(app.state.context, .compose)
        app.press("<enter>")
        XCTAssertEqual(app.errorLine, " Write something first.")
        app.press("Thanks,<c-o>two<space>lines")
        XCTAssertEqual(app.state.conversations.threads.compose.text, "Thanks,\ntwo lines")
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(app.errorLine, " Not sent (your text is kept): This thread is closed: The connection is blocked. (HTTP 409)")
        XCTAssertEqual(app.state.conversations.threads.compose.text, "Thanks,\ntwo lines")
        fail.withLock { $0 = false }
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("connectionsSendMessage").last?.field("content"), "Thanks,\ntwo lines")
        XCTAssertEqual(app.state.conversations.threads.compose.text, "")
        XCTAssertNotNil(app.line(containing: "Thanks, two lines"), app.text)
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .threads)
    }

    func testAMessageCanBeWrittenInEDITOR() async throws {
        let list = Self.page([Self.conversationJSON(1)])
        var (app, _, _) = try await threads { request in
            switch request.operationID {
            case "connectionsList": .json(status: 200, body: list)
            case "connectionsGetMessages": .json(status: 200, body: Self.page([]))
            default: .unreachable
            }
        }
        app.state.externalEditor = "vi"
        app.press("<enter>Dear<space>Alice,<f4>")
        let field = "compose:\(ListingFixture.id(101))"
        XCTAssertEqual(app.effects.last, .editExternally(field: field, text: "Dear Alice,"))
        app.send(.textEdited(field: field, .success("Dear Alice,\n\nThank you.")))
        XCTAssertEqual(app.state.conversations.threads.compose.text, "Dear Alice,\n\nThank you.")
        XCTAssertEqual(app.state.context, .compose, "back in the compose box to send it")
        app.send(.textEdited(field: field, .failure(.unexpected("vi exited with status 1; the text is unchanged"))))
        XCTAssertEqual(app.errorLine, " The editor did not run: unexpected answer: vi exited with status 1; the text is unchanged")
        XCTAssertEqual(app.state.conversations.threads.compose.text, "Dear Alice,\n\nThank you.")
    }

    func testADraftStaysWithItsThread() async throws {
        let list = Self.page([Self.conversationJSON(1), Self.conversationJSON(2)])
        var (app, runner, _) = try await threads { request in
            switch request.operationID {
            case "connectionsList": .json(status: 200, body: list)
            case "connectionsGetMessages": .json(status: 200, body: Self.page([]))
            default: .unreachable
            }
        }
        app.press("<enter>half<space>written<esc>j")
        await app.run(runner)
        XCTAssertEqual(app.state.conversations.threads.compose.text, "")
        app.press("k")
        await app.run(runner)
        XCTAssertEqual(app.state.conversations.threads.compose.text, "half written")
    }

    func testASellerAnswersARequestWithAnOptionalMessageAndABuyerCannot() async throws {
        let list = Self.page([Self.conversationJSON(1, status: "pending", iAmBuyer: false)])
        let accepted = Self.conversationJSON(1, status: "accepted", iAmBuyer: false)
        var (app, runner, stub) = try await threads("seller") { request in
            switch request.operationID {
            case "connectionsList": .json(status: 200, body: list)
            case "connectionsGetMessages": .json(status: 200, body: Self.page([Self.messageJSON(1, mine: false, text: "Hello")]))
            case "connectionsRespond": .json(status: 200, body: accepted)
            default: .unreachable
            }
        }
        XCTAssertNotNil(app.line(containing: "Alice Archer [request]"), app.text)
        XCTAssertNotNil(app.line(containing: "with Alice Archer (buyer) · asks to connect: a accepts"), app.text)
        XCTAssertTrue(app.hints.contains("a accept  x reject"), app.hints)
        app.press("a")
        guard case .prompt(let prompt) = app.state.overlay else { return XCTFail("accepting asks for a message") }
        XCTAssertEqual(prompt.title, "Accept Alice Archer's request")
        app.press("Welcome<enter>")
        await app.run(runner)
        XCTAssertEqual(body(stub.requests("connectionsRespond").first), ["status": "accepted", "message": "Welcome"])
        XCTAssertEqual(app.errorLine, " Accepted Alice Archer's request; you can talk now.")
        XCTAssertEqual(app.state.conversations.threads.selected?.status, .accepted)
        app.press("a")
        XCTAssertEqual(app.errorLine, " Only pending requests can be answered; this one is accepted.")

        let buyerList = Self.page([Self.conversationJSON(1, status: "pending")])
        var (buyer, _, _) = try await threads("buyer") { request in
            request.operationID == "connectionsList" ? .json(status: 200, body: buyerList) : .json(status: 200, body: Self.page([]))
        }
        XCTAssertFalse(buyer.hints.contains("accept"), "the footer offers only what the selection allows: \(buyer.hints)")
        XCTAssertFalse(buyer.hints.contains("write"), buyer.hints)
        buyer.press("a")
        XCTAssertEqual(buyer.errorLine, " The seller answers requests.")
        buyer.press("<enter>")
        XCTAssertEqual(buyer.state.context, .threads, "a buyer waits for the answer before writing again")
        XCTAssertEqual(buyer.errorLine, " Waiting for the seller to accept your request; then you can write again.")
    }

    func testPrivateNotesOpenInTheEditorAndAreSaved() async throws {
        let list = Self.page([Self.conversationJSON(1)])
        var (app, runner, stub) = try await threads { request in
            switch request.operationID {
            case "connectionsList": .json(status: 200, body: list)
            case "connectionsGetMessages": .json(status: 200, body: Self.page([]))
            case "connectionsGetNotes": .json(status: 200, body: #"{"connection_id":"\#(ListingFixture.id(101))","notes":"Ask about staff"}"#)
            case "connectionsUpdateNotes": .json(status: 200, body: #"{"connection_id":"\#(ListingFixture.id(101))","notes":"Ask about staff\nand parking"}"#)
            default: .unreachable
            }
        }
        app.press("n")
        await app.run(runner)
        guard case .textEditor(let editor) = app.state.overlay else { return XCTFail("the notes open in the built-in editor") }
        XCTAssertEqual(editor.area.text, "Ask about staff")
        app.press("<enter>and<space>parking<f2>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("connectionsUpdateNotes").first?.field("notes"), "Ask about staff\nand parking")
        XCTAssertEqual(app.errorLine, " Notes saved.")
    }

    func testABuyerAsksFromAListingSeeingTheRequestsLeft() async throws {
        let usage = #"{"subscription_id":"\#(ListingFixture.id(900))","plan_name":"Free","period_start":"2025-11-01T00:00:00Z","period_end":"2025-12-01T00:00:00Z","connections_used":2,"connections_limit":3,"listings_used":0}"#
        let over = StubTransport.problem(402, "Your plan's connection requests are used up", detail: "The Free plan allows 3 connection requests a month and you have used 3. The count resets on 2025-12-01.")
        let answer = Mutex(StubTransport.Answer.json(status: 201, body: Self.conversationJSON(7, status: "pending")))
        let stub = StubTransport { request in
            switch request.operationID {
            case "listingsGet": .json(status: 200, body: ListingFixture.detailJSON(7))
            case "subscriptionsUsage": .json(status: 200, body: usage)
            case "connectionsCreate": answer.withLock { $0 }
            default: .unreachable
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer")
        app.state.screen = .listings
        app.state.browser.detail = ListingDetailState(id: ListingFixture.uuid(7), title: "Listing 7")
        app.send(.listings(.listingLoaded(id: ListingFixture.uuid(7), await runner.listing(ListingFixture.uuid(7)))))
        XCTAssertTrue(app.hints.contains("c connect"), app.hints)
        app.press("c")
        await app.run(runner)
        XCTAssertNotNil(app.line(containing: "1 of 3 requests left this month (Free plan, resets 1 Dec)"), app.text)
        app.press("<enter>")
        XCTAssertEqual(stub.requests("connectionsCreate").count, 0, "an empty first message is not sent")
        app.press("Is<space>the<space>lease<space>long?<enter>")
        await app.run(runner)
        XCTAssertEqual(body(stub.requests("connectionsCreate").first), ["listing_id": ListingFixture.id(7), "message": "Is the lease long?"])
        XCTAssertEqual(app.errorLine, " Request sent to Alice Archer. Its thread is in :threads.")

        answer.withLock { $0 = .json(status: 402, body: over) }
        app.press("c")
        await app.run(runner)
        app.press("Again<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.message, .error("Request not sent: Your plan's connection requests are used up: The Free plan allows 3 connection requests a month and you have used 3. The count resets on 2025-12-01. (HTTP 402) (gs: plans)"))
        app.press("gs")
        XCTAssertEqual(app.state.screen, .subscriptions, "the key the error line offers opens the plans")
        app.effects = []

        var seller = Harness.signedIn("seller")
        seller.state.screen = .listings
        seller.state.browser.detail = ListingDetailState(id: ListingFixture.uuid(7), title: "Listing 7")
        seller.press("c")
        XCTAssertEqual(seller.errorLine, " Connection requests are for buyers.")
        XCTAssertNil(seller.state.overlay)
    }

    func testNotificationsUnreadFirstOpenGoesToWhatTheyAreAbout() async throws {
        let items = [
            Self.notificationJSON(1, type: "connection_request", title: "New request about Practice 1", url: "/api/v1/connections/\(ListingFixture.id(101))"),
            Self.notificationJSON(2, type: "listing_approved", title: "Listing approved", read: true, url: "/api/v1/listings/\(ListingFixture.id(7))"),
        ]
        let notifications = #"{"items":[\#(items.joined(separator: ","))],"page":1,"per_page":100,"total":2,"unread_count":1}"#
        let unread = Mutex(1)
        let stub = StubTransport { request in
            switch request.operationID {
            case "notificationsList":
                return request.query("per_page") == ["1"]
                    ? .json(status: 200, body: #"{"items":[],"page":1,"per_page":1,"total":2,"unread_count":\#(unread.withLock { $0 })}"#, headers: ["ETag": "\"one\""])
                    : .json(status: 200, body: notifications, headers: ["ETag": "\"all\""])
            case "notificationsMarkRead":
                unread.withLock { $0 = 0 }
                return .json(status: 200, body: items[0].replacingOccurrences(of: #""is_read":false"#, with: #""is_read":true"#))
            case "notificationsMarkAllRead": return .json(status: 200, body: #"{"updated":1}"#)
            case "connectionsList": return .json(status: 200, body: Self.page([Self.conversationJSON(2), Self.conversationJSON(1, status: "pending", iAmBuyer: false)]))
            case "connectionsGetMessages": return .json(status: 200, body: Self.page([]))
            case "connectionsMarkMessageRead": return .empty(status: 204)
            default: return .unreachable
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("seller", size: Size(width: 100, height: 24))
        await app.poll(runner)
        XCTAssertTrue(app.statusBar.contains(" 1 unread "), "the count shows on every screen: \(app.statusBar)")
        app.press("gn")
        XCTAssertEqual(app.state.screen, .notifications)
        await app.poll(runner)
        XCTAssertEqual(stub.requests("notificationsList").last?.query("per_page"), ["100"])
        XCTAssertTrue(app.line(containing: "New request about Practice 1")?.hasPrefix(" ● ") == true, app.text)
        XCTAssertNotNil(app.line(containing: "Listing approved"))
        app.press("<enter>")
        await app.run(runner)
        XCTAssertEqual(stub.requests("notificationsMarkRead").count, 1, "opening marks it read")
        XCTAssertEqual(app.state.screen, .threads)
        await app.poll(runner)
        XCTAssertEqual(app.state.conversations.threads.selected?.id, ListingFixture.uuid(101), "the connection it is about is selected\n\(app.text)")
        XCTAssertEqual(app.state.unreadCount, 0)

        app.press("gn")
        app.press("M")
        await app.run(runner)
        XCTAssertEqual(stub.requests("notificationsMarkAllRead").count, 1)
        XCTAssertEqual(app.errorLine, " 1 notification marked read.")
        app.press("j<enter>")
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .myListings, "a seller's listing opens among their listings")
        guard case .detail(let detail) = app.state.seller.panel else { return XCTFail("the listing opens") }
        XCTAssertEqual(detail.id, ListingFixture.uuid(7))
    }

    func testPreferencesToggleEmailPerKind() async throws {
        let preferences = #"{"preferences":[{"type":"connection_request","in_app":true,"email_enabled":true,"push_enabled":false},{"type":"new_message","in_app":true,"email_enabled":true,"push_enabled":false}]}"#
        let changed = preferences.replacingOccurrences(of: #""new_message","in_app":true,"email_enabled":true"#, with: #""new_message","in_app":true,"email_enabled":false"#)
        let stub = StubTransport { request in
            switch request.operationID {
            case "notificationsGetPreferences": .json(status: 200, body: preferences)
            case "notificationsUpdatePreferences": .json(status: 200, body: changed)
            case "notificationsList": .json(status: 200, body: Self.noNotifications)
            default: .unreachable
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness.signedIn("buyer")
        app.press(":notifications<enter>p")
        await app.run(runner)
        XCTAssertEqual(app.state.context, .preferences)
        XCTAssertEqual(app.line(containing: "New messages"), " New messages                                           [x]     [x]     [ ]")
        app.press("je")
        await app.run(runner)
        let sent = try JSONSerialization.jsonObject(with: XCTUnwrap(stub.requests("notificationsUpdatePreferences").first).body) as? NSDictionary
        XCTAssertEqual(sent, ["preferences": [["type": "new_message", "email_enabled": false]]], "only the kind and the toggle that changed")
        XCTAssertEqual(app.line(containing: "New messages"), " New messages                                           [x]     [ ]     [ ]")
        app.press("<esc>")
        XCTAssertEqual(app.state.context, .notifications)
    }

    func testThePollBacksOffWhileQuietAndUnreachableAndStopsAtSignOut() async throws {
        var poll = PollState()
        XCTAssertEqual(poll.pause(onThreads: true), .seconds(1))
        XCTAssertEqual(poll.pause(onThreads: false), .seconds(3))
        poll.quietPolls = 10
        XCTAssertEqual(poll.pause(onThreads: true), .seconds(4), "a quiet thread is asked at most every 4 s")
        XCTAssertEqual(poll.pause(onThreads: false), .seconds(15))
        poll.failures = 1
        XCTAssertEqual(poll.pause(onThreads: true), .seconds(4))
        poll.failures = 9
        XCTAssertEqual(poll.pause(onThreads: true), .seconds(30), "an unreachable server is asked every 30 s at most")

        let runner = try await makeRunner([:])
        var app = Harness.signedIn("buyer")
        await app.poll(runner)
        XCTAssertEqual(app.state.connection, .unreachable)
        XCTAssertEqual(app.state.conversations.poll.failures, 1)
        guard case .conversations(.wait(let pause, _))? = app.background.last else { return XCTFail("a pause follows each poll: \(app.background)") }
        XCTAssertEqual(pause, .seconds(4))
        let token = app.state.conversations.poll.token
        app.send(.account(.signedOut(nil)))
        XCTAssertFalse(app.state.conversations.poll.isRunning)
        XCTAssertTrue(app.effects.isEmpty)
        app.send(.conversations(.pollDue(token: token)))
        XCTAssertTrue(app.effects.isEmpty, "a pause that ends after sign-out asks nothing")
        XCTAssertNil(app.state.unreadCount)
    }
}
