import Foundation

/// What a cache entry is filed under: a kind of model and its id, or a kind of page and its query.
/// Writes invalidate by key or by kind.
public struct CacheKey: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Hashable, Sendable {
        /// A listing in full, by id.
        case listing
        /// A page of browse or search results, by query string and page.
        case browsePage
        /// A page of the seller's own listings.
        case myListingsPage
        /// A page of the buyer's saved listings.
        case savedPage
        /// A page of the admin's listings queue or users list.
        case adminListingsPage, adminUsersPage
        /// A listing's analytics, by id and period.
        case analytics
    }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }

    public var description: String { "\(kind.rawValue):\(id)" }
}

/// The answer of a conditional request: a new value with its ETag, or 304 for the one sent.
public enum Revalidation<Value: Sendable>: Sendable {
    case modified(Value, etag: String?)
    case notModified
}

/// A value from the cache and how fresh it is.
public struct Cached<Value: Sendable>: Sendable {
    public enum Freshness: Sendable, Equatable {
        /// Fetched in full just now.
        case fetched
        /// The server answered 304 to the stored ETag: the stored value is current.
        case revalidated
        /// The request failed; this is the last value the server gave.
        case stale
    }

    public var value: Value
    public var freshness: Freshness
    /// Why the value is stale.
    public var failure: (any Error)?

    public var isStale: Bool { freshness == .stale }
}

/// Decoded models by id and pages by query, with their ETags, so a screen shows what it has at once,
/// asks the server only `If-None-Match`, and keeps the last data when the server cannot be reached.
/// Bounded: beyond `capacity` entries the least recently used go first.
public actor ModelCache {
    private struct Entry {
        var value: any Sendable
        var etag: String?
        var lastUse: UInt64
    }

    public let capacity: Int
    private var entries: [CacheKey: Entry] = [:]
    private var clock: UInt64 = 0

    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.count }

    /// The stored value under `key`, if any and of this type, without asking the server.
    public func peek<Value: Sendable>(_ key: CacheKey, as type: Value.Type = Value.self) -> Value? {
        entries[key]?.value as? Value
    }

    public func etag(for key: CacheKey) -> String? { entries[key]?.etag }

    /// Stores a value the server just gave (a write's answer, say), replacing what was there.
    public func store<Value: Sendable>(_ value: Value, etag: String? = nil, for key: CacheKey) {
        clock += 1
        entries[key] = Entry(value: value, etag: etag, lastUse: clock)
        evictIfNeeded()
    }

    /// Asks `fetch` with the stored ETag (nil when there is none) and keeps its answer: a new value
    /// replaces the entry, 304 keeps the stored one. When `fetch` throws and a value is stored, that
    /// value comes back marked stale with the error; with nothing stored the error is thrown.
    public func load<Value: Sendable>(
        _ key: CacheKey, as type: Value.Type = Value.self,
        fetch: @Sendable (_ etag: String?) async throws -> Revalidation<Value>
    ) async throws -> Cached<Value> {
        let stored = entries[key]
        let storedValue = stored?.value as? Value
        let answer: Revalidation<Value>
        do {
            answer = try await fetch(storedValue == nil ? nil : stored?.etag)
        } catch {
            guard let storedValue else { throw error }
            touch(key)
            return Cached(value: storedValue, freshness: .stale, failure: error)
        }
        switch answer {
        case .modified(let value, let etag):
            store(value, etag: etag, for: key)
            return Cached(value: value, freshness: .fetched)
        case .notModified:
            guard let storedValue else { throw UnexpectedNotModified(key: key) }
            touch(key)
            return Cached(value: storedValue, freshness: .revalidated)
        }
    }

    /// Forgets one entry.
    public func invalidate(_ key: CacheKey) {
        entries[key] = nil
    }

    /// Forgets every entry of these kinds (all pages of a list, say).
    public func invalidate(kinds: Set<CacheKey.Kind>) {
        entries = entries.filter { !kinds.contains($0.key.kind) }
    }

    /// Forgets everything: another user signed in.
    public func removeAll() {
        entries.removeAll()
    }

    private func touch(_ key: CacheKey) {
        clock += 1
        entries[key]?.lastUse = clock
    }

    private func evictIfNeeded() {
        guard entries.count > capacity else { return }
        let excess = entries.count - capacity
        let oldest = entries.sorted { $0.value.lastUse < $1.value.lastUse }.prefix(excess).map(\.key)
        for key in oldest { entries[key] = nil }
    }
}

/// The server answered 304 to a request sent without an ETag.
public struct UnexpectedNotModified: Error, CustomStringConvertible {
    public var key: CacheKey
    public var description: String { "the server answered 304 Not Modified for \(key) without an ETag having been sent" }
}
