/// A bounded map that holds values of one search generation only and drops the least recently
/// used entry first when full. Not thread-safe: `ListingPageCache` keeps it behind a lock.
///
/// Entries sit in a doubly linked list threaded through an array (most recent at the head), so a
/// lookup, an insert and an eviction each cost O(1): under a stream of distinct searches every
/// insert evicts, and it does so while holding the cache's lock.
struct GenerationalLRU<Value> {
    fileprivate struct Node {
        var key: String
        var value: Value?
        var cost: Int
        var newer: Int
        var older: Int
    }

    private var nodes: [Node] = []
    private var unused: [Int] = []
    private var slots: [String: Int] = [:]
    private var newest = -1
    private var oldest = -1
    private var generation = Int64.min
    private var totalCost = 0
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
        guard generation == self.generation, let slot = slots[key] else { return nil }
        unlink(slot)
        linkAsNewest(slot)
        return nodes[slot].value
    }

    /// Stores a value made at `generation`; one made before the newest generation seen is dropped.
    mutating func insert(_ value: Value, for key: String, at generation: Int64, cost: Int) {
        advance(to: generation)
        guard generation == self.generation, cost <= maxCost else { return }
        if let old = slots.removeValue(forKey: key) { release(old) }
        while !slots.isEmpty, slots.count >= maxCount || totalCost + cost > maxCost {
            let victim = oldest
            slots[nodes[victim].key] = nil
            release(victim)
        }
        let node = Node(key: key, value: value, cost: cost, newer: -1, older: -1)
        let slot: Int
        if let reused = unused.popLast() {
            nodes[reused] = node
            slot = reused
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        slots[key] = slot
        linkAsNewest(slot)
        totalCost += cost
    }

    private mutating func advance(to generation: Int64) {
        guard generation > self.generation else { return }
        slots.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
        unused.removeAll(keepingCapacity: true)
        newest = -1
        oldest = -1
        totalCost = 0
        self.generation = generation
    }

    /// Takes a node out of the list and frees its place (its key is already out of `slots`).
    private mutating func release(_ slot: Int) {
        unlink(slot)
        totalCost -= nodes[slot].cost
        nodes[slot].value = nil
        unused.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let (newer, older) = (nodes[slot].newer, nodes[slot].older)
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }

    private mutating func linkAsNewest(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = -1
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}

extension GenerationalLRU: Sendable where Value: Sendable {}
extension GenerationalLRU.Node: Sendable where Value: Sendable {}
