@testable import EaglehurstServer
import XCTest

/// The bounded, generation-checked map behind `ListingPageCache`.
final class GenerationalLRUTests: XCTestCase {
    /// Random lookups and inserts agree with a plain list kept in order of use.
    func testEvictsExactlyAsAListInOrderOfUseWould() {
        var cache = GenerationalLRU<Int>(maxCount: 8, maxCost: 20)
        var model: [(key: String, value: Int, cost: Int)] = []  // least recently used first
        var generation: Int64 = 1
        var generator = SystemRandomNumberGenerator()
        for step in 0..<5_000 {
            let key = "k\(Int.random(in: 0..<14, using: &generator))"
            switch Int.random(in: 0..<20, using: &generator) {
            case 0:
                generation += 1
                model = []
                XCTAssertNil(cache.value(key, at: generation))
            case 1..<10:
                let expected = model.firstIndex { $0.key == key }.map { model.remove(at: $0) }
                if let expected { model.append(expected) }
                XCTAssertEqual(cache.value(key, at: generation), expected?.value, "step \(step)")
            default:
                let cost = Int.random(in: 1...6, using: &generator)
                model.removeAll { $0.key == key }
                while !model.isEmpty, model.count >= 8 || model.reduce(0, { $0 + $1.cost }) + cost > 20 { model.removeFirst() }
                model.append((key, step, cost))
                cache.insert(step, for: key, at: generation, cost: cost)
            }
            XCTAssertEqual(cache.count, model.count, "step \(step)")
        }
    }

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
