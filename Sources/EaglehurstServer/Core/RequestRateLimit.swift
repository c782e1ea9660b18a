import Fluent
import Foundation
import JWT
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The general request limit: a token bucket per client address (`RATE_LIMIT_PER_ADDRESS`) and one
/// per signed-in user (`RATE_LIMIT_PER_USER`), taken before the request is handled. Every answer
/// carries the tighter bucket's `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset`
/// (seconds until the bucket is full again) and `RateLimit-Policy` (IETF httpapi-ratelimit-headers
/// draft); an empty bucket answers 429 problem+json with `Retry-After` (seconds until a token is back).
///
/// On PostgreSQL the buckets are rows taken from in one UPSERT per request, so every server behind
/// the load balancer draws on the same bucket and 100 requests at once take 100 tokens; SQLite is one
/// process and keeps them in memory. The clock is the server's (tests move it).
/// `RATE_LIMIT_ENABLED=false` turns this off with the other limits. The liveness and readiness
/// probes are never limited: a load balancer's checks must not spend a client's tokens, nor be
/// answered 429 (or, on PostgreSQL, 500 when the database holding the buckets is down) instead of
/// what they ask.
struct RequestRateLimitMiddleware: Middleware {
    static let unlimitedPaths: Set<String> = ["/api/v1/health/live", "/api/v1/health/ready"]

    struct Take: Sendable {
        var key: String
        var rate: Settings.RequestRate
    }

    struct Outcome: Sendable {
        var allowed: Bool
        var tokens: Double
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let settings = request.application.settings
        guard settings.rateLimitEnabled, request.method != .OPTIONS, !Self.unlimitedPaths.contains(request.url.path) else {
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask { try await limited(request, chainingTo: next) }
    }

    private func limited(_ request: Request, chainingTo next: any Responder) async throws -> Response {
        let app = request.application
        let settings = app.settings
        var takes: [Take] = []
        if let rate = settings.requestRatePerAddress { takes.append(Take(key: "a:" + request.clientAddress, rate: rate)) }
        if let rate = settings.requestRatePerUser, let user = await Self.userID(of: request) {
            takes.append(Take(key: "u:" + user, rate: rate))
        }
        guard !takes.isEmpty else { return try await next.respond(to: request).get() }
        let now = app.serverEnvironment.now().timeIntervalSince1970
        let outcomes = try await app.requestBuckets.take(takes, now: now, db: request.db)

        // The headers tell of the bucket closest to empty (relative to its size).
        let tightest = zip(takes, outcomes).min { a, b in
            a.1.tokens / Double(a.0.rate.requests) < b.1.tokens / Double(b.0.rate.requests)
        }!
        request.storage[RateLimitHeadersKey.self] = Self.headers(tightest.0.rate, tightest.1)
        if let refused = zip(takes, outcomes).first(where: { !$0.1.allowed }) {
            let wait = max(1, Int(((1 - refused.1.tokens) / refused.0.rate.perSecond).rounded(.up)))
            request.storage[RateLimitHeadersKey.self] = Self.headers(refused.0.rate, refused.1)
            let who = refused.0.key.hasPrefix("u:") ? "this account" : "this address"
            throw Problem(
                .tooManyRequests, slug: "rate-limited", title: "Too many requests",
                detail: "Too many requests from \(who): at most \(refused.0.rate.requests) at once, refilled at \(refused.0.rate.requests) per \(refused.0.rate.seconds) seconds. Try again in \(wait) seconds.",
                headers: ["Retry-After": "\(wait)"])
        }
        return try await next.respond(to: request).get()
    }

    static func headers(_ rate: Settings.RequestRate, _ outcome: Outcome) -> HTTPHeaders {
        let tokens = max(0, outcome.tokens)
        let reset = Int(((Double(rate.requests) - tokens) / rate.perSecond).rounded(.up))
        return [
            "RateLimit-Limit": "\(rate.requests)",
            "RateLimit-Remaining": "\(Int(tokens.rounded(.down)))",
            "RateLimit-Reset": "\(max(0, reset))",
            "RateLimit-Policy": "\(rate.requests);w=\(rate.seconds)",
        ]
    }

    /// The user of a bearer token whose signature holds (expired or not: the bucket is the user's
    /// either way); nil without one. The handler still checks the token in full.
    static func userID(of request: Request) async -> String? {
        guard let bearer = request.headers.bearerAuthorization,
              let claims = try? await request.jwt.verify(bearer.token, as: AccessClaims.self) else { return nil }
        return claims.sub.value
    }
}

/// Puts the `RateLimit-*` headers that `RequestRateLimitMiddleware` left on the request on its final
/// answer, whatever it is (a problem too); it sits outside `ProblemMiddleware` for that.
struct RateLimitHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            if let headers = request.storage[RateLimitHeadersKey.self] {
                for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
            }
            return response
        }
    }
}

