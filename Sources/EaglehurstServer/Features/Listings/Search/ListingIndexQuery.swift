import EaglehurstAPI
import Foundation

/// The words of a free-text search as index terms: every word must match, the last one as a
/// prefix (live search finds "pharm" → "pharmacy"). Quotes and operators are only separators.
struct TextQuery: Equatable, Sendable {
    let terms: [String]

    /// nil when the text has no words.
    init?(_ text: String) {
        let terms = ListingRules.searchWords(text).flatMap(SearchTokenizer.terms)
        guard !terms.isEmpty else { return nil }
        self.terms = terms
    }

    /// The same key for the same words however they were written (case, punctuation, accents).
    var key: String { terms.joined(separator: " ") + "*" }
}

/// One word of a query resolved against one snapshot: the live entries that hold it (for the last
/// word, any term that starts with it), ascending, with its occurrences per field in each.
///
/// Kept small because the common words of a busy hour stay cached (`PhraseCache`): a single term
/// with no retired entries shares its posting list, and the relevance order holds 4 bytes an entry.
final class Phrase: Sendable {
    let entries: [Int32]
    /// Occurrences packed as in `ListingIndex.Postings`.
    let frequencies: [UInt32]
    /// Membership of every entry, kept when the phrase is common enough to be worth 1 bit an entry.
    let bits: [UInt64]?
    /// With `bits`: how many entries lie before each word of `bits`, so an entry's place in
    /// `entries` is one popcount away (no binary search).
    let ranks: [Int32]
    /// Indices into `entries` of the visible ones, premium placement first, then by this phrase's
    /// BM25 part (highest first), then newest first: for one word, exactly the relevance order.
    let byImpact: [Int32]
    /// The highest BM25 part of any visible entry: no listing can score more from this phrase.
    let maxImpact: Double

    var count: Int { entries.count }

    static let k1 = 1.2
    static let b = 0.75

    /// FTS5's weighting of occurrences: 10 in the title, 1 in the description, 5 in the location.
    @inline(__always)
    static func weighted(_ packed: UInt32) -> Double {
        Double(packed & 0x3FF) * 10 + Double((packed >> 10) & 0x3FF) + Double((packed >> 20) & 0x3FF) * 5
    }

    @inline(__always)
    func weighted(at index: Int) -> Double { Self.weighted(frequencies[index]) }

    /// BM25's saturation of a weighted frequency in a listing of `length` terms, as FTS5 writes it.
    @inline(__always)
    static func impact(_ frequency: Double, length: Double, averageLength: Double) -> Double {
        (frequency * (k1 + 1.0)) / (frequency + k1 * (1 - b + b * length / averageLength))
    }

    /// FTS5's idf: never zero or less, so a word in most listings still counts a little.
    static func idf(matching: Int, of total: Int) -> Double {
        let idf = log((Double(total) - Double(matching) + 0.5) / (Double(matching) + 0.5))
        return idf <= 0 ? 1e-6 : idf
    }

