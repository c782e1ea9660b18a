@testable import EaglehurstTUI
import XCTest

final class AppTests: XCTestCase {
    // MARK: status screen

    func testTheFirstScreenChecksTheServerAndShowsASpinnerMeanwhile() {
        let app = Harness()
        XCTAssertEqual(app.effects, [.status(.checkHealth)])
        XCTAssertEqual(app.line(containing: "Health"), "  Health        ⠋ checking…")
        XCTAssertEqual(app.line(containing: "Version"), "  Version       —")
        XCTAssertTrue(app.statusBar.hasSuffix("⠋ connecting 127.0.0.1:8080"), app.statusBar)
    }

    func testAHealthyServerFillsTheStatusScreen() throws {
        var app = Harness(welcome: ["Demo accounts: buyer@example.com / Demo-pass1"])
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        try assertGolden(app.lines, "status-ok-80x24")
        XCTAssertEqual(app.line(containing: "Round trip"), "  Round trip    12 ms")
        XCTAssertTrue(app.statusBar.hasSuffix("● connected 127.0.0.1:8080"))
        XCTAssertNotNil(app.line(containing: "Demo accounts: buyer@example.com / Demo-pass1"), "the welcome line")
    }

    func testTheDemoSaysItIsTheDemoAndWhereItsDataLives() {
        var app = Harness()
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        XCTAssertNil(app.line(containing: "Demo"), "no demo rows for a server that is not the demo")

        app.state.server = ServerInfo(url: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: true, demoDirectory: "/home/ann/.local/share/eaglehurst/demo")
        app.send(.tick)
        XCTAssertEqual(app.line(containing: "Demo "), "  Demo          this is the demo; its data is kept apart from yours")
        XCTAssertEqual(app.line(containing: "Demo data"), "  Demo data     /home/ann/.local/share/eaglehurst/demo")
        XCTAssertEqual(app.line(containing: "--reset"), "                eaglehurst --demo --reset starts it afresh", app.text)
    }

    func testTheSpinnerTurnsOnlyWhileWaiting() {
        var app = Harness()
        app.send(.tick)
        XCTAssertEqual(app.line(containing: "Health"), "  Health        ⠙ checking…")
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        let frame = app.state.spinnerFrame
        app.send(.tick)
        XCTAssertEqual(app.state.spinnerFrame, frame)
    }

    func testAFailedRefreshKeepsTheLastDataMarkedStaleAndShowsTheErrorLine() {
        var app = Harness()
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        app.effects = []
        app.press("r")
        XCTAssertEqual(app.effects, [.status(.checkHealth)])
        XCTAssertEqual(app.line(containing: "Version"), "  Version       1.2.3", "the data stays while checking")
        app.send(.status(.healthChecked(.failure(.unreachable("connection refused")))))
        XCTAssertEqual(app.errorLine, " Health check failed: server unreachable: connection refused")
        XCTAssertEqual(app.line(containing: "Version"), "  Version       1.2.3")
        XCTAssertNotNil(app.line(containing: "stale: from an earlier check; the latest one failed"))
        XCTAssertTrue(app.statusBar.hasSuffix("✕ unreachable 127.0.0.1:8080"), app.statusBar)
        let versionRow = app.lines.firstIndex { $0.contains("Version") }!
        XCTAssertEqual(app.terminal.semanticStyle(x: 16, y: versionRow), app.theme[.stale], "stale values are drawn in the stale style")

        app.press("r")
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        XCTAssertEqual(app.errorLine, "", "a good answer clears the error")
        XCTAssertNil(app.line(containing: "stale"))
    }

    func testRefreshWhileCheckingDoesNotSendASecondRequest() {
        var app = Harness()
        app.effects = []
        app.press("r")
        XCTAssertEqual(app.effects, [])
    }

