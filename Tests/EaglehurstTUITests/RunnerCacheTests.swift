@testable import EaglehurstTUI
import EaglehurstClient
import Foundation
import Synchronization
import XCTest

/// The model cache under the effect runner over a stub server: 304 reuse, writes that invalidate,
/// the last data kept (marked stale) when the server is unreachable, and a new sign-in emptying it.
/// The cache alone is tested in `EaglehurstClientTests/ModelCacheTests.swift`.
final class RunnerCacheTests: XCTestCase {
    /// A listing server whose detail answers 304 to the current ETag, and can be switched off.
    final class ListingServer: Sendable {
        let online = Mutex(true)
        let version = Mutex(1)

        func answer(_ request: StubTransport.Request) -> StubTransport.Answer {
            guard online.withLock({ $0 }) else { return .unreachable }
            let tag = "\"v\(version.withLock { $0 })\""
            switch request.operationID {
            case "listingsGet":
                if request.ifNoneMatch == tag { return .empty(status: 304) }
                return .json(status: 200, body: ListingFixture.detailJSON(1), headers: ["ETag": tag])
            case "listingsBrowse":
                if request.ifNoneMatch == tag { return .empty(status: 304) }
                return ListingFixture.browseAnswer(request, total: 3, etag: tag)
            case "listingsSave":
                version.withLock { $0 += 1 }
                return .json(status: 201, body: #"{"listing_id":"\#(ListingFixture.id(1))","listing":\#(ListingFixture.summaryJSON(1, saved: true)),"saved_at":"2025-11-26T09:00:00Z"}"#)
            default:
                return .unreachable
            }
        }
    }

    func testTheRunnerRevalidatesReusesOn304AndSaveInvalidates() async throws {
        let server = ListingServer()
        let stub = StubTransport { server.answer($0) }
        let (runner, _) = try await makeRunner(stub)
        let id = ListingFixture.uuid(1)
        guard case .listings(.listingLoaded(_, .success(let first))) = await runner.perform(.listings(.loadListing(id: id))) else { return XCTFail() }
        guard case .listings(.listingLoaded(_, .success(let second))) = await runner.perform(.listings(.loadListing(id: id))) else { return XCTFail() }
        XCTAssertEqual(first, second, "the 304 answer reuses the stored listing")
        XCTAssertEqual(stub.requests("listingsGet").map(\.ifNoneMatch), [nil, "\"v1\""])

        _ = await runner.perform(.listings(.saveListing(id: id, notes: nil)))
        _ = await runner.perform(.listings(.loadListing(id: id)))
        XCTAssertNil(stub.requests("listingsGet").last?.ifNoneMatch, "a save invalidates the listing: asked for in full")

        let page = Effect.listings(.loadListingPage(.browse(BrowseQuery()), page: 1, perPage: 50, generation: 0))
        _ = await runner.perform(page)
        guard case .listings(.listingPageLoaded(_, _, _, .success(let again))) = await runner.perform(page) else { return XCTFail() }
        XCTAssertEqual(again.items.count, 3)
        XCTAssertEqual(stub.requests("listingsBrowse").map(\.ifNoneMatch), [nil, "\"v2\""], "pages are revalidated too")
        _ = await runner.perform(.listings(.saveListing(id: id, notes: nil)))
        _ = await runner.perform(page)
        XCTAssertNil(stub.requests("listingsBrowse").last?.ifNoneMatch, "a save invalidates browse pages (their saved flags)")
    }

    func testTheRunnerGivesTheLastDataStaleWhenTheServerIsUnreachable() async throws {
        let server = ListingServer()
        let (runner, _) = try await makeRunner(StubTransport { server.answer($0) })
        let id = ListingFixture.uuid(1)
        _ = await runner.perform(.listings(.loadListing(id: id)))
        server.online.withLock { $0 = false }
        guard case .listings(.listingLoaded(_, .success(let stale))) = await runner.perform(.listings(.loadListing(id: id))) else { return XCTFail("the last copy comes back") }
        XCTAssertTrue(stale.isStale)
        guard case .listings(.listingLoaded(_, .failure(.unreachable))) = await runner.perform(.listings(.loadListing(id: ListingFixture.uuid(2)))) else {
            return XCTFail("a listing never seen is a failure")
        }
        var app = Harness.signedIn("buyer")
        app.press(":listings<enter>")
        app.state.browser.detail = ListingDetailState(id: id, title: "Listing 1")
        app.send(.listings(.listingLoaded(id: id, .success(stale))))
        XCTAssertTrue(app.lines[2].contains("Listing 1  stale"), app.lines[2])
        XCTAssertTrue(app.statusBar.contains(" stale "), app.statusBar)
    }

    func testSigningInEmptiesTheCache() async throws {
        let stub = StubTransport(answers: ["authLogin": .json(status: 200, body: Fixture.tokensJSON())])
        let (runner, _) = try await makeRunner(stub)
        await runner.cache.store("someone else's", for: CacheKey(.listing, "1"))
        _ = await runner.perform(.account(.signIn(email: "bob@example.com", password: "pw")))
        let count = await runner.cache.count
        XCTAssertEqual(count, 0, "the last user's saved flags and confidential fields go")
    }
}
