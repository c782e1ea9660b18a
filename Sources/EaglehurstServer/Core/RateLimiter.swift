import Fluent
import Foundation
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
        let since = now.addingTimeInterval(-rule.window)
        let recent = try await RateLimitEvent.query(on: db)
            .filter(\.$bucket == rule.bucket).filter(\.$key == key).filter(\.$createdAt > since)
            .sort(\.$createdAt, .ascending)
            .all(\.$createdAt)
        guard recent.count >= rule.limit, let oldest = recent.first else { return }
        // Clamped to the window: a stored time may come back a microsecond off.
        let retryAfter = min(Int(rule.window), max(1, Int((oldest.addingTimeInterval(rule.window).timeIntervalSince(now)).rounded(.up))))
        throw Problem(
            .tooManyRequests, slug: "rate-limited", title: "Too many attempts",
            detail: "Too many \(rule.what) (at most \(rule.limit) in \(Self.describe(rule.window))). Try again in \(Self.describe(TimeInterval(retryAfter))).",
            headers: ["Retry-After": "\(retryAfter)"])
    }

    /// Records one attempt, and forgets this bucket's attempts older than a day.
    func record(_ rule: Rule, key: String) async throws {
        guard enabled else { return }
        try await RateLimitEvent(bucket: rule.bucket, key: key, createdAt: now).create(on: db)
        try await RateLimitEvent.query(on: db)
            .filter(\.$bucket == rule.bucket).filter(\.$createdAt < now.addingTimeInterval(-86_400))
            .delete()
    }

    /// Checks, then records: for actions that count whether or not they succeed (sending mail).
    func consume(_ rule: Rule, key: String) async throws {
        try await check(rule, key: key)
        try await record(rule, key: key)
    }

    static func describe(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s < 120 { return "\(s) seconds" }
        if s < 7200 { return "\((s + 59) / 60) minutes" }
        return "\((s + 3599) / 3600) hours"
    }
}

extension RateLimiter.Rule {
    static let failedLoginPerEmail = Self(bucket: "login-email", limit: 5, window: 15 * 60, what: "failed sign-ins for this email")
    static let failedLoginPerIP = Self(bucket: "login-ip", limit: 20, window: 15 * 60, what: "failed sign-ins from this address")
    static let otpPerEmail = Self(bucket: "otp-email", limit: 3, window: 10 * 60, what: "verification codes requested for this email")
    static let otpPerIP = Self(bucket: "otp-ip", limit: 10, window: 60 * 60, what: "verification codes requested from this address")
    static let resetPerEmail = Self(bucket: "reset-email", limit: 3, window: 60 * 60, what: "password resets requested for this email")
    static let resetPerIP = Self(bucket: "reset-ip", limit: 10, window: 60 * 60, what: "password resets requested from this address")
    static let cardTokensPerIP = Self(bucket: "card-token-ip", limit: 30, window: 60 * 60, what: "card tokens requested from this address")
}
