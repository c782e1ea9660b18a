import Foundation
import SQLKit
import Vapor

/// What each search costs inside the index, without HTTP: the `search-costs` command loads the
/// index of the database it is given, answers every query of a file (`kind<TAB>query string`, the
/// query string as `GET /listings` takes it) a few times, and reports per kind how long finding a
/// page and its capped total took (`ListingIndex.page`), and the slowest queries. The benchmark
/// `Benchmarks/listings-search` prints it beside its HTTP figures.
public enum ListingSearchCosts {
    public static func report(on app: Application, lines: [String], rounds: Int = 3, slowest: Int = 8) async throws -> String {
        let index = try await ListingIndex.load(from: app.db.sql)
        var queries: [(kind: String, query: String, filters: ListingSearch.Filters, page: PageRequest)] = []
        var skipped = 0
        for line in lines where !line.isEmpty {
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            let (kind, query) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("query", String(parts[0]))
            guard let plain = PlainListingsQuery(query), let page = try? PageRequest(page: plain.page, perPage: plain.perPage) else {
                skipped += 1
                continue
            }
            queries.append((kind, query, plain.filters, page))
        }
        // Every word met once first (its phrase built and cached), as in a server that has run a while.
        for q in queries { _ = index.page(q.filters, offset: q.page.offset, limit: q.page.perPage, cap: ListingSearch.totalCap) }
        var costs: [String: [Double]] = [:]
        var worst: [(micros: Double, query: String)] = []
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            for q in queries {
                let started = clock.now
                let page = index.page(q.filters, offset: q.page.offset, limit: q.page.perPage, cap: ListingSearch.totalCap)
                let elapsed = clock.now - started
                let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
                withExtendedLifetime(page) {}
                costs[q.kind, default: []].append(micros)
                costs["all", default: []].append(micros)
                worst.append((micros, q.query))
            }
        }
        func percentile(_ sorted: [Double], _ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        func ms(_ d: Duration) -> String { String(Int(Double(d.components.seconds) * 1_000 + Double(d.components.attoseconds) / 1e15)) }
        var out = "index of \(index.liveCount) listings, about \(index.approximateBytes >> 20) MB"
        if let cost = index.loadCost {
            out += ": rows read in \(ms(cost.read)) ms, built in \(ms(cost.build)) ms ("
            out += index.buildPhases.map { "\($0.0) \(ms($0.1))" }.joined(separator: ", ") + ")"
        }
        out += "\nphrases cached after the warm-up: \(index.phrases.bytes >> 20) MB (at most \(PhraseCache.maxBytes >> 20) MB)"
        out += "\nindex.page() per query, µs (\(queries.count) queries × \(rounds) rounds\(skipped > 0 ? ", \(skipped) not plain, skipped" : ""))\n"
        out += "kind".padding(toLength: 20, withPad: " ", startingAt: 0) + "     mean      p50      p90      p99      max\n"
        for kind in costs.keys.sorted() {
            let sorted = costs[kind]!.sorted()
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            out += kind.padding(toLength: 20, withPad: " ", startingAt: 0)
            for value in [mean, percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), sorted.last!] {
                out += String(repeating: " ", count: max(1, 9 - String(format: "%.1f", value).count)) + String(format: "%.1f", value)
            }
            out += "\n"
        }
        worst.sort { $0.micros > $1.micros }
        var listed = Set<String>()
        out += "slowest:\n"
        for (micros, query) in worst where listed.insert(query).inserted {
            out += String(format: "%9.1f µs  ", micros) + query
            if let plain = PlainListingsQuery(query), let text = plain.filters.text.flatMap(TextQuery.init),
               let filter = EntryFilter(plain.filters, in: index) {
                let t0 = clock.now
                let phrases = index.phrases(text)
                let t1 = clock.now
                let candidates = index.candidates(phrases, filter)
                let t2 = clock.now
                let matched = index.count(candidates, filter, upTo: ListingSearch.totalCap + 1)
                let t3 = clock.now
                func us(_ d: Duration) -> String { String(format: "%.1f", Double(d.components.attoseconds) / 1e12) }
                out += "  [phrases \(us(t1 - t0)) (\(phrases.map(\.count))), candidates \(us(t2 - t1)), count \(us(t3 - t2)) → \(matched)]"
            }
            out += "\n"
            if listed.count >= slowest { break }
        }
        return out
    }
}