    init(terms: [Int32], in index: ListingIndex) {
        var entries: [Int32] = []
        var frequencies: [UInt32] = []
        if terms.count == 1 {
            let postings = index.postings[Int(terms[0])]
            if postings.entries.allSatisfy({ index.live[Int($0)] }) {
                (entries, frequencies) = (postings.entries, postings.frequencies)
            } else {
                for (entry, packed) in zip(postings.entries, postings.frequencies) where index.live[Int(entry)] {
                    entries.append(entry)
                    frequencies.append(packed)
                }
            }
        } else if !terms.isEmpty {
            // Sum every term of the prefix per field (saturating), dense, then read back in entry order.
            var sum = [UInt32](repeating: 0, count: index.entryCount)
            for term in terms {
                let postings = index.postings[Int(term)]
                for (entry, packed) in zip(postings.entries, postings.frequencies) {
                    let old = sum[Int(entry)]
                    var merged: UInt32 = 0
                    for shift: UInt32 in [0, 10, 20] {
                        merged |= min(((old >> shift) & 0x3FF) + ((packed >> shift) & 0x3FF), 0x3FF) << shift
                    }
                    sum[Int(entry)] = merged
                }
            }
            for entry in sum.indices where sum[entry] != 0 && index.live[entry] {
                entries.append(Int32(entry))
                frequencies.append(sum[entry])
            }
        }
        if entries.count * 32 >= index.entryCount, !entries.isEmpty {
            var bits = [UInt64](repeating: 0, count: (index.entryCount + 63) / 64)
            for entry in entries { bits[Int(entry) >> 6] |= 1 << UInt64(Int(entry) & 63) }
            var ranks = [Int32](repeating: 0, count: bits.count)
            var before: Int32 = 0
            for word in bits.indices {
                ranks[word] = before
                before += Int32(bits[word].nonzeroBitCount)
            }
            self.bits = bits
            self.ranks = ranks
        } else {
            bits = nil
            ranks = []
        }
        var ranked: [(index: Int32, impact: Double)] = []
        ranked.reserveCapacity(entries.count)
        let average = index.averageLength
        for (i, entry) in entries.enumerated() where index.visible[Int(entry)] {
            let impact = Self.impact(Self.weighted(frequencies[i]), length: Double(index.length[Int(entry)]), averageLength: average)
            ranked.append((Int32(i), impact))
        }
        let premium = index.premium, position = index.newest.position
        ranked.sort { a, b in
            let (x, y) = (Int(entries[Int(a.index)]), Int(entries[Int(b.index)]))
            if premium[x] != premium[y] { return premium[x] }
            return a.impact != b.impact ? a.impact > b.impact : position[x] < position[y]
        }
        self.entries = entries
        self.frequencies = frequencies
        self.byImpact = ranked.map(\.index)
        self.maxImpact = ranked.lazy.map(\.impact).max() ?? 0
    }

    /// Where `entry` is in `entries`, or nil when the phrase is not in it.
    @inline(__always)
    func index(of entry: Int32) -> Int? {
        if let bits {
            let word = Int(entry) >> 6, bit = UInt64(1) << UInt64(Int(entry) & 63)
            guard bits[word] & bit != 0 else { return nil }
            return Int(ranks[word]) + (bits[word] & (bit &- 1)).nonzeroBitCount
        }
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) >> 1
            if entries[mid] < entry { low = mid + 1 } else { high = mid }
        }
        return low < entries.count && entries[low] == entry ? low : nil
    }

    @inline(__always)
    func contains(_ entry: Int32) -> Bool {
        if let bits { return bits[Int(entry) >> 6] & (1 << UInt64(Int(entry) & 63)) != 0 }
        return index(of: entry) != nil
    }
}

/// The non-text filters, resolved against one snapshot.
struct EntryFilter {
    let types: [Bool]?
    let typeCodes: [Int32]
    let region: Int32?
    let minPrice: Int64, maxPrice: Int64
    let minRevenue: Int64?, maxRevenue: Int64?

    var isEmpty: Bool {
        types == nil && region == nil && minPrice == .min && maxPrice == .max && minRevenue == nil && maxRevenue == nil
    }

    /// nil when nothing can match (a business type or region that no listing has).
    init?(_ filters: ListingSearch.Filters, in index: ListingIndex) {
        if filters.businessTypes.isEmpty {
            types = nil
            typeCodes = []
        } else {
            let codes = Set(filters.businessTypes.compactMap { index.typeCodes[$0] }).sorted()
            guard !codes.isEmpty else { return nil }
            var mask = [Bool](repeating: false, count: index.typeCodes.count)
            for code in codes { mask[Int(code)] = true }
            types = codes.count == index.typeCodes.count ? nil : mask
            typeCodes = codes
        }
        if let name = filters.region {
            guard let code = index.regionCodes[name.lowercased()] else { return nil }
            region = code
        } else {
            region = nil
        }
        minPrice = filters.minPrice ?? .min
        maxPrice = filters.maxPrice ?? .max
        minRevenue = filters.minRevenue
        maxRevenue = filters.maxRevenue
    }

