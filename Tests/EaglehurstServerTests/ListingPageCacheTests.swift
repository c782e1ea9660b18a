@testable import EaglehurstServer
import XCTest

/// The bounded, generation-checked map behind `ListingPageCache`.
final class GenerationalLRUTests: XCTestCase {
    func testAValueAnswersOnlyAtTheGenerationItWasMadeAt() {
        var cache = GenerationalLRU<String>(maxCount: 4, maxCost: 100)
        cache.insert("page", for: "k", at: 7, cost: 1)
        XCTAssertEqual(cache.value("k", at: 7), "page")
        XCTAssertNil(cache.value("k", at: 6), "a request that read an older generation gets nothing")
        XCTAssertNil(cache.value("k", at: 8))
        XCTAssertEqual(cache.count, 0, "a newer generation empties the map")
        cache.insert("late", for: "k", at: 7, cost: 1)
        XCTAssertNil(cache.value("k", at: 8), "a value made before the newest generation is not stored")
    }

    func testTheLeastRecentlyUsedGoesFirstWhenFull() {
        var cache = GenerationalLRU<Int>(maxCount: 3, maxCost: 100)
        for (index, key) in ["a", "b", "c"].enumerated() { cache.insert(index, for: key, at: 1, cost: 1) }
        XCTAssertEqual(cache.value("a", at: 1), 0)
        cache.insert(3, for: "d", at: 1, cost: 1)
        XCTAssertNil(cache.value("b", at: 1))
        XCTAssertEqual(cache.value("a", at: 1), 0)
        XCTAssertEqual(cache.value("c", at: 1), 2)
        XCTAssertEqual(cache.value("d", at: 1), 3)
    }

    func testTheCostBoundEvictsUntilTheNewValueFitsAndRefusesWhatNeverFits() {
        var cache = GenerationalLRU<Int>(maxCount: 100, maxCost: 10)
        cache.insert(1, for: "a", at: 1, cost: 4)
        cache.insert(2, for: "b", at: 1, cost: 4)
        cache.insert(3, for: "c", at: 1, cost: 4)
        XCTAssertNil(cache.value("a", at: 1))
        XCTAssertEqual(cache.count, 2)
        cache.insert(4, for: "huge", at: 1, cost: 11)
        XCTAssertNil(cache.value("huge", at: 1))
        XCTAssertEqual(cache.count, 2)
    }
}
