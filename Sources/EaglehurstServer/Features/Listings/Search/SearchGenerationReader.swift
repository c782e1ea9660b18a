import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Reads the search generation for many concurrent searches at once.
///
/// Every search must see a generation read after it arrived, or it could miss a change committed
/// just before. Searches that arrive while a read is under way wait for the next read, which
/// starts once that one ends and answers all of them: each still gets a value read after it
/// arrived, and under load one cheap query serves dozens of searches instead of each queueing its
/// own on the pool's one connection per event loop.
final class SearchGenerationReader: Sendable {
    private struct State {
        var reading = false
        var waiting: [CheckedContinuation<Int64, any Error>] = []
    }

    private let state = NIOLockedValueBox(State())

    func generation(on sql: any SQLDatabase) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
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
            let batch = state.withLockedValue { state -> [CheckedContinuation<Int64, any Error>] in
                defer { state.waiting = [] }
                if state.waiting.isEmpty { state.reading = false }
                return state.waiting
            }
            guard !batch.isEmpty else { return }
            do {
                let generation = try await SearchIndexCache.generation(on: sql)
                for waiter in batch { waiter.resume(returning: generation) }
            } catch {
                for waiter in batch { waiter.resume(throwing: error) }
            }
        }
    }
}