    @inline(__always)
    func accepts(_ entry: Int, in index: ListingIndex) -> Bool {
        accepts(index.filterKeys[entry])
    }

    /// The same test on a ranking record (no revenue: `revenue == Int64.min`).
    @inline(__always)
    func accepts(_ key: ListingIndex.FilterKey.Packed) -> Bool {
        if let region, key.region != region { return false }
        if let types, !types[Int(key.type)] { return false }
        if key.price < minPrice || key.price > maxPrice { return false }
        if minRevenue != nil || maxRevenue != nil {
            guard key.revenue != .min else { return false }
            if let minRevenue, key.revenue < minRevenue { return false }
            if let maxRevenue, key.revenue > maxRevenue { return false }
        }
        return true
    }

    @inline(__always)
    func accepts(_ key: ListingIndex.FilterKey) -> Bool {
        if let region, key.region != region { return false }
        if let types, !types[Int(key.type)] { return false }
        if key.price < minPrice || key.price > maxPrice { return false }
        if minRevenue != nil || maxRevenue != nil {
            // A listing without a revenue never matches a revenue filter, as in SQL.
            guard key.hasRevenue else { return false }
            if let minRevenue, key.revenue < minRevenue { return false }
            if let maxRevenue, key.revenue > maxRevenue { return false }
        }
        return true
    }
}

extension ListingIndex {
    struct Page {
        var entries: [Int32]
        /// Matches counted up to `cap`.
        var total: Int
        /// More than `cap` match.
        var capped: Bool
    }

    /// One page of browse or search in the asked order, and how many match (counted up to `cap + 1`).
    func page(_ filters: ListingSearch.Filters, offset: Int, limit: Int, cap: Int) -> Page {
        guard let filter = EntryFilter(filters, in: self) else { return Page(entries: [], total: 0, capped: false) }
        let text = filters.text.flatMap(TextQuery.init)
        let sort = filters.sort ?? (text != nil ? .relevance : .newest)
        var phrases: [Phrase] = []
        if let text {
            phrases = self.phrases(text)
            if phrases.contains(where: { $0.count == 0 }) { return Page(entries: [], total: 0, capped: false) }
        }
        let ordering: Ordering
        switch sort {
        case .relevance:
            if !phrases.isEmpty { return ranked(phrases, filter: filter, offset: offset, limit: limit, cap: cap) }
            ordering = newest
        case .newest: ordering = newest
        case .priceAsc: ordering = priceAscending
        case .priceDesc: ordering = priceDescending
        }
        let enough = max(cap + 1, offset + limit)
        if let rarest = phrases.min(by: { $0.count < $1.count }), rarest.count * 16 < visibleCount {
            return sortedMatches(phrases, rarest: rarest, filter: filter, ordering: ordering, offset: offset, limit: limit, cap: cap)
        }
        if phrases.isEmpty && filter.isEmpty {
            let total = ordering.entries.count
            let page = offset < total ? Array(ordering.entries[offset..<min(total, offset + limit)]) : []
            return Page(entries: page, total: min(total, cap), capped: total > cap)
        }
        var matched = 0
        var page: [Int32] = []
        walk(ordering, filter: filter, sort: sort) { entry in
            for phrase in phrases where !phrase.contains(entry) { return true }
            if matched >= offset && matched < offset + limit { page.append(entry) }
            matched += 1
            return matched < enough
        }
        return Page(entries: page, total: min(matched, cap), capped: matched > cap)
    }

    /// The query's phrases, each resolved once per snapshot.
    func phrases(_ query: TextQuery) -> [Phrase] {
        query.terms.enumerated().map { position, term in
            if position == query.terms.count - 1 {
                return phrases.phrase("*" + term) { Phrase(terms: dictionary.ids(withPrefix: term), in: self) }
            }
            return phrases.phrase("=" + term) { Phrase(terms: dictionary[term].map { [$0] } ?? [], in: self) }
        }
    }

