@testable import EaglehurstTUI
import EaglehurstAPI
import EaglehurstClient
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization
import XCTest

/// A server stand-in: each request is recorded and answered by `route`, or by a canned answer per
/// operation; an operation with no answer is unreachable.
final class StubTransport: ClientTransport, Sendable {
    enum Answer: Sendable {
        case json(status: Int, body: String, headers: [String: String] = [:])
        case empty(status: Int)
        /// Bytes, as a download answers them.
        case data(status: Int, body: Data, headers: [String: String] = [:])
        case unreachable
    }

    struct Request: Sendable {
        var operationID: String
        var authorization: String?
        var contentType: String?
        var body: Data
        /// The path with its query, e.g. `/api/v1/listings?page=2`.
        var path: String = ""
        var ifNoneMatch: String?
        var idempotencyKey: String?

        /// The values of a query parameter, in order.
        func query(_ name: String) -> [String] {
            guard let query = URLComponents(string: path)?.queryItems else { return [] }
            return query.filter { $0.name == name }.compactMap(\.value)
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }

        /// A JSON body's string field.
        func field(_ name: String) -> String? {
            (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?[name] as? String
        }
    }

    struct ConnectionRefused: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    private let route: @Sendable (Request) async -> Answer
    private let log = Mutex<[Request]>([])

    init(route: @escaping @Sendable (Request) async -> Answer) {
        self.route = route
    }

    convenience init(answers: [String: Answer]) {
        self.init { answers[$0.operationID] ?? .unreachable }
    }

    var requests: [Request] { log.withLock { $0 } }

    func requests(_ operationID: String) -> [Request] { requests.filter { $0.operationID == operationID } }

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var data = Data()
        if let body { data = try await Data(collecting: body, upTo: .max) }
        let recorded = Request(
            operationID: operationID, authorization: request.headerFields[.authorization], contentType: request.headerFields[.contentType],
            body: data, path: request.path ?? "", ifNoneMatch: request.headerFields[.ifNoneMatch],
            idempotencyKey: request.headerFields[HTTPField.Name("Idempotency-Key")!]
        )
        log.withLock { $0.append(recorded) }
        switch await route(recorded) {
        case .json(let status, let json, let headers):
            var fields: HTTPFields = [.contentType: status < 400 ? "application/json" : "application/problem+json"]
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return (HTTPResponse(status: .init(code: status), headerFields: fields), HTTPBody(json))
        case .empty(let status):
            return (HTTPResponse(status: .init(code: status)), nil)
        case .data(let status, let bytes, let headers):
            var fields: HTTPFields = [.contentType: "application/octet-stream"]
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return (HTTPResponse(status: .init(code: status), headerFields: fields), HTTPBody(bytes))
        case .unreachable:
            throw ConnectionRefused()
        }
    }

    static let healthyJSON = #"{"status":"ok","version":"1.2.3","database":"sqlite","time":"2025-11-26T09:30:00Z"}"#