struct RateLimitHeadersKey: StorageKey { typealias Value = HTTPHeaders }

/// Where the buckets live: in memory (SQLite, one process) or in `rate_limit_buckets` (PostgreSQL).
final class RequestBuckets: Sendable {
    private struct Bucket {
        var tokens: Double
        var updatedAt: Double
    }

    private let shared: Bool
    private let memory = NIOLockedValueBox([String: Bucket]())
    private let takes = NIOLockedValueBox(0)
    static let maxMemoryBuckets = 100_000
    /// Buckets untouched this long are full again whatever their size (rates are at most a day).
    static let idleLifetime: Double = 86_400

    init(shared: Bool) {
        self.shared = shared
    }

    func take(_ takes: [RequestRateLimitMiddleware.Take], now: Double, db: any Database) async throws -> [RequestRateLimitMiddleware.Outcome] {
        shared ? try await takeShared(takes, now: now, db: db.sql) : takeInMemory(takes, now: now)
    }

    private func takeInMemory(_ takes: [RequestRateLimitMiddleware.Take], now: Double) -> [RequestRateLimitMiddleware.Outcome] {
        memory.withLockedValue { buckets in
            if buckets.count > Self.maxMemoryBuckets {
                buckets = buckets.filter { now - $0.value.updatedAt < Self.idleLifetime }
                if buckets.count > Self.maxMemoryBuckets { buckets.removeAll() }
            }
            return takes.map { take in
                let capacity = Double(take.rate.requests)
                var bucket = buckets[take.key] ?? Bucket(tokens: capacity, updatedAt: now)
                bucket.tokens = min(capacity, bucket.tokens + max(0, now - bucket.updatedAt) * take.rate.perSecond)
                bucket.updatedAt = now
                let allowed = bucket.tokens >= 1
                if allowed { bucket.tokens -= 1 }
                buckets[take.key] = bucket
                return .init(allowed: allowed, tokens: bucket.tokens)
            }
        }
    }

    /// One UPSERT takes a token from every bucket of the request: each row is refilled for the time
    /// since it was last touched, and a token is taken if one is there. Row locks order concurrent
    /// takers of one bucket. Rows are locked in the order given (address before user), so two
    /// requests never wait for each other in a cycle.
    private func takeShared(_ takes: [RequestRateLimitMiddleware.Take], now: Double, db: any SQLDatabase) async throws -> [RequestRateLimitMiddleware.Outcome] {
        var values: [SQLQueryString] = []
        for take in takes {
            let capacity = Double(take.rate.requests)
            values.append("(\(bind: take.key), \(bind: capacity), \(bind: take.rate.perSecond), \(bind: capacity - 1), \(bind: now), TRUE)")
        }
        let refill: SQLQueryString = "LEAST(EXCLUDED.capacity, b.tokens + GREATEST(0, EXCLUDED.updated_at - b.updated_at) * EXCLUDED.rate)"
        let rows = try await db.raw("""
            INSERT INTO rate_limit_buckets AS b ("key", capacity, rate, tokens, updated_at, allowed)
            VALUES \(values.joined(separator: ", "))
            ON CONFLICT ("key") DO UPDATE SET
                tokens = CASE WHEN \(refill) >= 1 THEN \(refill) - 1 ELSE \(refill) END,
                allowed = \(refill) >= 1,
                capacity = EXCLUDED.capacity, rate = EXCLUDED.rate, updated_at = EXCLUDED.updated_at
            RETURNING "key", tokens, allowed
            """).all()
        var byKey: [String: RequestRateLimitMiddleware.Outcome] = [:]
        for row in rows {
            byKey[try row.decode(column: "key", as: String.self)] = .init(
                allowed: try row.decode(column: "allowed", as: Bool.self), tokens: try row.decode(column: "tokens", as: Double.self))
        }
        // Now and then, forget buckets nobody used for a day (they would be full again anyway).
        if self.takes.withLockedValue({ $0 += 1; return $0 % 5000 == 0 }) {
            try? await db.raw("DELETE FROM rate_limit_buckets WHERE updated_at < \(bind: now - Self.idleLifetime)").run()
        }
        return try takes.map { take in
            guard let outcome = byKey[take.key] else { throw JobError("no bucket row came back for \(take.key)") }
            return outcome
        }
    }
}

struct RequestBucketsKey: StorageKey { typealias Value = RequestBuckets }

extension Application {
    var requestBuckets: RequestBuckets {
        guard let buckets = storage[RequestBucketsKey.self] else { fatalError("configure(_:settings:) was not called") }
        return buckets
    }
}
