import FluentKit
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Vapor

/// One writer at a time on the SQLite file, in the order writers arrive, without holding a
/// connection while waiting.
///
/// SQLite has one writer. Left to itself, a deferred transaction on a pooled connection reads, then
/// upgrades to a write and meets another writer: it either fails at once (`SQLITE_BUSY_SNAPSHOT`,
/// which no busy timeout retries) or sleeps in the busy handler while holding its event loop's only
/// connection, so every other request of that event loop queues behind it and the pool times out
/// ("Connection request timed out"). Twenty concurrent requests from one buyer were enough.
///
/// So every write of this process (a transaction, or a writing statement outside one) first takes
/// this gate, and only then a connection; a transaction then begins `IMMEDIATE`, so it holds the
/// write lock from its first statement and can never fail half-way on a snapshot. Readers do not
/// take the gate: with WAL they never wait for the writer. The gate is a queue of promises, not a
/// task per waiter, and a waiter that is not served within `timeout` fails with `Timeout` (a 503
/// that says to try again) rather than waiting for ever behind a writer that never finishes.
final class SQLiteWriteGate: Sendable {
    /// Overload, not breakage: told as a 503 that says to come back (nothing was written).
    struct Timeout: AbortError, CustomStringConvertible {
        let waited: TimeAmount
        var description: String { "waited \(waited.nanoseconds / 1_000_000) ms for the SQLite writer" }
        var status: HTTPResponseStatus { .serviceUnavailable }
        var reason: String { "The database is busy with other writes. Try again in a few seconds." }
        var headers: HTTPHeaders { ["Retry-After": "2"] }
    }

    private struct Waiter {
        let id: UInt64
        let promise: EventLoopPromise<Void>
    }

    private struct State {
        var held = false
        var nextID: UInt64 = 0
        var waiters = CircularBuffer<Waiter>()
    }

    private let state = NIOLockedValueBox(State())
    let timeout: TimeAmount

    init(timeout: TimeAmount = .seconds(15)) {
        self.timeout = timeout
    }

    /// Succeeds once this caller holds the gate; the caller must `release()` exactly once after.
    func acquire(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let id: UInt64? = state.withLockedValue { state in
            if !state.held {
                state.held = true
                return nil
            }
            state.nextID &+= 1
            state.waiters.append(Waiter(id: state.nextID, promise: promise))
            return state.nextID
        }
        guard let id else {
            promise.succeed(())
            return promise.futureResult
        }
        let timeout = self.timeout
        let expiry = eventLoop.scheduleTask(in: timeout) { [weak self] in
            let removed = self?.state.withLockedValue { state -> Bool in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return false }
                state.waiters.remove(at: index)
                return true
            } ?? false
            if removed { promise.fail(Timeout(waited: timeout)) }
        }
        promise.futureResult.whenComplete { _ in expiry.cancel() }
        return promise.futureResult
    }

    /// Hands the gate to the longest waiter, or leaves it free.
    func release() {
        let next: Waiter? = state.withLockedValue { state in
            precondition(state.held, "SQLiteWriteGate released while free")
            guard let next = state.waiters.popFirst() else {
                state.held = false
                return nil
            }
            return next
        }
        next?.promise.succeed(())
    }

    /// Runs `work` holding the gate and releases it when `work`'s future completes.
    func withGate<T>(on eventLoop: any EventLoop, _ work: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        acquire(on: eventLoop).flatMap { [self] in
            let future = work()
            future.whenComplete { [self] _ in release() }
            return future
        }
    }

    func withGate<T>(on eventLoop: any EventLoop, _ work: () async throws -> T) async throws -> T {
        try await acquire(on: eventLoop).get()
        defer { release() }
        return try await work()
    }
}

/// Holds a user's row until the transaction ends, so that transactions about the same user run one
/// after another. On PostgreSQL `SELECT … FOR UPDATE` (a lock, not a write: an `UPDATE` of `users`
/// would announce the user as changed to every server's caches). On SQLite every transaction
/// already holds the one write lock from its first statement (`SQLiteWriteGate`, `BEGIN IMMEDIATE`).
func lockUserRow(_ userID: UUID, on db: any Database) async throws {
    guard let sql = db as? any SQLDatabase, sql.dialect.name == "postgresql" else { return }
    _ = try await sql.raw("SELECT id FROM users WHERE id = \(bind: userID) FOR UPDATE").all()
}
