import EaglehurstAPI
import Foundation
import NIOConcurrencyHelpers
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit

/// Every listing held in memory for browse and search: the columns filters and sorts read, the
/// summary a page shows, and an inverted index of title, description and location.
///
/// The index covers every listing, not only published ones, because BM25's statistics (how many
/// listings hold a word, how long a listing is on average) are taken over the whole table, as
/// FTS5 takes them; only `visible` entries (published, seller not suspended) are ever served.
///
/// Entries are append-only: a changed listing retires its old entry and gets a new one at the end,
/// so every posting list stays in entry order without being rewritten (`apply(_:)`). The value is
/// copied on write, so searches keep reading the snapshot they started with while an update builds
/// the next one. Retired entries are dropped by the next full load (`SearchIndexCache`).
struct ListingIndex: Sendable {
    /// The search generation this snapshot reflects (see `CreateListingSearchGeneration`).
    var generation: Int64

    // Per entry.
    private(set) var ids: [UUID] = []
    private(set) var live: [Bool] = []
    private(set) var visible: [Bool] = []
    private(set) var publishedAt: [Double] = []
    private(set) var price: [Int64] = []
    private(set) var revenue: [Int64?] = []
    private(set) var type: [Int32] = []
    private(set) var region: [Int32] = []
    /// Listings of sellers on a plan with premium placement: first when sorted by newest or relevance.
    private(set) var premium: [Bool] = []
    /// Terms in title, description and location together (FTS5's document size for BM25).
    private(set) var length: [Int32] = []
    /// What a page shows of the entry; nil unless visible. Never carries confidential fields.
    private(set) var summaries: [Components.Schemas.ListingSummary?] = []
    /// The same summary as the bytes a page sends (`EncodedSummary.hidden` unless visible).
    private(set) var encoded: [EncodedSummary] = []
    /// Tie-break of every order, as `ORDER BY …, l.id` did: the id's bytes in order, which order as
    /// its upper-case text does (hex digits and dashes at fixed places), without a string each.
    private(set) var idKey: [IDKey] = []

    /// The filtered columns of each entry side by side (see `FilterKey`).
    private(set) var filterKeys: [FilterKey] = []
    /// What relevance ranking reads of a candidate, side by side (see `RankInfo`).
    private(set) var rankInfo: [RankInfo] = []

    private(set) var typeCodes: [String: Int32] = [:]
    /// Keyed by the lower-cased region: the region filter ignores case.
    private(set) var regionCodes: [String: Int32] = [:]
    /// The live entry of each listing.
    private(set) var entryByID: [UUID: Int32] = [:]
    private(set) var liveCount = 0
    private(set) var visibleCount = 0
    private(set) var totalLength = 0

    private(set) var dictionary = TermDictionary()
    private(set) var postings: [Postings] = []
    /// The term of each folded token met so far: most words recur, and stemming costs more than a lookup.
    private var termOfToken: [Token: Int32] = [:]

    private(set) var newest = Ordering()
    private(set) var priceAscending = Ordering()
    private(set) var priceDescending = Ordering()
    private(set) var sets = EntrySets()

    /// Phrases resolved for this snapshot (a new snapshot starts with an empty cache).
    private(set) var phrases = PhraseCache()

    var entryCount: Int { ids.count }
    var retiredCount: Int { ids.count - liveCount }
    var averageLength: Double { liveCount == 0 ? 1 : Double(totalLength) / Double(liveCount) }

    /// One term's entries, ascending, with how often it occurs in each field.
    struct Postings: Sendable {
        var entries: [Int32] = []
        /// Occurrences packed as title | description << 10 | location << 20 (each saturating at 1023).
        var frequencies: [UInt32] = []
    }

    /// Visible entries in one sort order, the same order restricted to each region (so a page of
    /// one region walks only its own listings), and each entry's position.
    struct Ordering: Sendable {
        var entries: [Int32] = []
        var position: [Int32] = []
        var byRegion: [[Int32]] = []
        /// What the filters read of each entry, in the same order as `entries` and `byRegion`: a
        /// walk reads price and revenue in order, and a price band is found by binary search.
        var keys: [FilterKey] = []
        var byRegionKeys: [[FilterKey]] = []
    }

    /// Visible entries as sets of bits (bit `e % 64` of word `e / 64` for entry `e`): all of them,
    /// those of each region and those of each business type. A query ANDs the sets it filters on
    /// with its words' (`Phrase.bits`), 64 entries at a time, and counts or walks the result
    /// (`ListingIndex.candidates`). Rebuilt with the orders.
    struct EntrySets: Sendable {
        var visible: [UInt64] = []
        /// Visible premium placements (ranked first).
        var premium: [UInt64] = []
        var byRegion: [[UInt64]] = []
        var byType: [[UInt64]] = []
        /// Asking price and annual revenue in bands (see `Bands`).
        var price = Bands()
        var revenue = Bands()
    }

