import Foundation
import NIOConcurrencyHelpers

/// The mechanism under this server's short-lived caches (`AuthSessionCache`, `SavedIDsCache`):
/// values that answer for `lifetime`, dropped at once when this server changes what they came
/// from. A read that started before a drop is not stored: take `epoch` before reading the database
/// and pass it to `store`, so a value read just before a change cannot be put back after it.
final class ExpiringEntries<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let lifetime: TimeInterval
    let maxEntries: Int

    private struct Entry {
        let value: Value
        let expires: Date
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Moves on every drop.
        var epoch: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    init(lifetime: TimeInterval, maxEntries: Int) {
        self.lifetime = lifetime
        self.maxEntries = maxEntries
    }

    var epoch: UInt64 { state.withLockedValue { $0.epoch } }

    /// The value for `key` if it is younger than `lifetime` and `isValid` holds; otherwise it is dropped.
    func value(for key: Key, now: Date, isValid: (Value) -> Bool = { _ in true }) -> Value? {
        state.withLockedValue { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.expires > now, isValid(entry.value) else {
                state.entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    /// Keeps a value read since `epoch` unless something was dropped meanwhile. When full, expired
    /// entries go first, and everything if that is not enough.
    func store(_ value: Value, for key: Key, now: Date, readSince epoch: UInt64) {
        state.withLockedValue { state in
            guard state.epoch == epoch else { return }
            if state.entries.count >= maxEntries {
                state.entries = state.entries.filter { $0.value.expires > now }
                if state.entries.count >= maxEntries { state.entries.removeAll() }
            }
            state.entries[key] = Entry(value: value, expires: now.addingTimeInterval(lifetime))
        }
    }

    func forget(_ key: Key) {
        state.withLockedValue { state in
            state.epoch &+= 1
            state.entries[key] = nil
        }
    }

    func forget(where matches: (Value) -> Bool) {
        state.withLockedValue { state in
            state.epoch &+= 1
            state.entries = state.entries.filter { !matches($0.value.value) }
        }
    }
}