    static func problem(_ status: Int, _ title: String, detail: String? = nil, errors: [String: [String]]? = nil) -> String {
        var object: [String: Any] = ["type": "about:blank", "title": title, "status": status]
        if let detail { object["detail"] = detail }
        if let errors { object["errors"] = errors }
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

let testServerURL = URL(string: "http://127.0.0.1:8080/api/v1")!

/// A runner over the stub, with a keeper that refreshes through the same stub (memory only unless a store is given).
func makeRunner(_ transport: StubTransport, store: SessionStore? = nil, session: StoredSession? = nil) async throws -> (EffectRunner, SessionKeeper) {
    let keeper = SessionKeeper(server: testServerURL.absoluteString, store: store, refresh: SessionKeeper.refresher(client: Client(serverURL: testServerURL, transport: transport)))
    if let session { try await keeper.begin(session) }
    return (EffectRunner(serverURL: testServerURL, transport: transport, session: keeper), keeper)
}

func makeRunner(_ answers: [String: StubTransport.Answer]) async throws -> EffectRunner {
    try await makeRunner(StubTransport(answers: answers)).0
}

/// Users and profiles as the server sends them.
enum Fixture {
    static let userID = "6f1c3f0e-8c1b-4a57-9d38-2b1e6f0b7a11"

    /// A user as the generated wire type: a change to the contract breaks this fixture at compile time.
    static func user(email: String = "bob@example.com", type: String = "buyer", verified: Bool = true, first: String = "Bob", last: String = "Smith", phone: String? = nil) -> Account {
        Account(
            id: UUID(uuidString: userID)!, email: email, userType: Components.Schemas.UserType(rawValue: type)!,
            firstName: first, lastName: last, phone: phone, emailVerified: verified,
            verificationStatus: .unverified, status: .active,
            createdAt: date("2025-11-01T10:00:00Z"), updatedAt: date("2025-11-01T10:00:00Z")
        )
    }

    /// The user as the server sends it: the typed fixture, encoded.
    static func userJSON(email: String = "bob@example.com", type: String = "buyer", verified: Bool = true, first: String = "Bob", last: String = "Smith", phone: String? = nil) -> String {
        json(user(email: email, type: type, verified: verified, first: first, last: last, phone: phone))
    }

    static func date(_ iso8601: String) -> Date {
        try! Date(iso8601, strategy: .iso8601)
    }

    /// A wire value encoded as the server encodes it (snake_case keys from the generated types, ISO-8601 dates).
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    static func tokensJSON(access: String = "acc", refresh: String = "ref", user: String = userJSON()) -> String {
        #"{"access_token":"\#(access)","refresh_token":"\#(refresh)","token_type":"bearer","expires_in":900,"user":\#(user)}"#
    }

    static func account(_ json: String = userJSON()) -> Account {
        try! decoder.decode(Account.self, from: Data(json.utf8))
    }

    static let buyerProfileJSON = #"{"id":"0b7d8e52-51a3-4c0e-9d0f-000000000001","user_id":"\#(userID)","preferences":{"business_types":["pharmacy","dental_practice"],"regions":["Leeds"],"min_price":100000,"max_price":750000,"notes":"NHS contract preferred"},"verification_status":"unverified","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
    static let sellerProfileJSON = #"{"id":"0b7d8e52-51a3-4c0e-9d0f-000000000002","user_id":"\#(userID)","business_name":"Harbour Dental","company_number":"01234567","years_in_business":12,"verification_status":"pending","created_at":"2025-11-01T10:00:00Z","updated_at":"2025-11-01T10:00:00Z"}"#
    static let verificationJSON = #"{"user_id":"\#(userID)","email_verified":true,"verification_status":"pending","documents":[{"id":"0b7d8e52-51a3-4c0e-9d0f-000000000003","document_type":"passport","file_name":"passport.pdf","content_type":"application/pdf","size_bytes":20480,"status":"pending","uploaded_at":"2025-11-20T10:00:00Z"}]}"#

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    /// The answers of a signed-in buyer's profile screen.
    static func profileAnswers(type: String = "buyer") -> [String: StubTransport.Answer] {
        [
            "usersGetProfile": .json(status: 200, body: userJSON(type: type)),
            "usersGetBuyerProfile": .json(status: 200, body: buyerProfileJSON),
            "usersGetSellerProfile": .json(status: 200, body: sellerProfileJSON),
            "usersVerificationStatus": .json(status: 200, body: verificationJSON),
        ]
    }
}

/// A test harness: the app's state, the shipped default theme and keys, an 80×24 in-memory terminal.
struct Harness {
    var state: AppState
    let theme: Theme
    let terminal: InMemoryTerminal
    var effects: [Effect] = []

    init(size: Size = Size(width: 80, height: 24), profile: ColorProfile = .ansi256, keymap: String = "default", bindings: BindingTable? = nil, welcome: [String] = [], storedSessionEmail: String? = nil) {
        let files = ConfigFiles(configDirectory: nil)
        theme = files.loadTheme(named: "dark").theme
        state = AppState(
            size: size, bindings: bindings ?? files.loadBindings(keymapNamed: keymap).bindings,
            server: ServerInfo(url: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: true),
            welcomeLines: welcome, storedSessionEmail: storedSessionEmail
        )
        terminal = InMemoryTerminal(size: size, colorProfile: profile)
        effects = App.start(&state)
        render()
    }

    mutating func send(_ message: Message) {
        effects += App.update(&state, message)
        render()
    }

    /// Presses keys written in keymap notation: `press("?")`, `press(":lis<tab>")`.
    mutating func press(_ notation: String) {
        for key in try! KeySequence(notation: notation).keys { send(.key(key)) }
    }

    /// The background poll's requests and pauses, held back from `run`: in the app they go on for as
    /// long as it runs, so a test steps them with `poll(_:)` when it is about them.
    var background: [Effect] = []

    /// Sends each effect of the last step through `runner` and feeds the answers back, as the loop does.
    mutating func run(_ runner: EffectRunner) async {
        while !effects.isEmpty {
            let pending = effects
            effects = []
            for effect in pending {
                if effect.isBackgroundPoll {
                    background.append(effect)
                } else {
                    send(await runner.perform(effect))
                }
            }
        }
    }

    /// Runs the poll once as if its pause were over: the latest cycle's request, then what it asks for.
    mutating func poll(_ runner: EffectRunner) async {
        background += effects.filter(\.isBackgroundPoll)
        effects.removeAll(where: \.isBackgroundPoll)
        var request = background.last(where: \.isPollRequest)
        background = []
        if request == nil {
            send(.conversations(.pollDue(token: state.conversations.poll.token)))
            request = effects.last(where: \.isPollRequest)
            effects.removeAll(where: \.isPollRequest)
        }
        if let request { send(await runner.perform(request)) }
        await run(runner)
    }

    /// The frame's text below the header and above the error line.
    var body: String { lines[1..<(lines.count - 3)].map(trimmed).joined(separator: "\n") }

    func render() {
        terminal.draw(App.view(state, theme: theme, size: state.size))
    }

    var lines: [String] { terminal.lines }
    var text: String { lines.joined(separator: "\n") }

    /// The row that contains `needle`, trailing spaces removed.
    func line(containing needle: String) -> String? {
        lines.first { $0.contains(needle) }.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    var errorLine: String { trimmed(lines[lines.count - 3]) }
    var statusBar: String { trimmed(lines[lines.count - 2]) }
    var hints: String { trimmed(lines[lines.count - 1]) }

    func trimmed(_ line: String) -> String {
        String(line.reversed().drop(while: { $0 == " " }).reversed())
    }

    static let fixedReport = HealthReport(
        status: "ok", version: "1.2.3", database: "sqlite",
        serverTime: Date(timeIntervalSince1970: 1_764_149_400), roundTrip: .milliseconds(12)
    )
}

/// Golden frames live in Golden/; `EAGLEHURST_REGENERATE=1 swift test` rewrites them, nobody edits them.
func assertGolden(_ lines: [String], _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
    let url = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("Golden/\(name).txt")
    let actual = lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n") + "\n"
    if ProcessInfo.processInfo.environment["EAGLEHURST_REGENERATE"] == "1" {
        try actual.write(to: url, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    XCTAssertEqual(actual, expected, "frame differs from Golden/\(name).txt (regenerate with EAGLEHURST_REGENERATE=1)", file: file, line: line)
}
