import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// The search generation as this server knows it, read from the database only when it may have moved.
///
/// Every search must see the changes committed before it arrived. The generation is held in memory
/// and trusted while nothing can have moved it unseen; it is marked stale (`invalidate()`) by:
/// - every write of this server that may move it, once it has committed (`SearchGenerationWatch`
///   sees every query through the application's databases),
/// - on PostgreSQL, another server's change heard over `LISTEN/NOTIFY` (`CacheInvalidation`); while
///   the listener is not connected (`setHeard(false)`) the value is never trusted,
/// - and age: a value read more than `maxAge` ago is read again, which bounds how long a write by
///   another process that announces nothing (the `sqlite3` shell, a lost notification) goes unseen.
///   Searches that find the value older than `refreshAfter` start a read in the background and go
///   on with the value they have, so under load the value never expires and no search waits for age.
///
/// A stale value is read again once for all the searches that arrived meanwhile: searches that
/// arrive while a read is under way wait for the next read, which starts once that one ends and
/// answers all of them, so each still gets a value read after it arrived.
final class SearchGenerationReader: Sendable {
    private struct State {
        var known: Int64 = 0
        /// Moves on every `invalidate()`; the value is trusted while `cleanEpoch == epoch`.
        var epoch: UInt64 = 1
        var cleanEpoch: UInt64 = 0
        var readAt: ContinuousClock.Instant?
        var heard = true
        var reading = false
        var refreshing = false
        var reads = 0
        var waiting: [CheckedContinuation<Int64, any Error>] = []
    }

    /// A value read longer ago than this is read again (writes nobody announces).
    static let maxAge: Duration = .seconds(1)
    /// A value older than this is read again in the background by the next search that finds it.
    static let refreshAfter: Duration = .milliseconds(250)

    private let state = NIOLockedValueBox(State())

    /// How many times searches waited for the generation to be read from the database (background
    /// refreshes, which nobody waits for, are not counted).
    var reads: Int { state.withLockedValue { $0.reads } }

    /// The value may have moved: the next search reads it again.
    func invalidate() {
        state.withLockedValue { $0.epoch &+= 1 }
    }

    /// Whether other servers' changes are heard (PostgreSQL's listener is connected); while not, every
    /// search reads the generation.
    func setHeard(_ heard: Bool) {
        state.withLockedValue { state in
            state.heard = heard
            state.epoch &+= 1
        }
    }

    /// A value read elsewhere (catching the index up): kept if newer, without vouching for freshness.
    func note(_ generation: Int64) {
        state.withLockedValue { $0.known = max($0.known, generation) }
    }

    /// The generation held in memory when it can be trusted now, else nil (then `generation(on:)`
    /// reads it); a value getting old is read again in the background on `sql`.
    func freshGeneration(refreshingOn sql: @autoclosure () -> any SQLDatabase) -> Int64? {
        let now = ContinuousClock.now
        let (fresh, refresh) = state.withLockedValue { state -> (Int64?, Bool) in
            guard state.heard, state.cleanEpoch == state.epoch, let readAt = state.readAt, now - readAt < Self.maxAge
            else { return (nil, false) }
            guard now - readAt >= Self.refreshAfter, !state.reading, !state.refreshing else { return (state.known, false) }
            state.refreshing = true
            return (state.known, true)
        }
        if refresh {
            let sql = sql()
            Task.detached { await self.refresh(on: sql) }
        }
        return fresh
    }

    /// One read in the background; the value stays trusted meanwhile (it is younger than `maxAge`).
    private func refresh(on sql: any SQLDatabase) async {
        let (epoch, startedAt) = state.withLockedValue { ($0.epoch, ContinuousClock.now) }
        let read = try? await SearchIndexCache.generation(on: sql)
        state.withLockedValue { state in
            state.refreshing = false
            guard let read else { return }
            state.known = max(state.known, read)
            if epoch == state.epoch, state.cleanEpoch == epoch { state.readAt = startedAt }
        }
    }

    func generation(on sql: any SQLDatabase) async throws -> Int64 {
        if let fresh = freshGeneration(refreshingOn: sql) { return fresh }
        return try await withCheckedThrowingContinuation { continuation in
            let startReading = state.withLockedValue { state in
                state.waiting.append(continuation)
                guard !state.reading else { return false }
                state.reading = true
                return true
            }
            if startReading {
                Task.detached { await self.readWhileWaited(on: sql) }
            }
        }
    }

    /// Reads until nobody waits: each read answers the searches that arrived before it started.
    private func readWhileWaited(on sql: any SQLDatabase) async {
        while true {
            let (batch, epoch, startedAt) = state.withLockedValue { state -> ([CheckedContinuation<Int64, any Error>], UInt64, ContinuousClock.Instant) in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.reading = false } else { state.reads += 1 }
                return (state.waiting, state.epoch, ContinuousClock.now)
            }
            guard !batch.isEmpty else { return }
            do {
                let read = try await SearchIndexCache.generation(on: sql)
                let generation = state.withLockedValue { state -> Int64 in
                    state.known = max(state.known, read)
                    // Trusted from now on unless something invalidated it while the read ran.
                    if epoch == state.epoch { state.cleanEpoch = epoch }
                    state.readAt = startedAt
                    return state.known
                }
                for waiter in batch { waiter.resume(returning: generation) }
            } catch {
                for waiter in batch { waiter.resume(throwing: error) }
            }
        }
    }
}
