@testable import EaglehurstTUI
import EaglehurstClient
import Foundation
import HTTPTypes
import OpenAPIRuntime
import XCTest

/// Answers each operation with canned JSON, or throws as if the server could not be reached.
struct StubTransport: ClientTransport {
    enum Answer: Sendable {
        case json(status: Int, body: String)
        case unreachable
    }

    struct ConnectionRefused: Error, CustomStringConvertible {
        var description: String { "connection refused" }
    }

    var answers: [String: Answer]

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        switch answers[operationID] {
        case .json(let status, let json):
            let type = status < 400 ? "application/json" : "application/problem+json"
            return (HTTPResponse(status: .init(code: status), headerFields: [.contentType: type]), HTTPBody(json))
        case .unreachable, nil:
            throw ConnectionRefused()
        }
    }

    static let healthyJSON = #"{"status":"ok","version":"1.2.3","database":"sqlite","time":"2025-11-26T09:30:00Z"}"#
}

func makeClient(_ answers: [String: StubTransport.Answer]) -> Client {
    Client(serverURL: URL(string: "http://127.0.0.1:8080/api/v1")!, transport: StubTransport(answers: answers))
}

/// A test harness: the app's state, the shipped default theme and keys, an 80×24 in-memory terminal.
struct Harness {
    var state: AppState
    let theme: Theme
    let terminal: InMemoryTerminal
    var effects: [Effect] = []

    init(size: Size = Size(width: 80, height: 24), profile: ColorProfile = .ansi256, keymap: String = "default", bindings: BindingTable? = nil, welcome: [String] = []) {
        let files = ConfigFiles(configDirectory: nil)
        theme = files.loadTheme(named: "dark").theme
        state = AppState(
            size: size, bindings: bindings ?? files.loadBindings(keymapNamed: keymap).bindings,
            server: ServerInfo(url: URL(string: "http://127.0.0.1:8080/api/v1")!, isEmbedded: true),
            welcomeLines: welcome
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
