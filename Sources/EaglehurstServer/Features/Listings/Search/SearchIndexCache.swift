import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit

/// The application's listing index, kept in step with the database.
///
/// Every search asks for the search generation, which this server holds in memory and reads again
/// (one indexed single-row read, shared by the searches that arrive together) only when it may have
/// moved (`SearchGenerationReader`). When it has moved past the index, one request
/// catches the index up while the others wait for it, so nobody sees listings that left browse nor
/// misses new ones. Catching up reads which listings changed from `listing_search_changes` (the
/// triggers log each change with its generation, see `LogListingSearchChanges`) and re-reads only
/// those (`ListingIndex.apply`); it reloads everything only when the log cannot say (a generation
/// with no listing, such as a change of premium placement), after a long gap, or when retired
/// entries pile up.
///
/// Entry points for other parts of the server: `catchUp(on:)` brings the index to the database's
/// generation now (a server that hears of a change from another, e.g. PostgreSQL LISTEN/NOTIFY,
/// calls it); `refresh(listingIDs:on:)` re-reads some listings at once. Updates run one at a time,
/// each on the snapshot the previous one left; searches keep reading the snapshot they began with.
final class SearchIndexCache: Sendable {
    private struct State {
        var current: ListingIndex?
        /// When `current` last changed (the health panel's index age).
        var changedAt: Date?
        /// The last update queued; each waits for the one before it.
        var tail: Task<ListingIndex, any Error>?
        var catchingUp: (generation: Int64, task: Task<ListingIndex, any Error>)?
    }

    /// Beyond this many generations behind, or this many changed listings, reloading is cheaper.
    static let maxCatchUpGenerations: Int64 = 5_000
    static let maxCatchUpListings = 2_000
    /// Change-log rows older than this many generations are deleted (a server further behind reloads).
    static let changeLogRetention: Int64 = 20_000

    private let state = NIOLockedValueBox(State())
    /// The generation as this server knows it (read from the database only when it may have moved).
    let generationReader = SearchGenerationReader()
    private static let logger = Logger(label: "eaglehurst.search")

    /// A full load, logged with its cost (the benchmark reports it).
    private static func load(from sql: any SQLDatabase) async throws -> ListingIndex {
        let started = ContinuousClock.now
        let index = try await ListingIndex.load(from: sql)
        let elapsed = ContinuousClock.now - started
        func ms(_ d: Duration) -> Int { Int(Double(d.components.seconds) * 1_000 + Double(d.components.attoseconds) / 1e15) }
        let phases = index.buildPhases.map { "\($0.0) \(ms($0.1))" }.joined(separator: ", ")
        let parts = index.loadCost.map { " (rows read in \(ms($0.read)) ms, built in \(ms($0.build)) ms: \(phases))" } ?? ""
        logger.info("""
            listing index loaded: \(index.liveCount) listings (\(index.visibleCount) shown), \(index.dictionary.count) terms, \
            about \(index.approximateBytes >> 20) MB, in \(ms(elapsed)) ms\(parts)
            """)
        return index
    }

    /// The generation as of this call: the value held in memory while nothing can have moved it
    /// unseen, else one read after this call began (shared with the searches that arrive with it).
    func currentGeneration(on sql: any SQLDatabase) async throws -> Int64 {
        try await generationReader.generation(on: sql)
    }

    static func generation(on sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT generation FROM listing_search_generation WHERE id = 1").first()?
            .decode(column: "generation", as: Int64.self) ?? 0
    }

    /// The index as of `generation` or later.
    func index(at generation: Int64, loadingWith loader: any SQLDatabase) async throws -> ListingIndex {
        enum Lookup { case ready(ListingIndex), waiting(Task<ListingIndex, any Error>) }
        let lookup: Lookup = state.withLockedValue { state in
            if let current = state.current, current.generation >= generation { return .ready(current) }
            if let pending = state.catchingUp, pending.generation >= generation { return .waiting(pending.task) }
            let task = enqueue(&state) { base in try await self.caughtUp(base, on: loader) }
            state.catchingUp = (generation, task)
            return .waiting(task)
        }
        switch lookup {
        case .ready(let index): return index
        case .waiting(let task):
            do {
                return try await task.value
            } catch {
                state.withLockedValue { state in if state.catchingUp?.generation == generation { state.catchingUp = nil } }
                throw error
            }
        }
    }