    func testStatusWithTheStubTransport() async throws {
        let healthy = try await makeRunner(["healthGet": .json(status: 200, body: StubTransport.healthyJSON)])
        guard case .status(.healthChecked(.success(let report))) = await healthy.perform(.status(.checkHealth)) else { return XCTFail("expected a report") }
        XCTAssertEqual(report.version, "1.2.3")
        XCTAssertEqual(report.database, "sqlite")
        XCTAssertEqual(report.status, "ok")
        XCTAssertEqual(report.serverTime, Date(timeIntervalSince1970: 1_764_149_400))

        let down = try await makeRunner(["healthGet": .unreachable])
        var app = Harness()
        app.send(await healthy.perform(.status(.checkHealth)))
        app.press("r")
        app.send(await down.perform(.status(.checkHealth)))
        XCTAssertEqual(app.errorLine, " Health check failed: server unreachable: connection refused")
        XCTAssertEqual(app.line(containing: "Database"), "  Database      sqlite")
        XCTAssertNotNil(app.line(containing: "stale"))

        let broken = try await makeRunner(["healthGet": .json(status: 503, body: #"{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"database is down"}"#)])
        app.press("r")
        app.send(await broken.perform(.status(.checkHealth)))
        XCTAssertEqual(app.errorLine, " Health check failed: Service Unavailable: database is down (HTTP 503)")
        XCTAssertTrue(app.statusBar.hasSuffix("● connected 127.0.0.1:8080"), "the server answered, so it is reachable")
    }

    // MARK: status bar, help, command line

    func testTheFooterShowsTheHintsOfTheCurrentContext() {
        var app = Harness()
        XCTAssertEqual(app.hints, " r refresh  s sign in  ? help  : command  q quit")
        XCTAssertTrue(app.statusBar.hasPrefix(" Server status  "), app.statusBar)
        XCTAssertTrue(app.statusBar.hasSuffix(" ⠋ connecting 127.0.0.1:8080"), app.statusBar)
        app.press("s")
        XCTAssertEqual(app.hints, " <tab> next field  <enter> sign in  <esc> back  <f1> help  <c-c> quit", "printable keys type while a field has focus")
        XCTAssertTrue(app.statusBar.hasPrefix(" Sign in "))
    }

    func testAnUnreadCountShowsInTheStatusBarWhenSet() {
        var app = Harness()
        XCTAssertFalse(app.statusBar.contains("unread"))
        app.state.unreadCount = 3
        app.render()
        XCTAssertTrue(app.statusBar.contains(" 3 unread  ⠋ connecting"), app.statusBar)
    }

    func testHelpOverlayIsBuiltFromTheBindingTable() throws {
        var app = Harness()
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        app.press("?")
        try assertGolden(app.lines, "help-80x24")
        for binding in app.state.bindings.bindings(in: .status) + app.state.bindings.bindings(in: .global) {
            XCTAssertNotNil(app.line(containing: binding.description), "help shows \(binding.description)")
        }
        XCTAssertEqual(app.hints, " <esc> close  <down> scroll")
        app.press("<esc>")
        XCTAssertNil(app.state.overlay)
        XCTAssertNil(app.line(containing: "┌─ Keys"))
    }

    func testHelpReflectsACustomKeymapAndScrolls() {
        var bindings = ConfigFiles(configDirectory: nil).loadBindings(keymapNamed: "vim").bindings
        var app = Harness(bindings: bindings)
        app.press("?")
        XCTAssertNil(app.line(containing: "gg <home>"), "below the first page")
        let firstRow = app.lines[2]
        app.press("<c-f>")
        XCTAssertNotEqual(app.lines[2], firstRow, "a page down scrolls")
        for _ in 0..<5 where app.line(containing: "gg <home>") == nil { app.press("<c-f>") }
        XCTAssertNotNil(app.line(containing: "gg <home>"), "paging reaches the help section")
        app.press("gg")
        XCTAssertEqual(app.lines[2], firstRow, "gg goes back to the top")
        bindings = app.state.bindings
        XCTAssertEqual(bindings.resolve(KeySequence([.character("g")]), in: .help), .pending)
    }

    func testCommandLineCompletesScreenNames() {
        var app = Harness()
        app.press(":")
        XCTAssertTrue(app.errorLine.hasPrefix(":"))
        app.press("my<tab>")
        XCTAssertEqual(app.errorLine, ":my-listings")
        app.press("<c-u>s<tab>")
        XCTAssertEqual(app.errorLine, ":status")
        XCTAssertEqual(app.trimmed(app.lines[20]), " status  signin  saved  subscriptions  services  signout")
        app.press("<tab>")
        XCTAssertEqual(app.errorLine, ":signin", "a second Tab cycles the candidates")
        app.press("<enter>")
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertNil(app.state.overlay)
    }

    func testEveryScreenExistsAndAnUnknownCommandSaysSo() {
        var app = Harness()
        // Every screen of the client is built now; a name that is none of them says how to find one.
        XCTAssertTrue(ScreenID.allCases.allSatisfy(\.isAvailable), "\(ScreenID.allCases.filter { !$0.isAvailable })")
        app.press(":frobnicate<enter>")
        XCTAssertEqual(app.errorLine, " Unknown command ':frobnicate'. Tab completes the screen names.")
    }

    func testEscapeAndBackspaceCloseTheCommandLine() {
        var app = Harness()
        app.press(":ab<esc>")
        XCTAssertNil(app.state.overlay)
        app.press(":a<bs><bs>")
        XCTAssertNil(app.state.overlay)
        XCTAssertFalse(app.state.isQuitting)
    }

    // MARK: quitting

    func testQQuitsAndColonQQuits() {
        var app = Harness()
        app.press("q")
        XCTAssertTrue(app.state.isQuitting)
        var other = Harness()
        other.press(":q<enter>")
        XCTAssertTrue(other.state.isQuitting)
    }

    func testTheLoopRunsScriptedKeysAndStopsOnQuit() throws {
        let terminal = InMemoryTerminal(size: Size(width: 80, height: 24), colorProfile: .ansi16)
        try terminal.type("?", "<esc>", ":signi<tab><enter>", "a@b.co", "<tab>", "pw", "<esc>", "q")
        terminal.enqueue(.key(.character("x")))
        let options = TUIOptions(serverURL: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: false, configDirectory: nil, environment: [:])
        var (state, theme) = options.initialState(size: terminal.size)
        var started: [Effect] = []
        UILoop.run(terminal: terminal, state: &state, theme: theme, inbox: Inbox(), start: { started.append($0) })
        XCTAssertTrue(state.isQuitting)
        XCTAssertEqual(state.screen, .status)
        XCTAssertEqual(state.signIn["email"].value, "a@b.co")
        XCTAssertEqual(started.first, .status(.checkHealth))
        // The loop drew the first screen (the listings); the status screen it ended on says the server is remote.
        terminal.draw(App.view(state, theme: theme, size: terminal.size))
        XCTAssertTrue(terminal.lines[2].contains("(remote)"), terminal.lines.joined(separator: "\n"))
        XCTAssertLessThan(terminal.drawCount, 40, "frames are drawn when something changed, not on every poll")
    }

    func testAFirstStartWithNoAccountOpensOnTheListingsWithTheStatusOneKeyAway() throws {
        let options = TUIOptions(serverURL: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: true, configDirectory: nil, environment: [:])
        var (state, _) = options.initialState(size: Size(width: 120, height: 40))
        XCTAssertEqual(state.screen, .listings, "browsing needs no sign-in")
        XCTAssertEqual(state.message?.text, "Browsing without an account. <esc>: server status and sign in.")
        let effects = App.start(&state)
        XCTAssertEqual(effects.first, .status(.checkHealth), "the server is still asked how it is")
        XCTAssertTrue(effects.contains(.listings(.loadListingPage(.browse(BrowseQuery()), page: 1, perPage: 50, generation: 0))), "\(effects)")
        _ = App.update(&state, .key(.escape))
        XCTAssertEqual(state.screen, .status, "Esc: the server status")
        _ = App.update(&state, .key(.character("s")))
        XCTAssertEqual(state.screen, .signin, "and from there, signing in")

        // With a stored session, or with the demo's accounts to show, the status screen comes first.
        XCTAssertEqual(options.initialState(size: Size(width: 120, height: 40), storedSessionEmail: "bob@example.com").state.screen, .status)
        let demo = TUIOptions(serverURL: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: true, welcomeLines: ["Demo data is loaded."], configDirectory: nil, environment: [:])
        XCTAssertEqual(demo.initialState(size: Size(width: 120, height: 40)).state.screen, .status)
    }

    func testTheLoopPicksUpEffectResultsFromTheInbox() {
        let terminal = InMemoryTerminal(size: Size(width: 80, height: 24), script: [.resized(Size(width: 100, height: 30)), .key(.character("q"))])
        let options = TUIOptions(serverURL: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: true, configDirectory: nil, environment: [:])
        var (state, theme) = options.initialState(size: terminal.size)
        let inbox = Inbox()
        inbox.post(.status(.healthChecked(.success(Harness.fixedReport))))
        UILoop.run(terminal: terminal, state: &state, theme: theme, inbox: inbox, start: { _ in })
        XCTAssertEqual(state.status.report, Harness.fixedReport)
        XCTAssertEqual(state.size, Size(width: 100, height: 30))
    }

    // MARK: sign-in

    func testSignInValidatesInlineAndMasksThePassword() {
        var app = Harness()
        app.press("s")
        XCTAssertEqual(app.state.screen, .signin)
        app.press("bob@")
        XCTAssertNil(app.line(containing: "email must be"), "no complaint while typing")
        app.press("<tab>")
        XCTAssertEqual(app.line(containing: "email must"), "              email must be an email address like name@example.com")
        app.press("<enter>")
        XCTAssertEqual(app.line(containing: "password is"), "              password is required")
        XCTAssertEqual(app.errorLine, " Please fix the marked fields.")
        XCTAssertEqual(app.state.signIn.focus, 0, "the first bad field gets the focus")
        XCTAssertEqual(app.effects, [.status(.checkHealth)])

        app.press("example.com<tab>Secret-1q?")
        XCTAssertNil(app.line(containing: "email must"))
        XCTAssertEqual(app.line(containing: "Password"), "  Password    ••••••••••")
        XCTAssertFalse(app.text.contains("Secret"), "the password never shows")
        XCTAssertFalse(app.state.isQuitting, "q types into a field instead of quitting")
        XCTAssertNil(app.state.overlay, "? types into a field instead of opening help")
        app.effects = []
        app.press("<enter>")
        XCTAssertEqual(app.effects, [.account(.signIn(email: "bob@example.com", password: "Secret-1q?"))])
        XCTAssertNotNil(app.line(containing: "Signing in…"))
    }

    func testSignInOutcomes() {
        var app = Harness()
        app.press("s")
        app.press("bob@example.com<tab>pw<enter>")
        app.send(.account(.signedIn(.failure(.problem(ProblemReport(status: 401, title: "Unauthorized"))))))
        XCTAssertEqual(app.errorLine, " Email or password is wrong.")
        app.press("<enter>")
        app.send(.account(.signedIn(.failure(.notAvailable("sign-in")))))
        XCTAssertEqual(app.errorLine, " Sign-in is not available on this server yet.")
        app.press("<enter>")
        app.send(.account(.signedIn(.failure(.problem(ProblemReport(status: 429, title: "Too Many Requests", detail: "Slow down.", retryAfter: 300))))))
        XCTAssertEqual(app.errorLine, " Sign-in failed: Too Many Requests: Slow down. (HTTP 429); try again in 5 min")
        app.press("<enter>")
        app.effects = []
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        XCTAssertEqual(app.state.screen, .listings, "a buyer lands on the listings, where the work is")
        XCTAssertEqual(app.effects.filter { !$0.isBackgroundPoll }, [.listings(.loadListingPage(.browse(BrowseQuery()), page: 1, perPage: 50, generation: 0))])
        XCTAssertEqual(app.effects.filter(\.isPollRequest).count, 1, "signing in starts the poll (unread count, threads)")
        XCTAssertEqual(app.errorLine, " Signed in as Bob Smith.")
        XCTAssertTrue(app.statusBar.contains("bob@example.com (buyer)"), "the status bar says who is signed in: \(app.statusBar)")
        XCTAssertEqual(app.state.signIn["password"].value, "", "the password is not kept")
    }

    func testSignInThroughTheStubTransport() async throws {
        let (ok, keeper) = try await makeRunner(StubTransport(answers: ["authLogin": .json(status: 200, body: Fixture.tokensJSON())]))
        let message = await ok.perform(.account(.signIn(email: "bob@example.com", password: "pw")))
        XCTAssertEqual(message, .account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        let session = await keeper.session
        XCTAssertEqual(session, StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"), "the keeper holds the tokens")
        XCTAssertEqual(session?.description, "session of bob@example.com (tokens hidden)")

        let unbuilt = try await makeRunner(["authLogin": .json(status: 501, body: #"{"type":"about:blank","title":"Not Implemented","status":501}"#)])
        let notYet = await unbuilt.perform(.account(.signIn(email: "bob@example.com", password: "pw")))
        XCTAssertEqual(notYet, .account(.signedIn(.failure(.notAvailable("sign-in")))))
    }

    // MARK: confirm dialog

    func testDangerousActionsAskFirstAndNoIsTheSafeDefault() {
        var table = ConfigFiles(configDirectory: nil).loadBindings(keymapNamed: "default").bindings
        table = BindingTable(bindings: table.bindings.map { binding in
            var binding = binding
            if binding.action == .refresh { binding.dangerous = true }
            return binding
        })
        var app = Harness(bindings: table)
        app.send(.status(.healthChecked(.success(Harness.fixedReport))))
        app.effects = []
        app.press("r")
        XCTAssertEqual(app.effects, [], "nothing happens before the answer")
        XCTAssertNotNil(app.line(containing: "Really check the server again?"))
        XCTAssertNotNil(app.line(containing: "[ Yes (y) ]  [ No (n) ]"))
        app.press("<enter>")
        XCTAssertNil(app.state.overlay)
        XCTAssertEqual(app.effects, [], "Enter on the highlighted No does nothing")
        app.press("r")
        app.press("y")
        XCTAssertEqual(app.effects, [.status(.checkHealth)])
        XCTAssertTrue(table.markdown().contains("check the server again (asks to confirm)"))
    }

    // MARK: sizes and colour profiles

    func testResizeRedrawsAtTheNewSize() {
        var app = Harness()
        app.send(.resized(Size(width: 120, height: 40)))
        XCTAssertEqual(app.lines.count, 40)
        XCTAssertEqual(app.lines[0].count, 120)
        XCTAssertTrue(app.statusBar.hasSuffix("connecting 127.0.0.1:8080"))
        app.send(.resized(Size(width: 18, height: 3)))
        XCTAssertEqual(app.trimmed(app.lines[0]), "Window too small")
    }

    func testTheInMemoryTerminalReportsDegradedStyles() {
        let plain = Harness(profile: .none)
        let barRow = 22
        let style = plain.terminal.style(x: 1, y: barRow)
        XCTAssertEqual(style?.foreground, .terminalDefault)
        XCTAssertEqual(style?.background, .terminalDefault)
        XCTAssertEqual(style?.reverse, true, "the screen name stands out by reverse video without colour")
        let coloured = Harness(profile: .ansi256)
        XCTAssertEqual(coloured.terminal.style(x: 1, y: barRow)?.background, .index(111))
    }

    func testEachRoleLandsWhereItsWorkIs() {
        func landing(_ type: String, pendingRequests: Int = 0) -> ScreenID {
            var app = Harness()
            app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account(Fixture.userJSON(type: type)), pendingRequests: pendingRequests)))))
            return app.state.screen
        }
        XCTAssertEqual(landing("buyer"), .listings)
        XCTAssertEqual(landing("seller"), .myListings, "a seller with no request waiting tends the listings")
        XCTAssertEqual(landing("seller", pendingRequests: 2), .threads, "a seller with requests waiting answers them first")
        XCTAssertEqual(landing("admin"), .admin, "an admin lands on the moderation queue")
    }
}