    /// Walks the visible entries that can pass `filter` in `ordering`'s order, reading only the
    /// region's or the business types' own orders when those are filtered on, and only the price
    /// band when sorted by price; `body` says whether to go on.
    private func walk(_ ordering: Ordering, filter: EntryFilter, sort: Components.Schemas.ListingSort, _ body: (Int32) -> Bool) {
        /// One order to walk: its entries, their filter keys (same order) and the part to read.
        struct List {
            let entries: [Int32]
            let keys: [FilterKey]
            var range: Range<Int>
        }
        var lists: [List]
        if let region = filter.region {
            let r = Int(region)
            lists = [List(entries: ordering.byRegion[r], keys: ordering.byRegionKeys[r], range: 0..<ordering.byRegion[r].count)]
        } else if filter.types != nil {
            lists = filter.typeCodes.map {
                List(entries: ordering.byType[Int($0)], keys: ordering.byTypeKeys[Int($0)], range: 0..<ordering.byType[Int($0)].count)
            }
        } else {
            lists = [List(entries: ordering.entries, keys: ordering.keys, range: 0..<ordering.entries.count)]
        }
        if sort == .priceAsc || sort == .priceDesc {
            let ascending = sort == .priceAsc
            let (start, stop) = ascending ? (filter.minPrice, filter.maxPrice) : (filter.maxPrice, filter.minPrice)
            for l in lists.indices {
                let keys = lists[l].keys
                // The first entry at or past `start`, in the list's own direction.
                var low = 0, high = keys.count
                while low < high {
                    let mid = (low + high) / 2
                    let price = keys[mid].price
                    if ascending ? price < start : price > start { low = mid + 1 } else { high = mid }
                }
                var end = low
                var upper = keys.count
                while end < upper {
                    let mid = (end + upper) / 2
                    let price = keys[mid].price
                    if ascending ? price <= stop : price >= stop { end = mid + 1 } else { upper = mid }
                }
                lists[l].range = low..<end
            }
        }
        let position = ordering.position
        if lists.count == 1 {
            let list = lists[0]
            list.keys.withUnsafeBufferPointer { keys in
                list.entries.withUnsafeBufferPointer { entries in
                    for i in list.range where filter.accepts(keys[i]) {
                        if !body(entries[i]) { return }
                    }
                }
            }
            return
        }
        // Several business types: merge their orders by position.
        var heads = lists.map(\.range.lowerBound)
        while true {
            var best = -1
            var bestPosition = Int32.max
            for (list, head) in heads.enumerated() where head < lists[list].range.upperBound {
                let p = position[Int(lists[list].entries[head])]
                if p < bestPosition { bestPosition = p; best = list }
            }
            guard best >= 0 else { return }
            let i = heads[best]
            heads[best] += 1
            if filter.accepts(lists[best].keys[i]), !body(lists[best].entries[i]) { return }
        }
    }

    /// Few matches: gather them from the rarest phrase, then put them in the asked order.
    private func sortedMatches(
        _ phrases: [Phrase], rarest: Phrase, filter: EntryFilter, ordering: Ordering, offset: Int, limit: Int, cap: Int
    ) -> Page {
        var keyed: [Int64] = []
        let position = ordering.position
        for entry in rarest.entries where visible[Int(entry)] && filter.accepts(Int(entry), in: self) {
            if phrases.allSatisfy({ $0 === rarest || $0.contains(entry) }) {
                keyed.append(Int64(position[Int(entry)]) << 32 | Int64(entry))
            }
        }
        keyed.sort()
        let page = offset < keyed.count ? keyed[offset..<min(keyed.count, offset + limit)].map { Int32(truncatingIfNeeded: $0) } : []
        return Page(entries: page, total: min(keyed.count, cap), capped: keyed.count > cap)
    }

