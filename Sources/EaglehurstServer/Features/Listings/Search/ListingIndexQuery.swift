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
    /// This phrase's BM25 part in each entry (same order as `entries`): its weighted occurrences
    /// saturated for the entry's length, computed once per snapshot.
    let impacts: [Double]
    /// Indices into `entries` of the visible ones, premium placement first, then by this phrase's
    /// BM25 part (highest first), then newest first: for one word, exactly the relevance order.
    let byImpact: [Int32]
    /// With `bits`: the entries of the upper tiers of this phrase's part (by rank: the best tenth,
    /// the next three tenths; the last tier is the rest of `bits`), and the highest part in
    /// each tier. Several common words are ranked a combination of tiers at a time.
    let tiers: [[UInt64]]?
    let tierMax: [Double]
    static let tierCuts = [0.1, 0.4]
    static var tierCount: Int { tierCuts.count + 1 }

    var count: Int { entries.count }

    /// Roughly what the phrase holds: entries, occurrences, relevance order and parts (the first
    /// two may share a term's posting list), and its bit sets.
    var approximateBytes: Int {
        entries.count * 20 + (bits?.count ?? 0) * 8 * (1 + (tiers?.count ?? 0)) + ranks.count * 4 + 128
    }

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
        var impacts: [Double] = []
        impacts.reserveCapacity(entries.count)
        for (i, entry) in entries.enumerated() {
            let impact = Self.impact(Self.weighted(frequencies[i]), length: Double(index.length[Int(entry)]), averageLength: average)
            impacts.append(impact)
            if index.visible[Int(entry)] { ranked.append((Int32(i), impact)) }
        }
        let premium = index.premium, position = index.newest.position
        ranked.sort { a, b in
            let (x, y) = (Int(entries[Int(a.index)]), Int(entries[Int(b.index)]))
            if premium[x] != premium[y] { return premium[x] }
            return a.impact != b.impact ? a.impact > b.impact : position[x] < position[y]
        }
        self.entries = entries
        self.frequencies = frequencies
        self.impacts = impacts
        self.byImpact = ranked.map(\.index)
        if bits != nil, !ranked.isEmpty {
            var parts = ranked.map(\.impact)
            parts.sort(by: >)
            let cuts = Self.tierCuts.map { parts[Int(Double(parts.count) * $0)] }
            var tiers = [[UInt64]](repeating: [UInt64](repeating: 0, count: (index.entryCount + 63) / 64), count: cuts.count)
            var tierMax = [Double](repeating: 0, count: Self.tierCount)
            for (i, entry) in entries.enumerated() {
                let part = impacts[i]
                let tier = cuts.firstIndex { part >= $0 } ?? cuts.count
                if tier < cuts.count { tiers[tier][Int(entry) >> 6] |= 1 << UInt64(Int(entry) & 63) }
                if index.visible[Int(entry)] { tierMax[tier] = max(tierMax[tier], part) }
            }
            self.tiers = tiers
            self.tierMax = tierMax
        } else {
            self.tiers = nil
            self.tierMax = []
        }
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

    /// Keeps in `set` only this phrase's entries of one tier (see `tiers`).
    func restrict(_ set: UnsafeMutableBufferPointer<UInt64>, toTier tier: Int) {
        guard let tiers, let bits else { return }
        let words = min(set.count, bits.count)
        if tier < tiers.count {
            tiers[tier].withUnsafeBufferPointer { t in for w in 0..<words { set[w] &= t[w] } }
        } else {
            // The last tier: the phrase's entries in none of the others.
            bits.withUnsafeBufferPointer { b in for w in 0..<words { set[w] &= b[w] } }
            for upper in tiers {
                upper.withUnsafeBufferPointer { t in for w in 0..<words { set[w] &= ~t[w] } }
            }
        }
        for w in words..<set.count { set[w] = 0 }
    }
}

/// The non-text filters, resolved against one snapshot.
struct EntryFilter {
    let types: [Bool]?
    let typeCodes: [Int32]
    let region: Int32?
    let minPrice: Int64, maxPrice: Int64
    let minRevenue: Int64?, maxRevenue: Int64?

    var isEmpty: Bool { types == nil && region == nil && !hasBands }

