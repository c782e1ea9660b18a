import Foundation
import Prometheus
import SQLKit
import Vapor

/// Request counts and latency histograms by route, method and status, and gauges read when
/// `GET /metrics` is scraped (database latency, search index size, job backlog), in Prometheus
/// text format. One registry per application, never the process-wide `MetricsSystem`, so that the
/// many applications of a test run do not share counters.
///
/// Fluent's connection pools expose no count of connections in use, so the pool is not measured;
/// `eaglehurst_http_requests_in_flight` and the database's latency stand in for it.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]
    private let inFlight: Gauge

    init() {
        inFlight = registry.makeGauge(descriptor: .init(
            namespace: "eaglehurst", metricName: "http_requests_in_flight", unitName: "",
            helpText: "Requests being answered now."))
    }

    func record(route: String, method: String, status: UInt, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", "\(status)")]
        registry.makeCounter(descriptor: .init(
            namespace: "eaglehurst", metricName: "http_requests", unitName: "total",
            helpText: "Requests answered, by route pattern, method and status."), labels: labels).increment()
        registry.makeDurationHistogram(descriptor: .init(
            namespace: "eaglehurst", metricName: "http_request_duration", unitName: "seconds",
            helpText: "Time to answer, by route pattern, method and status."), labels: labels, buckets: Self.latencyBuckets)
            .record(duration)
    }

    func started() { inFlight.increment() }
    func finished() { inFlight.decrement() }

    func gauge(_ name: String, _ help: String, _ value: Double) {
        registry.makeGauge(descriptor: .init(namespace: "eaglehurst", metricName: name, unitName: "", helpText: help)).set(value)
    }

    /// Reads the gauges that are measured when scraped, then writes every metric.
    func scrape(_ app: Application) async -> String {
        let health = await SystemHealth(app: app).measure()
        gauge("database_up", "1 when the database answered a trivial query.", health.databaseReachable ? 1 : 0)
        if let latency = health.databaseLatencyMS {
            gauge("database_latency_seconds", "Time of a trivial query, at the last scrape.", latency / 1000)
        }
        gauge("job_backlog", "Background work due and not yet done.", Double(health.jobBacklog))
        if let size = app.searchIndexCache.snapshot()?.count {
            gauge("search_index_listings", "Published listings in this server's search index.", Double(size))
        }
        if let age = health.searchIndexAgeSeconds {
            gauge("search_index_age_seconds", "Since this server's search index was loaded.", Double(age))
        }
        gauge("uptime_seconds", "Since this server started.", Double(health.uptimeSeconds))
        return registry.emitToString()
    }
}

/// Counts and times every answer, problems included (it sits outside `ProblemMiddleware`). The route
/// label is the matched pattern (`/api/v1/listings/:listing_id`), never the raw path, so that ids do
/// not make a series each; requests that match no route share `unmatched`.
struct MetricsMiddleware: Middleware {
    let metrics: ServerMetrics

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        metrics.started()
        return next.respond(to: request).always { [metrics] result in
            let status: UInt
            switch result {
            case .success(let response): status = response.status.code
            case .failure(let error): status = (error as? any AbortError)?.status.code ?? 500
            }
            metrics.record(route: Self.route(of: request), method: request.method.rawValue, status: status, duration: ContinuousClock.now - start)
            metrics.finished()
        }
    }

    /// The matched route's pattern, made once per request (the request log asks again).
    static func route(of request: Request) -> String {
        if let known = request.storage[RouteNameKey.self] { return known }
        guard let route = request.route else { return "unmatched" }
        let name = "/" + route.path.map(\.description).joined(separator: "/")
        request.storage[RouteNameKey.self] = name
        return name
    }

    private struct RouteNameKey: StorageKey { typealias Value = String }
}

struct ServerMetricsKey: StorageKey { typealias Value = ServerMetrics }

extension Application {
    var serverMetrics: ServerMetrics? { storage[ServerMetricsKey.self] }
}

/// `GET /metrics`, beside the API (not under `/api/v1`), when `METRICS_ENABLED` is not false.
func metricsRoute(_ app: Application) {
    guard let metrics = app.serverMetrics else { return }
    app.get("metrics") { request async -> Response in
        let text = await metrics.scrape(request.application)
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: .init(string: text))
    }
}