    /// A column cut into `count` bands of about equal size by value, each band's entries kept as
    /// the entries of it and every band below (`atMost`): the entries of bands `lo...hi` are then
    /// `atMost[hi] & ~atMost[lo - 1]`, two words read per 64 entries. A filter on the column ANDs
    /// the bands it touches (`outer`) and counts without looking closer the bands it holds whole
    /// (`inner`); only the entries of the one or two bands it cuts are tested one by one.
    struct Bands: Sendable {
        static let count = 64
        /// The lowest value of each band (ascending; band 0 starts at `Int64.min`).
        var floors: [Int64] = []
        var atMost: [[UInt64]] = []

        /// `values` of the visible entries (nil: not in any band, as a listing without a revenue).
        init(_ values: [Int64?], visible: [Bool], words: Int) {
            var known = values.indices.compactMap { visible[$0] ? values[$0] : nil }
            guard !known.isEmpty else { return }
            known.sort()
            var floors: [Int64] = [.min]
            for band in 1..<Self.count {
                let floor = known[known.count * band / Self.count]
                if floor > floors.last! { floors.append(floor) }
            }
            var sets = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: floors.count)
            for (e, value) in values.enumerated() where visible[e] {
                guard let value else { continue }
                sets[Self.band(of: value, floors)][e >> 6] |= 1 << UInt64(e & 63)
            }
            for band in sets.indices.dropFirst() {
                for w in 0..<words { sets[band][w] |= sets[band - 1][w] }
            }
            self.floors = floors
            atMost = sets
        }

        init() {}

        static func band(of value: Int64, _ floors: [Int64]) -> Int {
            var low = 0, high = floors.count
            while low < high {
                let mid = (low + high) / 2
                if floors[mid] <= value { low = mid + 1 } else { high = mid }
            }
            return low - 1
        }

        /// The bands a filter from `min` to `max` (inclusive) touches, and those it holds whole.
        func cover(_ min: Int64, _ max: Int64) -> (outer: ClosedRange<Int>?, inner: ClosedRange<Int>?) {
            guard !floors.isEmpty, min <= max else { return (nil, nil) }
            let lo = Self.band(of: min, floors), hi = Self.band(of: max, floors)
            let outer = lo...hi
            let innerLo = floors[lo] >= min ? lo : lo + 1
            let innerHi = hi == floors.count - 1 ? (max == .max ? hi : hi - 1) : (floors[hi + 1] - 1 <= max ? hi : hi - 1)
            return (outer, innerLo <= innerHi ? innerLo...innerHi : nil)
        }