    /// A price or revenue band: tested entry by entry (business type and region are sets of bits).
    var hasBands: Bool { minPrice != .min || maxPrice != .max || minRevenue != nil || maxRevenue != nil }
    var hasPriceBand: Bool { minPrice != .min || maxPrice != .max }
    var hasRevenueBand: Bool { minRevenue != nil || maxRevenue != nil }
    /// The index's price and revenue bands each band filter touches and holds whole (`ListingIndex.Bands`).
    let priceCover: (outer: ClosedRange<Int>?, inner: ClosedRange<Int>?)
    let revenueCover: (outer: ClosedRange<Int>?, inner: ClosedRange<Int>?)

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
        priceCover = index.sets.price.cover(minPrice, maxPrice)
        revenueCover = index.sets.revenue.cover(minRevenue ?? .min, maxRevenue ?? .max)
    }

    /// Word `w` of the entries whose bands the filter's bands touch (`whole` false), or of those it
    /// certainly passes, their bands held whole (`whole` true); all ones without bands.
    @inline(__always)
    func bandWord(_ w: Int, in sets: ListingIndex.EntrySets, whole: Bool) -> UInt64 {
        var word = UInt64.max
        if hasPriceBand { word &= sets.price.word(w, of: whole ? priceCover.inner : priceCover.outer) }
        if hasRevenueBand { word &= sets.revenue.word(w, of: whole ? revenueCover.inner : revenueCover.outer) }
        return word
    }

    /// The bands alone on a ranking record (no revenue: `revenue == Int64.min`).
    @inline(__always)
    func acceptsBands(_ key: ListingIndex.FilterKey.Packed) -> Bool {
        if key.price < minPrice || key.price > maxPrice { return false }
        if minRevenue != nil || maxRevenue != nil {
            guard key.revenue != .min else { return false }
            if let minRevenue, key.revenue < minRevenue { return false }
            if let maxRevenue, key.revenue > maxRevenue { return false }
        }
        return true
    }

    /// The bands alone.
    @inline(__always)
    func acceptsBands(_ key: ListingIndex.FilterKey) -> Bool {
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
    ///
    /// Which entries match is settled first, 64 at a time: the visible set ANDed with the region's,
    /// the business types' and each word's (`candidates`). Counting is then a popcount (a price or
    /// revenue band is tested only on the entries in the set, or on the price band's run of the
    /// price order, whichever is shorter), so the total never needs the page's order. The page is
    /// then read in its order: relevance from the rarest word's best entries down (`ranked`), a
    /// sort order by walking it and testing each entry's bit (`inOrder`).
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
        case .relevance, .newest: ordering = newest
        case .priceAsc: ordering = priceAscending
        case .priceDesc: ordering = priceDescending
        }
        if phrases.isEmpty && filter.isEmpty {
            let total = ordering.entries.count
            let page = offset < total ? Array(ordering.entries[offset..<min(total, offset + limit)]) : []
            return Page(entries: page, total: min(total, cap), capped: total > cap)
        }
        let candidates = self.candidates(phrases, filter)
        let matched = count(candidates, filter, upTo: cap + 1)
        if sort == .relevance, !phrases.isEmpty {
            return ranked(phrases, candidates, filter: filter, matched: matched, offset: offset, limit: limit, cap: cap)
        }
        return inOrder(ordering, candidates, filter: filter, sort: sort, matched: matched, offset: offset, limit: limit, cap: cap)
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

    /// The visible entries of the filtered region and business types that hold every phrase, as a
    /// set of bits (the bands are left to the caller).
    func candidates(_ phrases: [Phrase], _ filter: EntryFilter) -> [UInt64] {
        let words = (entryCount + 63) >> 6
        var result = sets.visible
        if result.count < words { result += [UInt64](repeating: 0, count: words - result.count) }
        result.withUnsafeMutableBufferPointer { out in
            if let region = filter.region {
                sets.byRegion[Int(region)].withUnsafeBufferPointer { bits in
                    for w in bits.indices { out[w] &= bits[w] }
                }
            }
            if filter.types != nil {
                var union = [UInt64](repeating: 0, count: words)
                for code in filter.typeCodes {
                    sets.byType[Int(code)].withUnsafeBufferPointer { bits in
                        for w in bits.indices { union[w] |= bits[w] }
                    }
                }
                union.withUnsafeBufferPointer { bits in
                    for w in 0..<words { out[w] &= bits[w] }
                }
            }
            if filter.hasBands {
                for w in 0..<words { out[w] &= filter.bandWord(w, in: sets, whole: false) }
            }
            for phrase in phrases {
                if let bits = phrase.bits {
                    bits.withUnsafeBufferPointer { bits in
                        for w in 0..<min(words, bits.count) { out[w] &= bits[w] }
                        for w in min(words, bits.count)..<words { out[w] = 0 }
                    }
                } else {
                    // A rare phrase: keep only its entries, read from its list.
                    var kept = [UInt64](repeating: 0, count: words)
                    for entry in phrase.entries {
                        let w = Int(entry) >> 6, bit = UInt64(1) << UInt64(Int(entry) & 63)
                        kept[w] |= out[w] & bit
                    }
                    kept.withUnsafeBufferPointer { bits in
                        for w in 0..<words { out[w] = bits[w] }
                    }
                }
            }
        }
        return result
    }

    /// How many candidates pass the bands, counted up to `limit`: those in bands the filter holds
    /// whole by popcount, the others (in the one or two bands at each edge) one by one.
    func count(_ candidates: [UInt64], _ filter: EntryFilter, upTo limit: Int) -> Int {
        var counted = 0
        candidates.withUnsafeBufferPointer { bits in
            guard filter.hasBands else {
                for word in bits { counted += word.nonzeroBitCount }
                return
            }
            filterKeys.withUnsafeBufferPointer { keys in
                for w in bits.indices where bits[w] != 0 {
                    let inner = filter.bandWord(w, in: sets, whole: true)
                    counted += (bits[w] & inner).nonzeroBitCount
                    var edge = bits[w] & ~inner
                    while edge != 0 {
                        let e = w << 6 | edge.trailingZeroBitCount
                        edge &= edge &- 1
                        if filter.acceptsBands(keys[e]) { counted += 1 }
                    }
                    if counted >= limit { return }
                }
            }
        }
        return min(counted, limit)
    }

    /// The run of `keys` (sorted by price in the given direction) whose prices lie in the band.
    private func priceRun(_ keys: [FilterKey], from minPrice: Int64, to maxPrice: Int64, ascending: Bool) -> Range<Int> {
        let (start, stop) = ascending ? (minPrice, maxPrice) : (maxPrice, minPrice)
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
        return low..<end
    }

    /// A page in a sort order: the order walked (only the region's part of it when a region is
    /// filtered, only the price band when sorted by price), taking the entries whose bit is set and
    /// that pass the bands. When few match, they are gathered from the set and sorted instead.
    private func inOrder(
        _ ordering: Ordering, _ candidates: [UInt64], filter: EntryFilter, sort: Components.Schemas.ListingSort,
        matched: Int, offset: Int, limit: Int, cap: Int
    ) -> Page {
        let entries: [Int32], keys: [FilterKey]
        if let region = filter.region {
            (entries, keys) = (ordering.byRegion[Int(region)], ordering.byRegionKeys[Int(region)])
        } else {
            (entries, keys) = (ordering.entries, ordering.keys)
        }
        var range = 0..<entries.count
        if (sort == .priceAsc || sort == .priceDesc) && filter.hasPriceBand {
            range = priceRun(keys, from: filter.minPrice, to: filter.maxPrice, ascending: sort == .priceAsc)
        }
        let total = Page(entries: [], total: min(matched, cap), capped: matched > cap)
        // Past the last match (a page beyond the cap is still read: the walk finds it).
        guard matched > offset || matched > cap else { return total }
        var page: [Int32] = []
        if matched <= cap && matched * 16 < range.count {
            // Few matches in a long walk: gather them and sort them by their place in the order.
            var keyed: [Int64] = []
            keyed.reserveCapacity(matched)
            let position = ordering.position
            candidates.withUnsafeBufferPointer { bits in
                for w in bits.indices {
                    var word = bits[w]
                    while word != 0 {
                        let e = w << 6 | word.trailingZeroBitCount
                        word &= word &- 1
                        if filter.hasBands && !filter.acceptsBands(filterKeys[e]) { continue }
                        keyed.append(Int64(position[e]) << 32 | Int64(e))
                    }
                }
            }
            keyed.sort()
            page = keyed[offset..<min(keyed.count, offset + limit)].map { Int32(truncatingIfNeeded: $0) }
            return Page(entries: page, total: total.total, capped: total.capped)
        }
        page.reserveCapacity(limit)
        let wanted = offset + limit
        var seen = 0
        candidates.withUnsafeBufferPointer { bits in
            entries.withUnsafeBufferPointer { entries in
                keys.withUnsafeBufferPointer { keys in
                    for i in range {
                        let e = Int(entries[i])
                        guard bits[e >> 6] & (1 << UInt64(e & 63)) != 0 else { continue }
                        if filter.hasBands && !filter.acceptsBands(keys[i]) { continue }
                        if seen >= offset { page.append(entries[i]) }
                        seen += 1
                        if seen >= wanted { return }
                    }
                }
            }
        }
        return Page(entries: page, total: total.total, capped: total.capped)
    }

    /// Relevance order, as FTS5's bm25() ranks (title, description, location weighted 10, 1, 5):
    /// premium placement first, then the higher score, then the newer listing.
    ///
    /// Up to `cap` matches are all scored (read from the set of candidates) into a heap of the best
    /// `offset + limit`. Beyond that, the phrases' entries are read best first, and only until no
    /// candidate left could enter the heap (see below): one common word is read only until the page
    /// is full, and several common words about as far as their best entries reach.
    private func ranked(
        _ phrases: [Phrase], _ candidates: [UInt64], filter: EntryFilter, matched: Int, offset: Int, limit: Int, cap: Int
    ) -> Page {
        let idf = phrases.map { Phrase.idf(matching: $0.count, of: liveCount) }
        let done = { (best: TopK) -> Page in
            let ordered = best.sorted()
            let page = offset < ordered.count ? ordered[offset..<min(ordered.count, offset + limit)].map(\.entry) : []
            return Page(entries: page, total: min(matched, cap), capped: matched > cap)
        }
        var best = TopK(capacity: offset + limit)
        guard matched > offset || matched > cap else { return done(best) }
        let rankInfo = self.rankInfo
        let premium = self.premium
        /// Scores every candidate of `set` in entry order and offers it. A phrase without bits is
        /// followed with a cursor (both ascend), so a rare word costs one pass, not a search each.
        func scoreAll(_ set: UnsafeBufferPointer<UInt64>) {
            var cursor = [Int](repeating: 0, count: phrases.count)
            for w in set.indices {
                var word = set[w]
                candidates: while word != 0 {
                    let e = w << 6 | word.trailingZeroBitCount
                    word &= word &- 1
                    if filter.hasBands && !filter.acceptsBands(filterKeys[e]) { continue }
                    var score = 0.0
                    for (p, phrase) in phrases.enumerated() {
                        let found: Int
                        if phrase.bits != nil {
                            guard let at = phrase.index(of: Int32(e)) else { continue candidates }
                            found = at
                        } else {
                            var at = cursor[p]
                            let entries = phrase.entries
                            while at < entries.count && Int(entries[at]) < e { at += 1 }
                            cursor[p] = at
                            guard at < entries.count, Int(entries[at]) == e else { continue candidates }
                            found = at
                        }
                        score += idf[p] * phrase.impacts[found]
                    }
                    guard !best.excludes(premium: premium[e], score: score) else { continue }
                    let info = rankInfo[e]
                    best.offer(.init(premium: info.premium, score: score, position: info.newestPosition, entry: Int32(e)))
                }
            }
        }
        if matched <= cap {
            candidates.withUnsafeBufferPointer { scoreAll($0) }
            return done(best)
        }
        if phrases.count == 1 {
            // One phrase: its entries best first, until the next could not enter the heap.
            let phrase = phrases[0]
            candidates.withUnsafeBufferPointer { bits in
                phrase.entries.withUnsafeBufferPointer { entries in
                    for slot in phrase.byImpact {
                        let entry = entries[Int(slot)]
                        let e = Int(entry)
                        guard bits[e >> 6] & (1 << UInt64(e & 63)) != 0 else { continue }
                        let info = rankInfo[e]
                        let score = idf[0] * phrase.impacts[Int(slot)]
                        if best.excludes(premium: info.premium, score: score * (1 + 1e-9)) { return }
                        if filter.hasBands && !filter.acceptsBands(info.key) { continue }
                        best.offer(.init(premium: info.premium, score: score, position: info.newestPosition, entry: entry))
                    }
                }
            }
            return done(best)
        }
        guard phrases.allSatisfy({ $0.tiers != nil }) else {
            // A rare phrase bounds the candidates: score them all.
            candidates.withUnsafeBufferPointer { scoreAll($0) }
            return done(best)
        }
        // Several common phrases: each phrase's entries fall in three tiers of its part, and every
        // combination of tiers has a highest possible score. Combinations are read best first
        // (their candidates ANDed 64 at a time and scored), premium placements before the others,
        // until the next combination could not enter the heap.
        var combinations: [(tiers: [Int], bound: Double)] = [([], 0)]
        for (p, phrase) in phrases.enumerated() {
            combinations = combinations.flatMap { combination in
                (0..<Phrase.tierCount).map { (combination.tiers + [$0], combination.bound + idf[p] * phrase.tierMax[$0]) }
            }
        }
        combinations.sort { $0.bound > $1.bound }
        let words = candidates.count
        var set = [UInt64](repeating: 0, count: words)
        let anyPremium = candidates.withUnsafeBufferPointer { bits in
            sets.premium.withUnsafeBufferPointer { placed in
                (0..<min(bits.count, placed.count)).contains { bits[$0] & placed[$0] != 0 }
            }
        }
        for premiumTier in anyPremium ? [true, false] : [false] {
            for combination in combinations {
                if best.excludes(premium: premiumTier, score: combination.bound * (1 + 1e-9)) { break }
                set.withUnsafeMutableBufferPointer { out in
                    candidates.withUnsafeBufferPointer { bits in
                        sets.premium.withUnsafeBufferPointer { premiumBits in
                            for w in 0..<words {
                                let placed = w < premiumBits.count ? premiumBits[w] : 0
                                out[w] = bits[w] & (premiumTier ? placed : ~placed)
                            }
                        }
                    }
                    for (p, phrase) in phrases.enumerated() { phrase.restrict(out, toTier: combination.tiers[p]) }
                }
                set.withUnsafeBufferPointer { scoreAll($0) }
            }
        }
        return done(best)
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
