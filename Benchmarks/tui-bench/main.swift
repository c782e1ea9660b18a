// The listings browser under load: 100,000 listings served in pages by a stub transport, driven with
// keys through the pure update/view and an in-memory terminal, as the UI loop drives them. Prints
// key-to-frame latency (update + view + draw on the UI thread) for scrolling, paging and filtering,
// answer-to-frame latency for the pages that arrive, the cost of fetching and decoding a page, and
// resident memory. Figures, not a test: run `Benchmarks/tui-browser`.
import EaglehurstClient
import EaglehurstTUI
import Foundation
import HTTPTypes
import OpenAPIRuntime

let total = Int(ProcessInfo.processInfo.environment["ROWS"] ?? "") ?? 100_000
let size = Size(width: 120, height: 40)
let serverURL = URL(string: "http://127.0.0.1:9/api/v1")!

/// Serves `GET /listings` pages of `total` generated listings; a business-type filter keeps a quarter.
struct PageServer: ClientTransport {
    static let types = ["pharmacy", "dental_practice", "gp_practice", "optician", "clinic", "care_home", "veterinary_practice", "other"]
    static let towns = [("Leeds", "Yorkshire and the Humber"), ("Bristol", "South West"), ("Camden", "London"), ("Norwich", "East of England")]

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        let items = URLComponents(string: request.path ?? "")?.queryItems ?? []
        func value(_ name: String) -> String? { items.first { $0.name == name }?.value }
        let page = Int(value("page") ?? "1") ?? 1
        let perPage = Int(value("per_page") ?? "20") ?? 20
        let filtered = items.contains { $0.name == "business_type" } || value("q") != nil
        let count = filtered ? total / 4 : total
        let first = (page - 1) * perPage
        let rows = first >= count ? [] : Array(first..<min(count, first + perPage))
        let json = #"{"items":[\#(rows.map(Self.row).joined(separator: ","))],"page":\#(page),"per_page":\#(perPage),"total":\#(count)}"#
        return (HTTPResponse(status: .ok, headerFields: [.contentType: "application/json", .eTag: "\"p\(page)\""]), HTTPBody(json))
    }

    static func row(_ n: Int) -> String {
        let (town, region) = towns[n % towns.count]
        let id = String(format: "00000000-0000-4000-8000-%012d", n)
        return #"{"id":"\#(id)","seller_id":"5e11e700-0000-4000-8000-000000000001","title":"\#(types[n % types.count].replacingOccurrences(of: "_", with: " ").capitalized) in \#(town) no. \#(n)","summary":"An established practice with loyal patients and a strong team, row \#(n).","business_type":"\#(types[n % types.count])","location":"\#(town)","region":"\#(region)","asking_price":\#(150_000 + (n * 7919) % 2_000_000),"annual_revenue":\#(400_000 + (n * 104_729) % 3_000_000),"status":"published","is_saved":false,"view_count":\#(n % 300),"published_at":"2025-11-20T09:30:00Z","created_at":"2025-11-19T09:30:00Z","updated_at":"2025-11-25T09:30:00Z"}"#
    }
}

/// Latencies in nanoseconds, for percentiles.
struct Samples {
    var values: [UInt64] = []
    mutating func add(_ duration: Duration) {
        let parts = duration.components
        values.append(UInt64(parts.seconds) * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000))
    }

    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return Double(sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]) / 1_000_000
    }

    var line: String { String(format: "p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms   (n=%d)", percentile(0.5), percentile(0.99), percentile(1), values.count) }
}

func residentMegabytes() -> (now: Double, peak: Double) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Double {
        let line = status.split(separator: "\n").first { $0.hasPrefix(name) } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
    return (field("VmRSS:"), field("VmHWM:"))
}

let files = ConfigFiles(configDirectory: nil)
let theme = files.loadTheme(named: "dark").theme
var state = AppState(size: size, bindings: files.loadBindings(keymapNamed: "default").bindings, server: ServerInfo(url: serverURL, isEmbedded: false))
let keeper = SessionKeeper(server: serverURL.absoluteString, store: nil) { _ in .rejected }
let runner = EffectRunner(serverURL: serverURL, transport: PageServer(), session: keeper, searchPause: .zero)
let terminal = InMemoryTerminal(size: size, colorProfile: .trueColor)
let clock = ContinuousClock()

