import EaglehurstClient
import XCTest

/// The model cache alone: 304 reuse by ETag, the last value kept (marked stale) when a load fails,
/// invalidation and the LRU bound. The cache under the TUI's effect runner is in
/// `EaglehurstTUITests/RunnerCacheTests.swift`.
final class ModelCacheTests: XCTestCase {
    struct Offline: Error {}

    func testAValueIsRevalidatedWithItsETagAndKeptOn304() async throws {
        let cache = ModelCache()
        let key = CacheKey(.listing, "1")
        let first = try await cache.load(key, as: String.self) { etag in
            XCTAssertNil(etag, "nothing stored, so nothing to match")
            return .modified("v1 body", etag: "\"v1\"")
        }
        XCTAssertEqual(first.value, "v1 body")
        XCTAssertEqual(first.freshness, .fetched)
        let second = try await cache.load(key, as: String.self) { etag in
            XCTAssertEqual(etag, "\"v1\"")
            return .notModified
        }
        XCTAssertEqual(second.value, "v1 body")
        XCTAssertEqual(second.freshness, .revalidated)
    }

    func testAFailureGivesTheLastValueStaleOrThrowsWhenThereIsNone() async throws {
        let cache = ModelCache()
        let key = CacheKey(.browsePage, "page=1")
        do {
            _ = try await cache.load(key, as: Int.self) { _ in throw Offline() }
            XCTFail("nothing stored: the error comes through")
        } catch is Offline {}
        _ = try await cache.load(key, as: Int.self) { _ in .modified(42, etag: nil) }
        let stale = try await cache.load(key, as: Int.self) { _ in throw Offline() }
        XCTAssertEqual(stale.value, 42)
        XCTAssertTrue(stale.isStale)
        XCTAssertTrue(stale.failure is Offline)
    }

    func testInvalidationForgetsByKeyAndByKind() async throws {
        let cache = ModelCache()
        await cache.store("a", etag: "\"a\"", for: CacheKey(.listing, "1"))
        await cache.store("b", for: CacheKey(.listing, "2"))
        await cache.store("p1", for: CacheKey(.savedPage, "page=1"))
        await cache.store("p2", for: CacheKey(.savedPage, "page=2"))
        await cache.store("m", for: CacheKey(.myListingsPage, "page=1"))
        await cache.invalidate(CacheKey(.listing, "1"))
        await cache.invalidate(kinds: [.savedPage])
        let one = await cache.peek(CacheKey(.listing, "1"), as: String.self)
        let two = await cache.peek(CacheKey(.listing, "2"), as: String.self)
        let saved = await cache.peek(CacheKey(.savedPage, "page=2"), as: String.self)
        let mine = await cache.peek(CacheKey(.myListingsPage, "page=1"), as: String.self)
        XCTAssertNil(one)
        XCTAssertEqual(two, "b")
        XCTAssertNil(saved)
        XCTAssertEqual(mine, "m")
        let etag = await cache.etag(for: CacheKey(.listing, "1"))
        XCTAssertNil(etag, "an invalidated entry sends no If-None-Match")
    }

    func testTheLeastRecentlyUsedGoFirstBeyondCapacity() async throws {
        let cache = ModelCache(capacity: 3)
        for n in 1...3 { await cache.store(n, for: CacheKey(.browsePage, "\(n)")) }
        _ = try await cache.load(CacheKey(.browsePage, "1"), as: Int.self) { _ in .notModified }
        await cache.store(4, for: CacheKey(.browsePage, "4"))
        let count = await cache.count
        let first = await cache.peek(CacheKey(.browsePage, "1"), as: Int.self)
        let second = await cache.peek(CacheKey(.browsePage, "2"), as: Int.self)
        XCTAssertEqual(count, 3)
        XCTAssertEqual(first, 1, "used just now, so kept")
        XCTAssertNil(second, "the least recently used went")
    }
}
