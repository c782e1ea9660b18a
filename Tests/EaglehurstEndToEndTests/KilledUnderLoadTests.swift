import EaglehurstTestSupport
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `kill -9` of the server while clients write: every message the server acknowledged (201) is there
/// after a restart, on SQLite and on PostgreSQL. A write is acknowledged only once it is committed.
final class KilledUnderLoadTests: EndToEndTestCase {
    func testEveryAcknowledgedWriteSurvivesKillNineOnSQLite() async throws {
        try await killUnderLoad(environment: ["EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("data").path])
    }

    func testEveryAcknowledgedWriteSurvivesKillNineOnPostgreSQL() async throws {
        guard let base = ProcessInfo.processInfo.environment["EAGLEHURST_TEST_POSTGRES_URL"], !base.isEmpty else {
            // scripts/test always provides one; CI fails rather than skips without it.
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("EAGLEHURST_TEST_POSTGRES_URL is not set") }
            return
        }
        let name = "killed_\(UUID().uuidString.prefix(8).lowercased())"
        // psql speaks libpq's URL, without the driver's tlsmode.
        let admin = String(base.split(separator: "?").first ?? Substring(base))
        let (status, text) = try ChildProcess.run(["psql", "-X", "-q", admin, "-c", "CREATE DATABASE \(name)"])
        XCTAssertEqual(status, 0, text)
        let url = base.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
        try await killUnderLoad(environment: ["EAGLEHURST_DATA_DIR": sandbox.appendingPathComponent("data").path, "DATABASE_URL": url])
    }

    /// Seeds the demo, writes messages from eight clients at once, kills the server mid-load, starts it
    /// again and checks that each acknowledged message is in the thread.
    func killUnderLoad(environment: [String: String]) async throws {
        let server = try BuiltProducts.path("eaglehurst-server")
        let port = try freePort()
        let pidFile = sandbox.appendingPathComponent("server.pid").path
        let terminal = try TmuxSession(environment: environment)
        let serve = "sh -c 'echo $$ > \(pidFile); exec \(server) serve --port \(port)'"
        try terminal.run("\(server) seed-demo && \(serve)")
        try terminal.waitFor(timeout: 90, "the server to start") { $0.contains("Server started on http://127.0.0.1:") }

        let api = Api(base: URL(string: "http://127.0.0.1:\(port)/api/v1")!)
        let token = try await api.signIn("buyer@demo.eaglehurst.test", "DemoBuyer1")
        let connection = try await api.acceptedConnection(token: token)

        let acknowledged = Acknowledged()
        // Writers stop when told, not by cancellation: a cancelled URLSession task can trip
        // FoundationNetworking's task registry.
        let writers = (0..<8).map { writer in
            Task {
                var n = 0
                while await !acknowledged.isStopped, n < 10_000 {
                    n += 1
                    guard let id = try? await api.send("writer \(writer) message \(n)", on: connection, token: token) else { continue }
                    await acknowledged.add(id)
                }
            }
        }
        // Let the load run, then kill the server in the middle of it.
        while await acknowledged.count < 40 { try await Task.sleep(for: .milliseconds(20)) }
        let pid = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try ChildProcess.run(["kill", "-9", pid]).0, 0)
        try await Task.sleep(for: .milliseconds(300))
        await acknowledged.stop()
        for writer in writers { await writer.value }
        let ids = await acknowledged.ids
        XCTAssertGreaterThanOrEqual(ids.count, 40)

        try terminal.run("clear; " + serve)
        try await api.waitUntilHealthy(timeout: 90)
        let again = try await api.signIn("buyer@demo.eaglehurst.test", "DemoBuyer1")
        let stored = try await api.messageIDs(on: connection, token: again)
        let lost = ids.subtracting(stored)
        XCTAssertTrue(lost.isEmpty, "\(lost.count) of \(ids.count) acknowledged messages are gone after kill -9")
        _ = try? ChildProcess.run(["sh", "-c", "kill $(cat \(pidFile))"])
    }
}

/// The ids the server acknowledged, shared by the writers.
actor Acknowledged {
    private(set) var ids: Set<String> = []
    private(set) var isStopped = false
    var count: Int { ids.count }
    func add(_ id: String) { ids.insert(id) }
    func stop() { isStopped = true }
}

/// Just enough of the HTTP API for the fault tests, over URLSession.
struct Api: Sendable {
    let base: URL

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func call(_ method: String, _ path: String, token: String? = nil, body: [String: Any]? = nil) async throws -> (Int, Any?) {
        var request = URLRequest(url: URL(string: base.absoluteString + path)!)
        request.httpMethod = method
        request.timeoutInterval = 10
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    /// Polls `GET /health` until the server answers 200.
    func waitUntilHealthy(timeout: TimeInterval) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let (status, _) = try? await call("GET", "/health"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "the server did not answer /health within \(Int(timeout)) s")
    }

    /// A server just started may be writing its start-up roll-up and search log on SQLite; a sign-in
    /// that waits past the busy timeout is answered 503 with Retry-After, and is asked again as a
    /// client does (a few times, then it fails).
    func signIn(_ email: String, _ password: String) async throws -> String {
        var (status, json) = try await call("POST", "/auth/login", body: ["email": email, "password": password])
        for _ in 0..<5 where status == 503 {
            try await Task.sleep(for: .seconds(1))
            (status, json) = try await call("POST", "/auth/login", body: ["email": email, "password": password])
        }
        guard status == 200, let token = (json as? [String: Any])?["access_token"] as? String else { throw Failure(description: "sign-in answered \(status)") }
        return token
    }

    func acceptedConnection(token: String) async throws -> String {
        let (status, json) = try await call("GET", "/connections?status=accepted&page=1&per_page=10", token: token)
        guard status == 200, let items = (json as? [String: Any])?["items"] as? [[String: Any]], let id = items.first?["id"] as? String else {
            throw Failure(description: "no accepted connection (\(status))")
        }
        return id
    }

    /// The new message's id once the server answered 201; nil for any other answer.
    func send(_ content: String, on connection: String, token: String) async throws -> String? {
        let (status, json) = try await call("POST", "/connections/\(connection)/messages", token: token, body: ["content": content])
        guard status == 201 else { return nil }
        return (json as? [String: Any])?["id"] as? String
    }

    func messageIDs(on connection: String, token: String) async throws -> Set<String> {
        var ids: Set<String> = []
        var page = 1
        while true {
            let (status, json) = try await call("GET", "/connections/\(connection)/messages?page=\(page)&per_page=100", token: token)
            guard status == 200, let object = json as? [String: Any], let items = object["items"] as? [[String: Any]] else {
                throw Failure(description: "messages answered \(status)")
            }
            ids.formUnion(items.compactMap { $0["id"] as? String })
            let total = object["total"] as? Int ?? 0
            let perPage = object["per_page"] as? Int ?? 100
            if items.isEmpty || page * perPage >= total { return ids }
            page += 1
        }
    }
}
