/// A bounded map that holds values of one search generation only and drops the least recently
/// used entry first when full. Not thread-safe: `ListingPageCache` keeps it behind a lock.
struct GenerationalLRU<Value> {
    fileprivate struct Slot {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    private var slots: [String: Slot] = [:]
    private var generation = Int64.min
    private var totalCost = 0
    private var clock: UInt64 = 0
    let maxCount: Int
    let maxCost: Int

    init(maxCount: Int, maxCost: Int) {
        self.maxCount = maxCount
        self.maxCost = maxCost
    }

    var count: Int { slots.count }

    /// The value stored for `key` at this generation. Seeing a newer generation empties the map;
    /// an older one (a request that read the counter just before another moved it) finds nothing.
    mutating func value(_ key: String, at generation: Int64) -> Value? {
        advance(to: generation)
        guard generation == self.generation, var slot = slots[key] else { return nil }
        clock += 1
        slot.lastUse = clock
        slots[key] = slot
        return slot.value
    }

    /// Stores a value made at `generation`; one made before the newest generation seen is dropped.
    mutating func insert(_ value: Value, for key: String, at generation: Int64, cost: Int) {
        advance(to: generation)
        guard generation == self.generation, cost <= maxCost else { return }
        if let old = slots.removeValue(forKey: key) { totalCost -= old.cost }
        while !slots.isEmpty, slots.count >= maxCount || totalCost + cost > maxCost {
            evictLeastRecentlyUsed()
        }
        clock += 1
        slots[key] = Slot(value: value, cost: cost, lastUse: clock)
        totalCost += cost
    }

    private mutating func advance(to generation: Int64) {
        guard generation > self.generation else { return }
        slots.removeAll(keepingCapacity: true)
        totalCost = 0
        self.generation = generation
    }

    private mutating func evictLeastRecentlyUsed() {
        guard let oldest = slots.min(by: { $0.value.lastUse < $1.value.lastUse }) else { return }
        slots[oldest.key] = nil
        totalCost -= oldest.value.cost
    }
}

extension GenerationalLRU: Sendable where Value: Sendable {}
extension GenerationalLRU.Slot: Sendable where Value: Sendable {}