        /// Word `w` of the entries of `bands`.
        @inline(__always)
        func word(_ w: Int, of bands: ClosedRange<Int>?) -> UInt64 {
            guard let bands else { return 0 }
            let upper = atMost[bands.upperBound][w]
            return bands.lowerBound == 0 ? upper : upper & ~atMost[bands.lowerBound - 1][w]
        }
    }

    /// Everything relevance ranking reads of one candidate, which it meets in score order, not entry
    /// order: the filtered columns, its length, its place in the newest order and its placement, in
    /// one 40-byte record instead of five arrays read at random. Rebuilt whenever the newest order
    /// changes (a full load, `apply(_:removed:)`).
    struct RankInfo: Sendable {
        var key: FilterKey.Packed
        var length: Int32
        var newestPosition: Int32
        var premium: Bool
    }

    /// A listing id as two big-endian words: compared as numbers, they order as the id's text.
    struct IDKey: Sendable, Comparable {
        var high: UInt64
        var low: UInt64

        init(_ id: UUID) {
            (high, low) = withUnsafeBytes(of: id.uuid) { bytes in
                (UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)),
                 UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
        }

        static func < (a: IDKey, b: IDKey) -> Bool { a.high != b.high ? a.high < b.high : a.low < b.low }
    }

    /// A folded token as a dictionary key: its bytes, hashed once (FNV-1a, 64 bits) and fed to the
    /// dictionary's hasher as one word instead of byte by byte (the load meets millions of tokens).
    struct Token: Hashable, Sendable {
        let bytes: [UInt8]
        let fnv: UInt64

        init(_ bytes: [UInt8]) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            self.bytes = bytes
            fnv = hash
        }

        func hash(into hasher: inout Hasher) { hasher.combine(fnv) }
        static func == (a: Token, b: Token) -> Bool { a.fnv == b.fnv && a.bytes == b.bytes }
    }

    /// A UUID written as text (36 characters, any case), parsed without `sscanf`; nil if malformed.
    static func uuid(text: String) -> UUID? {
        var text = text
        return text.withUTF8 { utf8 -> UUID? in
            guard utf8.count == 36 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 16)
            var at = 0
            var high: UInt8? = nil
            for (i, c) in utf8.enumerated() {
                if i == 8 || i == 13 || i == 18 || i == 23 {
                    guard c == UInt8(ascii: "-") else { return nil }
                    continue
                }
                guard let digit = hexDigitValue(c) else { return nil }
                if let h = high {
                    bytes[at] = h << 4 | digit
                    at += 1
                    high = nil
                } else {
                    high = digit
                }
            }
            return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                               bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        }
    }

    /// The columns the non-text filters read, side by side (one cache line holds two).
    struct FilterKey: Sendable {
        var price: Int64
        /// `Int64.min` when the listing gives no revenue (see `hasRevenue`).
        var revenue: Int64
        var type: Int32
        var region: Int32
        var hasRevenue: Bool

        /// The same without `hasRevenue` (`revenue == Int64.min` says it), 24 bytes, for `RankInfo`.
        struct Packed: Sendable {
            var price: Int64
            var revenue: Int64
            var type: Int32
            var region: Int32
        }

        var packed: Packed { Packed(price: price, revenue: hasRevenue ? revenue : .min, type: type, region: region) }
    }

    /// A listing as the index reads it from the database.
    struct Row: Sendable, Equatable {
        var id: UUID
        var sellerID: UUID
        var title: String
        var description: String
        var businessType: String
        var location: String
        var region: String
        var askingPrice: Int64
        var annualRevenue: Int64?
        var netProfit: Int64?
        var staffCount: Int?
        var tenure: String?
        var status: String
        var publishedAt: Date?
        var createdAt: Date?
        var updatedAt: Date?
        var sellerSuspended: Bool
        var premium: Bool

        var isVisible: Bool { status == Listing.Status.published.rawValue && !sellerSuspended }

        func summary() -> Components.Schemas.ListingSummary {
            .init(
                id: id, sellerId: sellerID, title: title, summary: Listing.summaryText(of: description),
                businessType: .init(rawValue: businessType) ?? .other, location: location, region: region,
                askingPrice: askingPrice, annualRevenue: annualRevenue, netProfit: netProfit, staffCount: staffCount,
                tenure: tenure.flatMap(Components.Schemas.Tenure.init(rawValue:)), status: .published,
                publishedAt: publishedAt, createdAt: createdAt ?? Date(timeIntervalSince1970: 0),
                updatedAt: updatedAt ?? createdAt ?? Date(timeIntervalSince1970: 0))
        }
    }

    init(generation: Int64) {
        self.generation = generation
    }

    // MARK: reading from the database

    /// The columns `rows` reads, in the order the by-position readers expect them.
    private static func columnsSQL(premium: String) -> String {
        """
        SELECT l.id, l.seller_id, l.title, l.description, l.business_type, l.location, l.region, l.asking_price,
               l.annual_revenue, l.net_profit, l.staff_count, l.tenure, l.status, l.published_at, l.created_at,
               l.updated_at, u.is_suspended AS seller_suspended,
               l.seller_id IN (SELECT s.user_id FROM user_subscriptions s JOIN subscriptions p ON p.id = s.subscription_id
                               WHERE s.status IN ('active', 'past_due') AND p.premium_placement = \(premium)) AS premium
        FROM listings l JOIN users u ON u.id = l.seller_id
        """
    }

    /// Every listing (or the listings `ids`) with what the index keeps of it. A full read on SQLite or
    /// PostgreSQL reads each row's columns by position with the driver's own conversions (no lookup
    /// by column name, no `Decodable` per value); the ids of an update go through SQLKit.
    static func rows(on sql: any SQLDatabase, ids: [UUID]? = nil) async throws -> [Row] {
        if ids == nil {
            let base = (sql as? WatchedDatabase)?.base ?? sql
            if let sqlite = base as? any SQLiteDatabase { return try await sqliteRows(on: sqlite) }
            if let postgres = base as? any PostgresDatabase { return try await postgresRows(on: postgres) }
        }
        let only: SQLQueryString = ids.map { "WHERE l.id IN (\(binds: $0))" } ?? ""
        let rows = try await sql.raw("""
            SELECT l.id, l.seller_id, l.title, l.description, l.business_type, l.location, l.region, l.asking_price,
                   l.annual_revenue, l.net_profit, l.staff_count, l.tenure, l.status, l.published_at, l.created_at,
                   l.updated_at, u.is_suspended AS seller_suspended,
                   l.seller_id IN (SELECT s.user_id FROM user_subscriptions s JOIN subscriptions p ON p.id = s.subscription_id
                                   WHERE s.status IN ('active', 'past_due') AND p.premium_placement = \(bind: true)) AS premium
            FROM listings l JOIN users u ON u.id = l.seller_id \(only)
            """).all()
        return try rows.map { row in
            func optional<T: Decodable>(_ column: String, _ type: T.Type) throws -> T? {
                try row.decodeNil(column: column) ? nil : try row.decode(column: column, as: T.self)
            }
            return Row(
                id: try row.decode(column: "id", as: UUID.self), sellerID: try row.decode(column: "seller_id", as: UUID.self),
                title: try row.decode(column: "title", as: String.self),
                description: try row.decode(column: "description", as: String.self),
                businessType: try row.decode(column: "business_type", as: String.self),
                location: try row.decode(column: "location", as: String.self),
                region: try row.decode(column: "region", as: String.self),
                askingPrice: try row.decode(column: "asking_price", as: Int64.self),
                annualRevenue: try optional("annual_revenue", Int64.self), netProfit: try optional("net_profit", Int64.self),
                staffCount: try optional("staff_count", Int.self), tenure: try optional("tenure", String.self),
                status: try row.decode(column: "status", as: String.self), publishedAt: try optional("published_at", Date.self),
                createdAt: try optional("created_at", Date.self), updatedAt: try optional("updated_at", Date.self),
                sellerSuspended: try row.decode(column: "seller_suspended", as: Bool.self),
                premium: try row.decode(column: "premium", as: Bool.self))
        }
    }

    /// A by-position read met another number of columns than `columnsSQL` names.
    struct UnexpectedColumns: Error { var count: Int }

    private static func sqliteRows(on database: any SQLiteDatabase) async throws -> [Row] {
        let rows = try await database.query(columnsSQL(premium: "1"), [])
        let decoder = SQLiteDataDecoder()
        func value<T: SQLiteDataConvertible & Decodable>(_ data: SQLiteData, _ type: T.Type) throws -> T {
            if let value = T(sqliteData: data) { return value }
            return try decoder.decode(T.self, from: data)
        }
        func optional<T: SQLiteDataConvertible & Decodable>(_ data: SQLiteData, _ type: T.Type) throws -> T? {
            data == .null ? nil : try value(data, type)
        }
        func uuid(_ data: SQLiteData) throws -> UUID {
            if case .blob(let buffer) = data, buffer.readableBytes == 16,
               let bytes = buffer.getBytes(at: buffer.readerIndex, length: 16) {
                return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                                   bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
            }
            if case .text(let text) = data, let id = ListingIndex.uuid(text: text) ?? UUID(uuidString: text) { return id }
            return try decoder.decode(UUID.self, from: data)
        }
        var result: [Row] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            let c = row.columns.map(\.data)
            guard c.count == 18 else { throw UnexpectedColumns(count: c.count) }
            result.append(Row(
                id: try uuid(c[0]), sellerID: try uuid(c[1]), title: try value(c[2], String.self),
                description: try value(c[3], String.self), businessType: try value(c[4], String.self),
                location: try value(c[5], String.self), region: try value(c[6], String.self),
                askingPrice: try value(c[7], Int64.self), annualRevenue: try optional(c[8], Int64.self),
                netProfit: try optional(c[9], Int64.self), staffCount: try optional(c[10], Int.self),
                tenure: try optional(c[11], String.self), status: try value(c[12], String.self),
                publishedAt: try optional(c[13], Date.self), createdAt: try optional(c[14], Date.self),
                updatedAt: try optional(c[15], Date.self), sellerSuspended: try value(c[16], Bool.self),
                premium: try value(c[17], Bool.self)))
        }
        return result
    }

    private static func postgresRows(on database: any PostgresDatabase) async throws -> [Row] {
        let rows = try await database.query(columnsSQL(premium: "true"), []).get().rows
        var result: [Row] = []
        result.reserveCapacity(rows.count)
        for row in rows {
            let c = row.makeRandomAccess()
            guard c.count == 18 else { throw UnexpectedColumns(count: c.count) }
            result.append(Row(
                id: try c[0].decode(UUID.self), sellerID: try c[1].decode(UUID.self), title: try c[2].decode(String.self),
                description: try c[3].decode(String.self), businessType: try c[4].decode(String.self),
                location: try c[5].decode(String.self), region: try c[6].decode(String.self),
                askingPrice: try c[7].decode(Int64.self), annualRevenue: try c[8].decode(Int64?.self),
                netProfit: try c[9].decode(Int64?.self), staffCount: try c[10].decode(Int?.self),
                tenure: try c[11].decode(String?.self), status: try c[12].decode(String.self),
                publishedAt: try c[13].decode(Date?.self), createdAt: try c[14].decode(Date?.self),
                updatedAt: try c[15].decode(Date?.self), sellerSuspended: try c[16].decode(Bool.self),
                premium: try c[17].decode(Bool.self)))
        }
        return result
    }

    /// The whole index, read at the generation read first: changes made while loading move the
    /// generation again, so they are not missed.
    static func load(from sql: any SQLDatabase) async throws -> ListingIndex {
        let generation = try await SearchIndexCache.generation(on: sql)
        let started = ContinuousClock.now
        let rows = try await rows(on: sql)
        let read = ContinuousClock.now
        var index = build(rows, generation: generation)
        index.loadCost = (read - started, ContinuousClock.now - read)
        return index
    }

    /// How long the last full load spent reading rows and building (the load's log line reports it).
    var loadCost: (read: Duration, build: Duration)?
    /// What each step of the last `build` took (the load's log line reports it).
    var buildPhases: [(String, Duration)] = []

    /// The index of `rows`. The work each row needs on its own (its terms, counted per field, and
    /// its summary, built and encoded) runs in batches on every core, each batch with term ids of
    /// its own; the batches are then joined in row order, so every posting list stays ascending.
    static func build(_ rows: [Row], generation: Int64) -> ListingIndex {
        let clock = ContinuousClock()
        let started = clock.now
        let batches = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 2, rows.count / 2_000))
        let size = (rows.count + batches - 1) / batches
        let results = BatchResults(count: batches)
        DispatchQueue.concurrentPerform(iterations: batches) { batch in
            var vocabulary = BatchVocabulary()
            let slice = rows[min(batch * size, rows.count)..<min((batch + 1) * size, rows.count)]
            var analysed: [Analysed] = []
            analysed.reserveCapacity(slice.count)
            for (local, row) in slice.enumerated() { analysed.append(vocabulary.analyse(row, entry: Int32(local))) }
            results.store(batch, (vocabulary, analysed))
        }
        let analysed = clock.now
        var index = ListingIndex(generation: generation)
        index.reserve(rows.count)
        var next = 0
        for batch in 0..<batches {
            let (vocabulary, analysed) = results.take(batch)
            let global = vocabulary.terms.map { term -> Int32 in
                let id = index.dictionary.id(of: term)
                if Int(id) == index.postings.count { index.postings.append(Postings()) }
                return id
            }
            for (token, local) in vocabulary.idOfToken { index.termOfToken[token] = global[Int(local)] }
            let base = Int32(next)
            for row in analysed {
                _ = index.appendColumns(rows[next], summary: row.summary, encoded: row.encoded, length: row.length)
                next += 1
            }
            // The batch's postings, its entries shifted to where the batch starts (still ascending).
            for (local, postings) in vocabulary.postings.enumerated() {
                let id = Int(global[local])
                index.postings[id].entries.append(contentsOf: postings.entries.lazy.map { $0 + base })
                index.postings[id].frequencies.append(contentsOf: postings.frequencies)
            }
        }
        index.dictionary.sort()
        let joined = clock.now
        index.rebuildOrders()
        let ordered = clock.now
        index.rebuildRankInfo()
        index.rebuildSets()
        index.buildPhases = [("analysed", analysed - started), ("joined", joined - analysed), ("ordered", ordered - joined),
                             ("sets", clock.now - ordered)]
        return index
    }

    /// `rankInfo` from the columns and the newest order.
    private mutating func rebuildRankInfo() {
        var info: [RankInfo] = []
        info.reserveCapacity(ids.count)
        let position = newest.position
        for e in 0..<ids.count {
            info.append(RankInfo(
                key: filterKeys[e].packed, length: length[e], newestPosition: e < position.count ? position[e] : .max,
                premium: premium[e]))
        }
        rankInfo = info
    }

    /// `sets` from the columns: one pass over the visible entries.
    private mutating func rebuildSets() {
        let words = (ids.count + 63) >> 6
        var sets = EntrySets(
            visible: [UInt64](repeating: 0, count: words),
            premium: [UInt64](repeating: 0, count: words),
            byRegion: Array(repeating: [UInt64](repeating: 0, count: words), count: regionCodes.count),
            byType: Array(repeating: [UInt64](repeating: 0, count: words), count: typeCodes.count))
        for e in ids.indices where visible[e] {
            let word = e >> 6, bit = UInt64(1) << UInt64(e & 63)
            sets.visible[word] |= bit
            if premium[e] { sets.premium[word] |= bit }
            sets.byRegion[Int(region[e])][word] |= bit
            sets.byType[Int(type[e])][word] |= bit
        }
        sets.price = Bands(price.map { $0 }, visible: visible, words: words)
        sets.revenue = Bands(revenue, visible: visible, words: words)
        self.sets = sets
    }

    /// One row as `build` analyses it apart from the others; term ids are its batch's own.
    struct Analysed: Sendable {
        var length: Int32 = 0
        var summary: Components.Schemas.ListingSummary?
        var encoded = EncodedSummary.hidden
    }

    /// The tokens and terms one batch of `build` met, with ids of its own.
    struct BatchVocabulary: Sendable {
        var idOfToken: [Token: Int32] = [:]
        var idOfTerm: [String: Int32] = [:]
        var terms: [String] = []
        /// Each term's postings in this batch, entries counted from the batch's first row.
        var postings: [Postings] = []
        /// Occurrences per term of the row being counted, and which terms it touched.
        private var counts: [UInt32] = []
        private var touched: [Int32] = []

        mutating func analyse(_ row: Row, entry: Int32) -> Analysed {
            var result = Analysed()
            var length: Int32 = 0
            for (field, text) in [(0, row.title), (1, row.description), (2, row.location)] {
                let shift = UInt32(field * 10)
                SearchTokenizer.forEachToken(text) { token in
                    length += 1
                    let id: Int32
                    let key = Token(token)
                    if let known = idOfToken[key] {
                        id = known
                    } else {
                        let term = PorterStemmer.stem(token)
                        if let known = idOfTerm[term] {
                            id = known
                        } else {
                            id = Int32(terms.count)
                            terms.append(term)
                            idOfTerm[term] = id
                            counts.append(0)
                            postings.append(Postings())
                        }
                        idOfToken[key] = id
                    }
                    let old = counts[Int(id)]
                    if old == 0 { touched.append(id) }
                    if (old >> shift) & 0x3FF < 0x3FF { counts[Int(id)] = old + (1 << shift) }
                }
            }
            for id in touched {
                postings[Int(id)].entries.append(entry)
                postings[Int(id)].frequencies.append(counts[Int(id)])
                counts[Int(id)] = 0
            }
            touched.removeAll(keepingCapacity: true)
            result.length = length
            if row.isVisible {
                let summary = row.summary()
                result.summary = summary
                result.encoded = EncodedSummary(summary)
            }
            return result
        }
    }

    /// Each batch's result, written by its own thread into its own slot.
    private final class BatchResults: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<(BatchVocabulary, [Analysed])?>

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func store(_ batch: Int, _ value: (BatchVocabulary, [Analysed])) { slots[batch] = value }

        func take(_ batch: Int) -> (BatchVocabulary, [Analysed]) {
            defer { slots[batch] = nil }
            return slots[batch]!
        }
    }

    // MARK: changes

    /// Applies the current state of some listings: `rows` as read now, and `removed` for listings
    /// that no longer exist. Each listing's old entry is retired and its new state appended, and
    /// the sort orders take the change in place; nothing else is re-read or re-sorted.
    mutating func apply(_ rows: [Row], removed: [UUID] = []) {
        var hidden: Set<Int32> = []
        for id in removed + rows.map(\.id) {
            guard let entry = entryByID.removeValue(forKey: id) else { continue }
            let e = Int(entry)
            live[e] = false
            liveCount -= 1
            totalLength -= Int(length[e])
            if visible[e] {
                visible[e] = false
                visibleCount -= 1
                summaries[e] = nil
                encoded[e] = .hidden
                hidden.insert(entry)
            }
        }
        let termsBefore = dictionary.unsortedCount
        var shown: [Int32] = []
        for row in rows {
            append(row)
            if row.isVisible { shown.append(Int32(ids.count - 1)) }
        }
        if dictionary.unsortedCount != termsBefore { dictionary.sort() }
        if !hidden.isEmpty || !shown.isEmpty {
            newest = reordered(newest, hiding: hidden, showing: shown, by: newestFirst)
            priceAscending = reordered(priceAscending, hiding: hidden, showing: shown, by: cheaperFirst)
            priceDescending = reordered(priceDescending, hiding: hidden, showing: shown, by: dearerFirst)
        } else {
            for ordering in [\ListingIndex.newest, \.priceAscending, \.priceDescending] {
                self[keyPath: ordering].position += Array(repeating: .max, count: ids.count - self[keyPath: ordering].position.count)
            }
        }
        rebuildRankInfo()
        rebuildSets()
        phrases = PhraseCache()
    }

    /// One order with some entries taken out and others put in their places (binary search), then
    /// positions and the per-region and per-type orders refreshed in one pass.
    private func reordered(
        _ ordering: Ordering, hiding hidden: Set<Int32>, showing shown: [Int32], by before: (Int32, Int32) -> Bool
    ) -> Ordering {
        var entries = hidden.isEmpty ? ordering.entries : ordering.entries.filter { !hidden.contains($0) }
        for entry in shown {
            var low = 0, high = entries.count
            while low < high {
                let mid = (low + high) / 2
                if before(entries[mid], entry) { low = mid + 1 } else { high = mid }
            }
            entries.insert(entry, at: low)
        }
        return self.ordering(entries)
    }

    private mutating func reserve(_ count: Int) {
        ids.reserveCapacity(count); live.reserveCapacity(count); visible.reserveCapacity(count)
        publishedAt.reserveCapacity(count); price.reserveCapacity(count); revenue.reserveCapacity(count)
        type.reserveCapacity(count); region.reserveCapacity(count); premium.reserveCapacity(count)
        length.reserveCapacity(count); summaries.reserveCapacity(count); idKey.reserveCapacity(count)
        encoded.reserveCapacity(count); filterKeys.reserveCapacity(count)
        entryByID.reserveCapacity(count)
    }

    private mutating func append(_ row: Row) {
        let summary = row.isVisible ? row.summary() : nil
        let entry = appendColumns(row, summary: summary, encoded: summary.map(EncodedSummary.init) ?? .hidden, length: nil)

        // Count each term per field, then add one posting per distinct term.
        var counts: [Int32: UInt32] = [:]
        var terms = 0
        for (field, text) in [(0, row.title), (1, row.description), (2, row.location)] {
            SearchTokenizer.forEachToken(text) { token in
                terms += 1
                let id: Int32
                let key = Token(token)
                if let known = termOfToken[key] {
                    id = known
                } else {
                    id = dictionary.id(of: PorterStemmer.stem(token))
                    termOfToken[key] = id
                    if Int(id) == postings.count { postings.append(Postings()) }
                }
                let shift = UInt32(field * 10)
                let old = counts[id] ?? 0
                if (old >> shift) & 0x3FF < 0x3FF { counts[id] = old + (1 << shift) }
            }
        }
        length.append(Int32(terms))
        totalLength += terms
        for (id, frequency) in counts {
            postings[Int(id)].entries.append(entry)
            postings[Int(id)].frequencies.append(frequency)
        }
    }

    /// A new entry's columns, summary and (when known) length; its postings are the caller's.
    private mutating func appendColumns(
        _ row: Row, summary: Components.Schemas.ListingSummary?, encoded: EncodedSummary, length terms: Int32?
    ) -> Int32 {
        let entry = Int32(ids.count)
        ids.append(row.id)
        idKey.append(IDKey(row.id))
        live.append(true)
        let isVisible = row.isVisible
        visible.append(isVisible)
        publishedAt.append(row.publishedAt?.timeIntervalSince1970 ?? -.infinity)
        price.append(row.askingPrice)
        revenue.append(row.annualRevenue)
        premium.append(row.premium)
        type.append(Self.code(row.businessType, in: &typeCodes))
        region.append(Self.code(row.region.lowercased(), in: &regionCodes))
        filterKeys.append(FilterKey(
            price: row.askingPrice, revenue: row.annualRevenue ?? .min, type: type[Int(entry)], region: region[Int(entry)],
            hasRevenue: row.annualRevenue != nil))
        summaries.append(summary)
        self.encoded.append(encoded)
        entryByID[row.id] = entry
        liveCount += 1
        if isVisible { visibleCount += 1 }
        if let terms {
            length.append(terms)
            totalLength += Int(terms)
        }
        return entry
    }

    private static func code(_ name: String, in codes: inout [String: Int32]) -> Int32 {
        if let code = codes[name] { return code }
        let code = Int32(codes.count)
        codes[name] = code
        return code
    }

    /// The three sort orders over visible entries. Newest first puts premium placement first; ties
    /// break on the id as the SQL orders did.
    private mutating func rebuildOrders() {
        let shown = (0..<Int32(ids.count)).filter { visible[Int($0)] }
        // The three orders are sorted side by side, one per core.
        let this = self
        let orders = OrderResults()
        DispatchQueue.concurrentPerform(iterations: 3) { which in
            switch which {
            case 0: orders.store(0, this.ordering(shown.sorted(by: this.newestFirst)))
            case 1: orders.store(1, this.ordering(shown.sorted(by: this.cheaperFirst)))
            default: orders.store(2, this.ordering(shown.sorted(by: this.dearerFirst)))
            }
        }
        newest = orders.take(0)
        priceAscending = orders.take(1)
        priceDescending = orders.take(2)
    }

    /// The three orders of `rebuildOrders`, each written by its own thread into its own slot.
    private final class OrderResults: @unchecked Sendable {
        private var slots: [Ordering?] = [nil, nil, nil]
        private let lock = NIOLock()
        func store(_ slot: Int, _ ordering: Ordering) { lock.withLock { slots[slot] = ordering } }
        func take(_ slot: Int) -> Ordering { lock.withLock { slots[slot]! } }
    }

    private func newestFirst(_ a: Int32, _ b: Int32) -> Bool {
        let (a, b) = (Int(a), Int(b))
        if premium[a] != premium[b] { return premium[a] }
        return publishedAt[a] != publishedAt[b] ? publishedAt[a] > publishedAt[b] : idKey[a] < idKey[b]
    }

    private func cheaperFirst(_ a: Int32, _ b: Int32) -> Bool {
        let (a, b) = (Int(a), Int(b))
        return price[a] != price[b] ? price[a] < price[b] : idKey[a] < idKey[b]
    }

    private func dearerFirst(_ a: Int32, _ b: Int32) -> Bool {
        let (a, b) = (Int(a), Int(b))
        return price[a] != price[b] ? price[a] > price[b] : idKey[a] < idKey[b]
    }

    private func ordering(_ entries: [Int32]) -> Ordering {
        var ordering = Ordering(entries: entries, position: [Int32](repeating: .max, count: ids.count))
        ordering.byRegion = Array(repeating: [], count: regionCodes.count)
        ordering.byRegionKeys = Array(repeating: [], count: regionCodes.count)
        ordering.keys.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let key = filterKeys[Int(entry)]
            ordering.position[Int(entry)] = Int32(index)
            ordering.keys.append(key)
            ordering.byRegion[Int(key.region)].append(entry)
            ordering.byRegionKeys[Int(key.region)].append(key)
        }
        return ordering
    }

    // MARK: memory

    /// Roughly how many bytes the index holds (columns, postings, orders and summaries).
    var approximateBytes: Int {
        let perEntry = 16 + 1 + 1 + 8 + 8 + 9 + 4 + 4 + 1 + 4 + 16 + 16 + 3 * 4 + MemoryLayout<RankInfo>.stride + MemoryLayout<FilterKey>.stride
        let postingsBytes = postings.reduce(0) { $0 + $1.entries.count * 8 + 48 }
        // Each order twice (all, by region), with its filter keys beside each; the entry sets.
        let orderBytes = 3 * visibleCount * (4 + MemoryLayout<FilterKey>.stride) * 2
            + (1 + regionCodes.count + typeCodes.count) * ((ids.count + 63) / 8)
        let encodedBytes = encoded.reduce(0) { $0 + ($1.bytes.isEmpty ? 0 : 64 + $1.bytes.count + $1.tagPrefix.count) }
        let summaryBytes = summaries.reduce(0) { total, summary in
            guard let summary else { return total }
            return total + 256 + summary.title.utf8.count + (summary.summary?.utf8.count ?? 0) + summary.location.utf8.count
                + summary.region.utf8.count
        }
        return ids.count * perEntry + postingsBytes + orderBytes + summaryBytes + encodedBytes + dictionary.approximateBytes
    }
}