    /// Brings the index to the database's generation now.
    @discardableResult
    func catchUp(on sql: any SQLDatabase) async throws -> ListingIndex {
        try await index(at: try await Self.generation(on: sql), loadingWith: sql)
    }

    /// Re-reads `ids` now and puts their current state in the index (a listing that no longer
    /// exists leaves it), without waiting for the generation to move.
    func refresh(listingIDs ids: [UUID], on sql: any SQLDatabase) async throws {
        let task = state.withLockedValue { state in
            enqueue(&state) { base in
                guard var index = base else { return try await Self.load(from: sql) }
                let rows = try await ListingIndex.rows(on: sql, ids: ids)
                let found = Set(rows.map(\.id))
                index.apply(rows, removed: ids.filter { !found.contains($0) })
                return index
            }
        }
        _ = try await task.value
    }

    /// The snapshot for `generation` when one is ready now (no waiting, no database), else nil.
    func ready(at generation: Int64) -> ListingIndex? {
        state.withLockedValue { state in
            guard let current = state.current, current.generation >= generation else { return nil }
            return current
        }
    }

    /// The snapshot searches read now, if any (for tests and memory reports).
    var current: ListingIndex? { state.withLockedValue { $0.current } }

    /// Whether an index was loaded here (some search ran on this server).
    var isLoaded: Bool { state.withLockedValue { $0.current != nil } }

    /// The index this server searches now: the listings it shows and when it last changed (nil before
    /// the first search); `GET /admin/system/health` and `GET /metrics` report them.
    func snapshot() -> (count: Int, loadedAt: Date)? {
        state.withLockedValue { state in
            guard let current = state.current, let changedAt = state.changedAt else { return nil }
            return (current.visibleCount, changedAt)
        }
    }

    private func enqueue(_ state: inout State, _ work: @escaping @Sendable (ListingIndex?) async throws -> ListingIndex) -> Task<ListingIndex, any Error> {
        let previous = state.tail
        let task = Task {
            _ = try? await previous?.value
            let base = self.state.withLockedValue { $0.current }
            let next = try await work(base)
            self.state.withLockedValue { state in
                if next.generation >= state.current?.generation ?? .min {
                    state.current = next
                    state.changedAt = Date()
                }
                if let pending = state.catchingUp, pending.generation <= next.generation { state.catchingUp = nil }
            }
            return next
        }
        state.tail = task
        return task
    }

    /// `base` moved to the generation now: the listings the change log names since `base`, or a
    /// full load when the log cannot say.
    private func caughtUp(_ base: ListingIndex?, on sql: any SQLDatabase) async throws -> ListingIndex {
        let generation = try await Self.generation(on: sql)
        generationReader.note(generation)
        guard var index = base, generation - index.generation <= Self.maxCatchUpGenerations,
              index.retiredCount <= max(1_000, index.liveCount / 4) else {
            return try await Self.load(from: sql)
        }
        guard generation > index.generation else { return index }
        let rows = try await sql.raw("""
            SELECT generation, listing_id FROM listing_search_changes
            WHERE generation > \(bind: index.generation) AND generation <= \(bind: generation)
            """).all()
        var generations = Set<Int64>()
        var ids = Set<UUID>()
        for row in rows {
            generations.insert(try row.decode(column: "generation", as: Int64.self))
            if !(try row.decodeNil(column: "listing_id")) { ids.insert(try row.decode(column: "listing_id", as: UUID.self)) }
        }
        // A generation with no logged change moved for something the log does not name.
        guard generations.count == Int(generation - index.generation), ids.count <= Self.maxCatchUpListings else {
            return try await Self.load(from: sql)
        }
        let changed = Array(ids)
        let current = try await ListingIndex.rows(on: sql, ids: changed)
        let found = Set(current.map(\.id))
        index.apply(current, removed: changed.filter { !found.contains($0) })
        if generation / 1_000 != index.generation / 1_000 {
            try await sql.raw("DELETE FROM listing_search_changes WHERE generation <= \(bind: generation - Self.changeLogRetention)").run()
        }
        index.generation = generation
        return index
    }
}
