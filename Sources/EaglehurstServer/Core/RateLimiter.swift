import Fluent
import Foundation
import SQLKit
import Vapor

/// Counts attempts per bucket and key in a sliding window, in the database so that every server
/// behind a load balancer sees the same count. Over the limit is a 429 with `Retry-After`.
struct RateLimiter {
    struct Rule: Sendable {
        var bucket: String
        var limit: Int
        var window: TimeInterval
        /// Says what was limited, e.g. "sign-in attempts for this email".
        var what: String
    }

    let db: any Database
    let enabled: Bool
    let now: Date

    /// Throws 429 when `key` already used up the rule's allowance.
    func check(_ rule: Rule, key: String) async throws {
        guard enabled else { return }
        let recent = try await recentAttempts(rule, key: key, on: db)
        guard recent.count >= rule.limit else { return }
        throw try await refusal(rule, key: key)
    }

    /// Takes one of the rule's attempts for `key` before the work it guards, or throws 429 when none
    /// is left. The count and the insert are one statement: SQLite runs one writer at a time, and on
    /// PostgreSQL a transaction-scoped advisory lock on the bucket and key orders concurrent takers.
    /// So N requests sent at the same moment take N attempts and the N+1st over the limit is refused.
    /// Returns the attempt, for `release` when the work turns out not to count (a right password).
    @discardableResult
    func reserve(_ rule: Rule, key: String) async throws -> UUID? {
        guard enabled else { return nil }
        let id = UUID()
        let since = now.addingTimeInterval(-rule.window)
        let taken = try await db.transaction { db in
            let sql = db.sql
            if sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: rule.bucket + "|" + key)))").run()
            }
            return try await sql.raw("""
                INSERT INTO rate_limit_events (id, bucket, "key", created_at)
                SELECT \(bind: id), \(bind: rule.bucket), \(bind: key), \(bind: now)
                WHERE (SELECT COUNT(*) FROM rate_limit_events
                       WHERE bucket = \(bind: rule.bucket) AND "key" = \(bind: key) AND created_at > \(bind: since)) < \(bind: rule.limit)
                RETURNING id
                """).all().isEmpty == false
        }
        guard taken else { throw try await refusal(rule, key: key) }
        try await RateLimitEvent.query(on: db)
            .filter(\.$bucket == rule.bucket).filter(\.$createdAt < now.addingTimeInterval(-86_400))
            .delete()
        return id
    }

    /// Reserves one attempt of every rule, in order; if one is refused, gives back those already taken.
    func reserve(_ rules: [(Rule, String)]) async throws -> [UUID] {
        var taken: [UUID] = []
        do {
            for (rule, key) in rules {
                if let id = try await reserve(rule, key: key) { taken.append(id) }
            }
        } catch {
            try? await release(taken)
            throw error
        }
        return taken
    }

    /// Gives back reserved attempts: the work they guarded does not count against the limit.
    func release(_ attempts: [UUID]) async throws {
        guard !attempts.isEmpty else { return }
        try await RateLimitEvent.query(on: db).filter(\.$id ~~ attempts).delete()
    }

    /// Records one attempt, and forgets this bucket's attempts older than a day.
    func record(_ rule: Rule, key: String) async throws {
        guard enabled else { return }
        try await RateLimitEvent(bucket: rule.bucket, key: key, createdAt: now).create(on: db)
        try await RateLimitEvent.query(on: db)
            .filter(\.$bucket == rule.bucket).filter(\.$createdAt < now.addingTimeInterval(-86_400))
            .delete()
    }

    /// Takes an attempt whether or not the action succeeds (sending mail).
    func consume(_ rule: Rule, key: String) async throws {
        try await reserve(rule, key: key)
    }

    private func recentAttempts(_ rule: Rule, key: String, on db: any Database) async throws -> [Date] {
        try await RateLimitEvent.query(on: db)
            .filter(\.$bucket == rule.bucket).filter(\.$key == key).filter(\.$createdAt > now.addingTimeInterval(-rule.window))
            .sort(\.$createdAt, .ascending)
            .all(\.$createdAt)
    }

    /// The 429 for a used-up rule, with `Retry-After` until its oldest attempt in the window expires.
    private func refusal(_ rule: Rule, key: String) async throws -> Problem {
        let oldest = try await recentAttempts(rule, key: key, on: db).first ?? now
        // Clamped to the window: a stored time may come back a microsecond off.
        let retryAfter = min(Int(rule.window), max(1, Int((oldest.addingTimeInterval(rule.window).timeIntervalSince(now)).rounded(.up))))
        return Problem(
            .tooManyRequests, slug: "rate-limited", title: "Too many attempts",
            detail: "Too many \(rule.what) (at most \(rule.limit) in \(Self.describe(rule.window))). Try again in \(Self.describe(TimeInterval(retryAfter))).",
            headers: ["Retry-After": "\(retryAfter)"])
    }

    static func describe(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s < 120 { return "\(s) seconds" }
        if s < 7200 { return "\((s + 59) / 60) minutes" }
        return "\((s + 3599) / 3600) hours"
    }
}

extension RateLimiter.Rule {
    /// The tight limit is per email *and* address, so that guessing from one address cannot lock the
    /// owner out from another; the looser per-email limit stops guessing spread over many addresses.
    static let failedLoginPerEmailAndIP = Self(bucket: "login-email-ip", limit: 5, window: 15 * 60, what: "failed sign-ins for this email from this address")
    static let failedLoginPerEmail = Self(bucket: "login-email", limit: 50, window: 15 * 60, what: "failed sign-ins for this email from all addresses")
    static let failedLoginPerIP = Self(bucket: "login-ip", limit: 100, window: 15 * 60, what: "failed sign-ins from this address")
    static let otpPerEmail = Self(bucket: "otp-email", limit: 3, window: 10 * 60, what: "verification codes requested for this email")
    static let otpPerIP = Self(bucket: "otp-ip", limit: 10, window: 60 * 60, what: "verification codes requested from this address")
    static let resetPerEmail = Self(bucket: "reset-email", limit: 3, window: 60 * 60, what: "password resets requested for this email")
    static let resetPerIP = Self(bucket: "reset-ip", limit: 10, window: 60 * 60, what: "password resets requested from this address")
    static let cardTokensPerIP = Self(bucket: "card-token-ip", limit: 30, window: 60 * 60, what: "card tokens requested from this address")
}