/// Terms and their ids, with the terms also kept in byte order so that the last word of a query
/// can match as a prefix (every term starting with "pharm" lies in one run).
struct TermDictionary: Sendable {
    private var ids: [String: Int32] = [:]
    private(set) var sorted: [String] = []
    private var sortedCount = 0

    var count: Int { ids.count }
    /// Terms added since the last `sort()`.
    var unsortedCount: Int { ids.count - sortedCount }

    subscript(term: String) -> Int32? { ids[term] }

    mutating func id(of term: String) -> Int32 {
        if let id = ids[term] { return id }
        let id = Int32(ids.count)
        ids[term] = id
        sorted.append(term)
        return id
    }

    mutating func sort() {
        sorted.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        sortedCount = sorted.count
    }

    /// The ids of every term that starts with `prefix`.
    func ids(withPrefix prefix: String) -> [Int32] {
        let key = Array(prefix.utf8)
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid].utf8.lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
        }
        var found: [Int32] = []
        while low < sorted.count, sorted[low].utf8.starts(with: key) {
            found.append(ids[sorted[low]]!)
            low += 1
        }
        return found
    }

    var approximateBytes: Int { sorted.reduce(0) { $0 + 2 * ($1.utf8.count + 32) } }
}

/// Phrases already resolved against one snapshot, so the common words of a busy hour are merged,
/// measured and ordered once. Bounded by the bytes the phrases hold (`Phrase.approximateBytes`:
/// about 20 bytes an entry, and the bit sets of common ones); the oldest go first.
final class PhraseCache: Sendable {
    static let maxBytes = 192 << 20
    private struct State {
        var phrases: [String: Phrase] = [:]
        var order: [String] = []
        var bytes = 0
    }
    private let state = NIOLockedValueBox(State())

    /// What the cached phrases hold now.
    var bytes: Int { state.withLockedValue { $0.bytes } }

    func phrase(_ key: String, make: () -> Phrase) -> Phrase {
        if let found = state.withLockedValue({ $0.phrases[key] }) { return found }
        let made = make()
        return state.withLockedValue { state in
            if let raced = state.phrases[key] { return raced }
            state.phrases[key] = made
            state.order.append(key)
            state.bytes += made.approximateBytes
            while state.bytes > Self.maxBytes, state.order.count > 1 {
                let oldest = state.order.removeFirst()
                state.bytes -= state.phrases.removeValue(forKey: oldest)?.approximateBytes ?? 0
            }
            return made
        }
    }
}
