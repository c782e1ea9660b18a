@testable import EaglehurstTUI
import EaglehurstClient
import Foundation
import Synchronization
import XCTest

/// The session on disk, the bearer token on requests, and renewing it when the server says 401.
final class SessionTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("eaglehurst-session-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var store: SessionStore { SessionStore(directory: directory.appendingPathComponent("state/eaglehurst")) }

    func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    // MARK: the file

    func testTheSessionFileIsPrivateAndKeyedByServer() throws {
        let old = umask(0o022)
        defer { umask(old) }
        let store = store
        let session = StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref")
        try store.save(session, server: "http://127.0.0.1:8080/api/v1")
        XCTAssertEqual(try mode(store.file), 0o600, "only the user can read the tokens")
        XCTAssertEqual(try mode(store.directory), 0o700)
        XCTAssertEqual(store.load(server: "http://127.0.0.1:8080/api/v1"), session)
        XCTAssertNil(store.load(server: "https://other.example.com/api/v1"), "a session is never offered to another server")

        let other = StoredSession(email: "ann@example.com", accessToken: "a2", refreshToken: "r2")
        try store.save(other, server: "https://other.example.com/api/v1")
        try store.save(nil, server: "http://127.0.0.1:8080/api/v1")
        XCTAssertNil(store.load(server: "http://127.0.0.1:8080/api/v1"))
        XCTAssertEqual(store.load(server: "https://other.example.com/api/v1"), other, "removing one server's session keeps the others")
        XCTAssertEqual(try mode(store.file), 0o600, "still private after a rewrite")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory.path)
        XCTAssertEqual(leftovers, ["session.json"], "no temporary files are left behind")
    }

    func testAnOpenDirectoryIsTightenedAndAnUnreadableFileIsNoSession() throws {
        let store = store
        try FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        try Data("not json".utf8).write(to: store.file)
        XCTAssertNil(store.load(server: "x"), "a damaged file means signing in again, not a crash")
        try store.save(StoredSession(email: "e@x.io", accessToken: "a", refreshToken: "r"), server: "x")
        XCTAssertEqual(try mode(store.directory), 0o700)
    }

    func testTheDefaultDirectoryFollowsXDG() {
        XCTAssertEqual(SessionStore.defaultDirectory(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])?.path, "/s/eaglehurst")
        XCTAssertEqual(SessionStore.defaultDirectory(environment: ["HOME": "/h"])?.path, "/h/.local/state/eaglehurst")
        XCTAssertEqual(SessionStore.defaultDirectory(environment: ["XDG_STATE_HOME": "", "HOME": "/h"])?.path, "/h/.local/state/eaglehurst")
        XCTAssertNil(SessionStore.defaultDirectory(environment: [:]))
        let options = TUIOptions(serverURL: testServerURL, isEmbedded: true, environment: [:], sessionKey: "embedded:/data")
        XCTAssertEqual(options.sessionKey, "embedded:/data")
        XCTAssertEqual(TUIOptions(serverURL: testServerURL, isEmbedded: false).sessionKey, testServerURL.absoluteString)
    }

    func testSignInStoresTheSessionAndTheNextStartResumesIt() async throws {
        let stub = StubTransport(answers: ["authLogin": .json(status: 200, body: Fixture.tokensJSON()), "authMe": .json(status: 200, body: Fixture.userJSON())]
            .merging(Fixture.profileAnswers()) { a, _ in a })
        let (runner, _) = try await makeRunner(stub, store: store)
        guard case .account(.signedIn(.success)) = await runner.perform(.account(.signIn(email: "bob@example.com", password: "Secret-1q"))) else { return XCTFail("signed in") }
        XCTAssertEqual(try mode(store.file), 0o600)
        let text = try String(contentsOf: store.file, encoding: .utf8)
        XCTAssertTrue(text.contains(testServerURL.absoluteString) && text.contains("\"ref\""), text)

        // A new start: the keeper finds the session, and the app asks who it belongs to.
        let (nextRunner, keeper) = try await makeRunner(stub, store: store)
        let resumed = await keeper.session
        XCTAssertEqual(resumed?.refreshToken, "ref")
        var app = Harness(storedSessionEmail: "bob@example.com")
        XCTAssertEqual(app.effects, [.status(.checkHealth), .account(.restoreSession)])
        XCTAssertNotNil(app.line(containing: "resuming your session…"))
        app.effects = [.account(.restoreSession)]
        await app.run(nextRunner)
        XCTAssertEqual(app.state.screen, .profile, "a resumed session starts on the signed-in home")
        XCTAssertTrue(app.statusBar.contains("bob@example.com (buyer)"), app.statusBar)
        XCTAssertNotNil(app.line(containing: "Bob Smith"))
        XCTAssertEqual(stub.requests("authMe").last?.authorization, "Bearer acc")
    }

    // MARK: the middleware

    func testTheTokenGoesOnlyToOperationsThatNeedIt() async throws {
        let stub = StubTransport(answers: Fixture.profileAnswers().merging([
            "authForgotPassword": .json(status: 200, body: #"{"message":"sent"}"#), "healthGet": .json(status: 200, body: StubTransport.healthyJSON),
        ]) { a, _ in a })
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        _ = await runner.perform(.profile(.loadProfile))
        _ = await runner.perform(.account(.forgotPassword(email: "bob@example.com")))
        _ = await runner.perform(.status(.checkHealth))
        XCTAssertEqual(Set(stub.requests.map(\.operationID)), ["usersGetProfile", "usersGetBuyerProfile", "usersVerificationStatus", "authForgotPassword", "healthGet"])
        for request in stub.requests {
            let expected = ["authForgotPassword", "healthGet"].contains(request.operationID) ? nil : "Bearer acc"
            XCTAssertEqual(request.authorization, expected, request.operationID)
        }
    }

    /// A server whose tokens are `acc-N` and `ref-N`. The session starts at 1 with `acc-1` already
    /// expired; a refresh with the latest `ref-N` rotates to N+1; only the latest access token works.
    final class TokenServer: Sendable {
        let generation = Mutex(1)
        let refreshDelay: Duration
        let acceptsRenewedAccess: Bool

        init(refreshDelay: Duration = .milliseconds(50), acceptsRenewedAccess: Bool = true) {
            self.refreshDelay = refreshDelay
            self.acceptsRenewedAccess = acceptsRenewedAccess
        }

        func answer(_ request: StubTransport.Request) async -> StubTransport.Answer {
            let current = generation.withLock { $0 }
            switch request.operationID {
            case "authRefresh":
                try? await Task.sleep(for: refreshDelay)
                let ok = generation.withLock { generation -> Bool in
                    guard request.field("refresh_token") == "ref-\(generation)" else { return false }
                    generation += 1
                    return true
                }
                guard ok else { return .json(status: 401, body: StubTransport.problem(401, "Unauthorized", detail: "The refresh token is no longer valid.")) }
                let next = current + 1
                return .json(status: 200, body: Fixture.tokensJSON(access: "acc-\(next)", refresh: "ref-\(next)"))
            case "authMe":
                guard acceptsRenewedAccess, current > 1, request.authorization == "Bearer acc-\(current)" else {
                    return .json(status: 401, body: StubTransport.problem(401, "Unauthorized", detail: "The access token expired."))
                }
                return .json(status: 200, body: Fixture.userJSON())
            default:
                return .unreachable
            }
        }
    }

    func testConcurrent401sShareOneRefreshAndEachRequestIsRetriedOnce() async throws {
        let server = TokenServer()
        let stub = StubTransport { await server.answer($0) }
        let (runner, keeper) = try await makeRunner(stub, store: store, session: StoredSession(email: "bob@example.com", accessToken: "acc-1", refreshToken: "ref-1"))

        let messages = await withTaskGroup(of: Message.self) { group in
            for _ in 0..<8 { group.addTask { await runner.perform(.account(.restoreSession)) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(messages.count, 8)
        for message in messages {
            guard case .account(.sessionRestored(.success(let account))) = message else { return XCTFail("every request succeeds: \(message)") }
            XCTAssertEqual(account.email, "bob@example.com")
        }
        XCTAssertEqual(stub.requests("authRefresh").count, 1, "one refresh for eight 401s")
        XCTAssertEqual(stub.requests("authRefresh").first?.field("refresh_token"), "ref-1")
        XCTAssertEqual(stub.requests("authMe").count, 16, "each request: the 401, then one retry")
        XCTAssertEqual(stub.requests("authMe").filter { $0.authorization == "Bearer acc-2" }.count, 8)
        let renewed = await keeper.session
        XCTAssertEqual(renewed, StoredSession(email: "bob@example.com", accessToken: "acc-2", refreshToken: "ref-2"))
        XCTAssertEqual(store.load(server: testServerURL.absoluteString), renewed, "the rotated pair is stored")
        XCTAssertEqual(try mode(store.file), 0o600)
    }

    func testARetryThatIsRefusedAgainIsNotRetriedForever() async throws {
        let server = TokenServer(acceptsRenewedAccess: false)
        let stub = StubTransport { await server.answer($0) }
        let (runner, keeper) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc-1", refreshToken: "ref-1"))
        let message = await runner.perform(.account(.restoreSession))
        guard case .account(.sessionRestored(.failure(.problem(let problem)))) = message else { return XCTFail("\(message)") }
        XCTAssertEqual(problem.status, 401)
        XCTAssertEqual(stub.requests("authMe").count, 2, "the request and one retry")
        XCTAssertEqual(stub.requests("authRefresh").count, 1)
        let kept = await keeper.session
        XCTAssertEqual(kept?.refreshToken, "ref-2", "the renewed session is kept")
    }

    func testARefusedRefreshEndsTheSessionAndReturnsToSignIn() async throws {
        let stub = StubTransport { request in
            switch request.operationID {
            case "authRefresh": .json(status: 401, body: StubTransport.problem(401, "Unauthorized", detail: "The refresh token was revoked."))
            default: .json(status: 401, body: StubTransport.problem(401, "Unauthorized"))
            }
        }
        let (runner, keeper) = try await makeRunner(stub, store: store, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.effects = [.profile(.loadProfile)]
        await app.run(runner)
        let gone = await keeper.session
        XCTAssertNil(gone)
        XCTAssertNil(store.load(server: testServerURL.absoluteString), "the stored session is removed")
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.errorLine, " Your session expired; sign in again.")
        XCTAssertNil(app.state.account)
        XCTAssertFalse(app.statusBar.contains("bob@example.com"))
        XCTAssertEqual(app.state.signIn["email"].value, "bob@example.com", "the email is kept for signing in again")
        XCTAssertEqual(stub.requests("authRefresh").count, 1)

        // A 403 from the refresh means the same.
        let forbidden = StubTransport { $0.operationID == "authRefresh" ? .json(status: 403, body: StubTransport.problem(403, "Forbidden", detail: "The account is suspended.")) : .json(status: 401, body: StubTransport.problem(401, "Unauthorized")) }
        let (other, _) = try await makeRunner(forbidden, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        let message = await other.perform(.account(.restoreSession))
        XCTAssertEqual(message, .account(.sessionRestored(.failure(.sessionExpired))))
    }

    func testAStoredSessionThatExpiredLeadsToSignInWithItsAddress() async throws {
        let stub = StubTransport { _ in .json(status: 401, body: StubTransport.problem(401, "Unauthorized")) }
        try store.save(StoredSession(email: "bob@example.com", accessToken: "old", refreshToken: "revoked"), server: testServerURL.absoluteString)
        let (runner, _) = try await makeRunner(stub, store: store)
        var app = Harness(storedSessionEmail: "bob@example.com")
        app.effects = [.account(.restoreSession)]
        await app.run(runner)
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.errorLine, " Your session expired; sign in again.")
        XCTAssertEqual(app.state.signIn["email"].value, "bob@example.com")
        XCTAssertEqual(app.state.signIn.focusedField.name, "password")
        XCTAssertNil(store.load(server: testServerURL.absoluteString))
        XCTAssertEqual(stub.requests.map(\.operationID), ["authMe", "authRefresh"])
    }

    func testARefreshThatCannotReachTheServerKeepsTheSession() async throws {
        let stub = StubTransport { $0.operationID == "authRefresh" ? .unreachable : .json(status: 401, body: StubTransport.problem(401, "Unauthorized")) }
        let (runner, keeper) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        let message = await runner.perform(.profile(.loadProfile))
        XCTAssertEqual(message, .profile(.profileLoaded(.failure(.unreachable("connection refused")))))
        let kept = await keeper.session
        XCTAssertEqual(kept?.refreshToken, "ref", "an unreachable server is no reason to forget the session")
    }

    func testAnUploadIsSentAgainWholeAfterARefresh() async throws {
        let file = directory.appendingPathComponent("me.png")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("\u{89}PNG fake image bytes".utf8).write(to: file)
        let server = TokenServer()
        let stub = StubTransport { request in
            switch request.operationID {
            case "usersUploadAvatar":
                return request.authorization == "Bearer acc-2" ? .json(status: 200, body: Fixture.userJSON()) : .json(status: 401, body: StubTransport.problem(401, "Unauthorized"))
            case "authRefresh": return await server.answer(request)
            default: return Fixture.profileAnswers()[request.operationID] ?? .unreachable
            }
        }
        let (runner, _) = try await makeRunner(stub, session: StoredSession(email: "bob@example.com", accessToken: "acc-1", refreshToken: "ref-1"))
        let message = await runner.perform(.profile(.saveProfile(.avatar(path: file.path))))
        guard case .profile(.profileSaved(.avatar, .success)) = message else { return XCTFail("\(message)") }
        let uploads = stub.requests("usersUploadAvatar")
        XCTAssertEqual(uploads.count, 2)
        XCTAssertEqual(uploads[0].body, uploads[1].body, "the retry carries the same bytes")
        XCTAssertTrue(uploads[1].bodyText.contains("PNG fake image bytes"))
    }

    // MARK: sign-out

    func testSignOutRevokesOnTheServerAndClearsTheStoredSession() async throws {
        let stub = StubTransport(answers: ["authLogout": .empty(status: 204)])
        let (runner, keeper) = try await makeRunner(stub, store: store, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        XCTAssertNotNil(store.load(server: testServerURL.absoluteString))
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.effects = []
        app.press(":signout<enter>")
        XCTAssertEqual(app.effects, [.account(.signOut)])
        await app.run(runner)
        XCTAssertEqual(stub.requests("authLogout").first?.field("refresh_token"), "ref", "logout sends the refresh token")
        XCTAssertNil(stub.requests("authLogout").first?.authorization)
        let ended = await keeper.session
        XCTAssertNil(ended)
        XCTAssertNil(store.load(server: testServerURL.absoluteString))
        XCTAssertEqual(app.state.screen, .signin)
        XCTAssertEqual(app.errorLine, " Signed out.")
        XCTAssertNil(app.state.account)

        app.press("<esc>:signout<enter>")
        XCTAssertEqual(app.errorLine, " You are not signed in.")
    }

    func testSignOutWhileTheServerIsDownStillSignsOutHere() async throws {
        let (runner, keeper) = try await makeRunner(StubTransport(answers: [:]), store: store, session: StoredSession(email: "bob@example.com", accessToken: "acc", refreshToken: "ref"))
        var app = Harness()
        app.send(.account(.signedIn(.success(SignedIn(account: Fixture.account())))))
        app.press(":profile<enter>")
        app.effects = []
        app.press("o")
        await app.run(runner)
        let ended = await keeper.session
        XCTAssertNil(ended)
        XCTAssertNil(store.load(server: testServerURL.absoluteString))
        XCTAssertEqual(app.errorLine, " Signed out (server not told: server unreachable: connection refused).")
    }
}