var keyToFrame: [String: Samples] = [:]
var answerToFrame = Samples()
var fetch = Samples()

/// One step of the UI loop: a message in, a frame drawn; answers the effects to run off the loop.
@MainActor func step(_ message: Message, into samples: inout Samples) -> [Effect] {
    let start = clock.now
    // As the UI loop does: update, compare to decide whether to draw, draw.
    let before = state
    let effects = App.update(&state, message)
    if state != before { terminal.draw(App.view(state, theme: theme, size: size)) }
    samples.add(clock.now - start)
    return effects
}

/// What the runner does off the loop: each effect's answer comes back and is drawn.
@MainActor func settle(_ effects: [Effect]) async {
    var pending = effects
    while !pending.isEmpty {
        let effect = pending.removeFirst()
        // The poll for notifications runs beside the browser in the app, on its own timer.
        if effect.isBackgroundPoll { continue }
        let started = clock.now
        let answer = await runner.perform(effect)
        fetch.add(clock.now - started)
        pending += step(answer, into: &answerToFrame)
    }
}

@MainActor func press(_ notation: String, as name: String) async {
    for key in try! KeySequence(notation: notation).keys {
        var samples = keyToFrame[name, default: Samples()]
        let effects = step(.key(key), into: &samples)
        keyToFrame[name] = samples
        await settle(effects)
    }
}

_ = App.update(&state, .resized(size))
await settle(App.update(&state, .account(.signedIn(.success(SignedIn(account: try! JSONDecoder.iso.decode(Account.self, from: Data(
    #"{"id":"6f1c3f0e-8c1b-4a57-9d38-2b1e6f0b7a11","email":"bench@example.com","user_type":"buyer","first_name":"Bench","last_name":"Mark","email_verified":true,"verification_status":"unverified","status":"active","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#.utf8))))))).filter { if case .profile(.loadProfile) = $0 { false } else { true } })
await press(":listings<enter>", as: "open")
let warm = residentMegabytes()

// Scrolling row by row, then paging through every one of the rows, then jumps to both ends.
for _ in 0..<3_000 { await press("j", as: "scroll (j)") }
var pages = 0
while state.browser.list.cursor.selected < total - 1 {
    await press("<pgdown>", as: "page (pgdown)")
    pages += 1
}
await press("gg", as: "jump (gg, G)")
await press("G", as: "jump (gg, G)")

// Filtering: the filter panel (open, tick a type, apply) and live search, each answer drawn.
for round in 0..<100 {
    await press("f", as: "filter: open panel")
    await press(round % 2 == 0 ? "<space>" : "<space><right>", as: "filter: tick a type")
    await press("<enter>", as: "filter: apply")
    await press("x", as: "filter: clear")
}
for word in ["dental", "pharmacy leeds", "care home"] {
    await press("/", as: "search: type")
    for character in word { await press(character == " " ? "<space>" : String(character), as: "search: type") }
    await press("<enter>", as: "search: type")
    await press("x", as: "filter: clear")
}

let memory = residentMegabytes()
print("Listings browser, \(total) listings, \(size) terminal, pages of \(state.browser.list.pageSize)")
print("rows walked: all \(total) (\(pages) page-downs); pages held now: \(state.browser.list.pages.count); cache entries: \(await runner.cache.count)")
print("")
print("key → frame (update + view + draw, UI thread)")
for name in keyToFrame.keys.sorted() where name != "open" {
    print("  \(name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(keyToFrame[name]!.line)")
}
print("answer → frame (a page or a search answer arrives)")
print("  \("page answer".padding(toLength: 22, withPad: " ", startingAt: 0)) \(answerToFrame.line)")
print("off the UI thread")
print("  \("fetch + decode a page".padding(toLength: 22, withPad: " ", startingAt: 0)) \(fetch.line)")
print("")
print(String(format: "resident memory: %.1f MB after opening, %.1f MB at the end, %.1f MB peak", warm.now, memory.now, memory.peak))

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