    /// Relevance order, as FTS5's bm25() ranks (title, description, location weighted 10, 1, 5):
    /// premium placement first, then the higher score, then the newer listing.
    ///
    /// The rarest phrase's entries are walked in `Phrase.byImpact` order, so the best candidates
    /// come first: each is checked against the other phrases (a bit, then a binary search), scored
    /// and offered to a heap of the best `offset + limit`. Once the total has passed the cap, the
    /// walk stops as soon as even a perfect score from the other phrases could not lift the next
    /// entry into the heap (MaxScore); one word is thereby exact order, read until the page and
    /// the capped total are known.
    private func ranked(_ phrases: [Phrase], filter: EntryFilter, offset: Int, limit: Int, cap: Int) -> Page {
        let average = averageLength
        let idf = phrases.map { Phrase.idf(matching: $0.count, of: liveCount) }
        let rarest = phrases.indices.min { phrases[$0].count < phrases[$1].count }!
        let driver = phrases[rarest]
        var othersBound = 0.0
        for p in phrases.indices where p != rarest { othersBound += idf[p] * phrases[p].maxImpact }
        var frequencies = [Double](repeating: 0, count: phrases.count)
        var best = TopK(capacity: offset + limit)
        var matched = 0
        let rankInfo = self.rankInfo
        candidates: for slot in driver.byImpact {
            let entry = driver.entries[Int(slot)]
            let e = Int(entry)
            let info = rankInfo[e]
            let length = Double(info.length)
            frequencies[rarest] = driver.weighted(at: Int(slot))
            if matched > cap {
                let part = Phrase.impact(frequencies[rarest], length: length, averageLength: average)
                let bound = (idf[rarest] * part + othersBound) * (1 + 1e-9)
                if best.excludes(premium: info.premium, score: bound) { break }
            }
            guard filter.accepts(info.key) else { continue }
            // Membership first (a bit for common phrases), frequencies only for a match.
            for (p, phrase) in phrases.enumerated() where p != rarest && !phrase.contains(entry) { continue candidates }
            for (p, phrase) in phrases.enumerated() where p != rarest {
                guard let found = phrase.index(of: entry) else { continue candidates }
                frequencies[p] = phrase.weighted(at: found)
            }
            matched += 1
            var score = 0.0
            for p in phrases.indices { score += idf[p] * Phrase.impact(frequencies[p], length: length, averageLength: average) }
            best.offer(.init(premium: info.premium, score: score, position: info.newestPosition, entry: entry))
        }
        let ordered = best.sorted()
        let page = offset < ordered.count ? ordered[offset..<min(ordered.count, offset + limit)].map(\.entry) : []
        return Page(entries: page, total: min(matched, cap), capped: matched > cap)
    }
}

/// The best `capacity` candidates seen so far, worst on top of a binary heap.
struct TopK {
    struct Candidate {
        let premium: Bool
        let score: Double
        let position: Int32
        let entry: Int32

        /// Ranked before `other`: premium placement, then the higher score, then the newer listing.
        @inline(__always)
        func precedes(_ other: Candidate) -> Bool {
            if premium != other.premium { return premium }
            if score != other.score { return score > other.score }
            return position < other.position
        }
    }

    let capacity: Int
    private var heap: [Candidate] = []

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, 4096))
    }

    mutating func offer(_ candidate: Candidate) {
        guard capacity > 0 else { return }
        if heap.count < capacity {
            heap.append(candidate)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard heap[parent].precedes(heap[child]) else { break }
                heap.swapAt(parent, child)
                child = parent
            }
            return
        }
        guard candidate.precedes(heap[0]) else { return }
        heap[0] = candidate
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var worst = parent
            if left < heap.count && heap[worst].precedes(heap[left]) { worst = left }
            if right < heap.count && heap[worst].precedes(heap[right]) { worst = right }
            guard worst != parent else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }

    /// Full, and a candidate with this placement and score (or less) would not get in.
    func excludes(premium: Bool, score: Double) -> Bool {
        guard heap.count >= capacity, let worst = heap.first else { return capacity == 0 }
        if worst.premium != premium { return worst.premium }
        return score < worst.score
    }

    func sorted() -> [Candidate] { heap.sorted { $0.precedes($1) } }
}
